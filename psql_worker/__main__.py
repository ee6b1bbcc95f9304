"""python -m psql_worker"""

from common.logging import configure_logging
from psql_worker.service import NAME, run
from psql_worker.settings import PersistenceSettings


def main() -> None:
    settings = PersistenceSettings()
    configure_logging(service=NAME, level=settings.log_level, fmt=settings.log_format)
    run(settings)


if __name__ == "__main__":
    main()
