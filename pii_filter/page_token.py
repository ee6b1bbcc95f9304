"""Page tokens: what the browser page sends instead of an API key (docs/security.md, "The page").

A page token is a short-lived, signed statement "this is page session <id>, opened from the client
address whose keyed hash is <h>", made by `itsdangerous` (HMAC-SHA256 over the payload and a
timestamp, under PAGE_TOKEN_SECRET). It grants exactly what the public page grants anyone: asking
questions as the caller `page:<id>`, which owns the queries, conversations and feedback it makes.
It is no secret of the operator's: the page fetches one from POST /page-token, rate-limited per client
address, and keeps it in memory only (never in browser storage or a cookie, so no other site can use it
through the person's browser). A token is refused after PAGE_TOKEN_TTL_S, from another client address,
or when its signature does not verify; the page asks for a fresh one before it expires, keeping its id.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadData, URLSafeTimedSerializer
from starlette.types import Scope

PAGE_CALLER_PREFIX = "page:"
_SALT = "consumer-rights.page-token.v1"  # tokens of this purpose only: the secret could sign others later


@dataclass(frozen=True)
class PageToken:
    """A token and how long it is valid, as POST /page-token returns it."""

    token: str
    page_id: str
    expires_in_s: int


class PageTokens:
    """Issues and checks page tokens under one secret."""

    def __init__(self, *, secret: str, ttl_s: int) -> None:
        if len(secret) < 32:
            raise ValueError("PAGE_TOKEN_SECRET must be at least 32 characters")
        self._serializer = URLSafeTimedSerializer(secret, salt=_SALT)
        self._address_key = hmac.new(secret.encode(), b"client-address", hashlib.sha256).digest()
        self.ttl_s = ttl_s

    def issue(self, *, address: str, page_id: str | None = None) -> PageToken:
        """A new token for `address`; `page_id` keeps a page's id when it renews its token."""
        page_id = page_id or secrets.token_hex(12)
        token = self._serializer.dumps({"p": page_id, "a": self._address_hash(address)})
        return PageToken(token=token, page_id=page_id, expires_in_s=self.ttl_s)

    def page_id(self, token: str, *, address: str) -> str | None:
        """The page id of a valid, unexpired token presented from the address it was issued to; else None."""
        try:
            payload = self._serializer.loads(token, max_age=self.ttl_s)
        except BadData:
            return None
        if not isinstance(payload, dict):
            return None
        page_id, bound_to = payload.get("p"), payload.get("a")
        if not (isinstance(page_id, str) and isinstance(bound_to, str)):
            return None
        if not hmac.compare_digest(bound_to, self._address_hash(address)):
            return None
        return page_id

    def _address_hash(self, address: str) -> str:
        """The client address as the token carries it: a keyed hash (a token is signed, not encrypted)."""
        return hmac.new(self._address_key, address.encode(), hashlib.sha256).hexdigest()[:24]


def client_address(scope: Scope) -> str:
    """The client's address as the proxy headers resolved it ('unknown' without one)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"
