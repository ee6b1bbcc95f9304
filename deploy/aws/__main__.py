"""python -m deploy.aws up|down|status|logs|cost"""

import sys

from deploy.aws.cli import main

if __name__ == "__main__":
    sys.exit(main())
