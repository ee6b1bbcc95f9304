"""API keys: only SHA-256 digests are configured (API_KEYS_SHA256); a request's key is hashed and compared.

Checked in a pure ASGI middleware, so a request without a valid key is answered 401 before its body is
read or parsed. Keys arrive as `Authorization: Bearer <key>` or `X-API-Key: <key>`. The caller's
identity, for rate limiting and as the owner of the queries it asks, is a short prefix of the matching
digest: never the key itself. Operator keys (OPERATOR_KEYS_SHA256) may also read every query.
The browser page presents a page token the same way (pii_filter/page_token.py): its caller is
'page:<id>', rate-limited per client address rather than per token, since anyone can get a token.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from pii_filter.errors import error_response
from pii_filter.metrics import AUTH_FAILURES
from pii_filter.page_token import PAGE_CALLER_PREFIX, PageTokens, client_address

CALLER_KEY = "caller"  # scope["state"][CALLER_KEY]: who is calling (rate limits, owner of its queries)
LIMIT_KEY = "limit_as"  # scope["state"][LIMIT_KEY]: whom the rate limits count, when not the caller
OPERATOR_KEY = "operator"  # scope["state"][OPERATOR_KEY]: True for an operator key
MISSING_MESSAGE = (
    "An API key is required. Send it as 'Authorization: Bearer <key>' or in the 'X-API-Key' header."
)
INVALID_MESSAGE = "The API key is not valid. Check it, or ask the operator of this service for a new one."
SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "ApiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "BearerAuth": {"type": "http", "scheme": "bearer"},
}


def digest(key: str) -> str:
    """The hex SHA-256 of a key: what API_KEYS_SHA256 lists."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def presented_key(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The key a request carries (X-API-Key, or a Bearer token), or None."""
    api_key = bearer = None
    for name, value in headers:
        if name == b"x-api-key":
            api_key = value.decode("latin-1").strip()
        elif name == b"authorization":
            scheme, _, token = value.decode("latin-1").strip().partition(" ")
            if scheme.lower() == "bearer":
                bearer = token.strip()
    return api_key or bearer or None


@dataclass(frozen=True)
class Caller:
    """Who a valid key belongs to: its id ('key:' + 12 hex digits of its digest) and whether it is an
    operator's."""

    id: str
    operator: bool = False


class ApiKeys:
    """The accepted digests; `identify` returns the caller for a valid key and None otherwise."""

    def __init__(self, digests: Iterable[str], operator_digests: Iterable[str] = ()) -> None:
        self._digests = tuple((bytes.fromhex(d), False) for d in digests) + tuple(
            (bytes.fromhex(d), True) for d in operator_digests)
        if not self._digests:
            raise ValueError("at least one API key digest is required")

    def identify(self, key: str) -> Caller | None:
        presented = hashlib.sha256(key.encode("utf-8")).digest()
        found: tuple[bytes, bool] | None = None
        for candidate, operator in self._digests:  # no early exit: the time does not depend on which matched
            if hmac.compare_digest(presented, candidate):
                found = (candidate, operator)
        return Caller(f"key:{found[0].hex()[:12]}", found[1]) if found is not None else None


class ApiKeyMiddleware:
    """Answers 401 to requests for protected paths that carry no valid key (or page token); marks the
    caller otherwise."""

    def __init__(self, app: ASGIApp, *, keys: ApiKeys, protected: Callable[[str], bool],
                 page_tokens: PageTokens | None = None) -> None:
        self.app = app
        self.keys = keys
        self.protected = protected
        self.page_tokens = page_tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.protected(scope["path"]):
            await self.app(scope, receive, send)
            return
        key = presented_key(scope["headers"])
        caller = self._identify(key, scope) if key else None
        if caller is None:
            reason = "missing" if key is None else "invalid"
            AUTH_FAILURES.labels(reason=reason).inc()
            response = error_response(
                401, "unauthorized", MISSING_MESSAGE if key is None else INVALID_MESSAGE,
                headers={"WWW-Authenticate": "Bearer"},
            )
            await response(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state[CALLER_KEY], state[OPERATOR_KEY] = caller.id, caller.operator
        if caller.id.startswith(PAGE_CALLER_PREFIX):  # a token is free to get: the address is the quota
            state[LIMIT_KEY] = f"ip:{client_address(scope)}"
        await self.app(scope, receive, send)

    def _identify(self, key: str, scope: Scope) -> Caller | None:
        caller = self.keys.identify(key)
        if caller is None and self.page_tokens is not None:
            page_id = self.page_tokens.page_id(key, address=client_address(scope))
            caller = Caller(PAGE_CALLER_PREFIX + page_id) if page_id else None
        return caller


def owner_of(scope: Scope) -> str:
    """The id a query is stored under: the caller's key id; '' when keys are off (never an address)."""
    return str(scope.get("state", {}).get(CALLER_KEY, ""))


def may_read(scope: Scope, owner: str) -> bool:
    """Only the caller who asked a query, or an operator, may read it."""
    return bool(scope.get("state", {}).get(OPERATOR_KEY)) or owner == owner_of(scope)


def is_protected_path(prefixes: tuple[str, ...]) -> Callable[[str], bool]:
    """A predicate for paths equal to, or below, one of `prefixes` ('/query' also covers '/query/')."""

    def protected(path: str) -> bool:
        return any(path == p or path.startswith(p + "/") for p in prefixes)

    return protected
