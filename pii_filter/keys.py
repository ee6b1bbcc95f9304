"""`python -m pii_filter.keys`: print a new random API key and its SHA-256 digest, for operators.

Give the key to the client; put only the digest in API_KEYS_SHA256 (comma-separated, in Secrets Manager).
"""

from __future__ import annotations

import argparse
import secrets

from pii_filter.auth import digest


def new_key() -> str:
    """256 random bits, URL-safe, prefixed so a leaked key is recognisable in secret scanners."""
    return "cra_" + secrets.token_urlsafe(32)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1, help="how many keys to make")
    args = parser.parse_args(argv)
    for _ in range(max(1, args.count)):
        key = new_key()
        print(f"key:    {key}")
        print(f"sha256: {digest(key)}")


if __name__ == "__main__":
    main()
