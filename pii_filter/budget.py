"""Spend cap: daily and monthly LLM budgets in USD, read from the persisted queries in PostgreSQL.

The spend is the sum of `queries.cost_usd` (llm_connector prices each answer from its token counts;
psql_worker stores it), so the figure survives restarts and every gateway replica sees the same one.
It is cached for BUDGET_CACHE_S seconds, not read per request. Queries still in flight are not in the
sum yet, so a cap can be overshot by at most the cost of the answers in progress when it is reached.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from pii_filter.errors import ApiError
from pii_filter.metrics import BUDGET_EXCEEDED, BUDGET_LIMIT, BUDGET_SPEND

log = logging.getLogger(__name__)

Provider = Literal["default", "extractive"]
STALE_OK_S = 60.0  # a database blip shorter than this keeps using the last figure


class SpendSource(Protocol):
    def spend_usd(self, since: datetime) -> float: ...


@dataclass(frozen=True)
class Period:
    """One budget window: its name, cap, when it started and when it resets."""

    name: Literal["daily", "monthly"]
    limit_usd: float
    start: datetime
    resets_at: datetime


@dataclass(frozen=True)
class Spend:
    period: Period
    spent_usd: float

    @property
    def exhausted(self) -> bool:
        return self.spent_usd >= self.period.limit_usd


def periods(now: datetime, *, tz: ZoneInfo, daily_usd: float, monthly_usd: float) -> list[Period]:
    """The capped windows containing `now`, in the budget's time zone (0 = that window has no cap)."""
    local = now.astimezone(tz)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    month = day.replace(day=1)
    next_month = month.replace(year=month.year + 1, month=1) if month.month == 12 else month.replace(
        month=month.month + 1)
    tomorrow = day + timedelta(days=1)  # wall-clock arithmetic: midnight in the budget's zone
    found = []
    if daily_usd > 0:
        found.append(Period("daily", daily_usd, day, tomorrow))
    if monthly_usd > 0:
        found.append(Period("monthly", monthly_usd, month, next_month))
    return found


class SpendCap:
    """Decides, per query, whether the LLM may be used: 'default', 'extractive' (fallback), or a 503."""

    def __init__(
        self,
        *,
        source: SpendSource,
        daily_usd: float,
        monthly_usd: float,
        action: Literal["reject", "extractive"],
        tz: str = "UTC",
        cache_s: float = 2.0,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.source = source
        self.daily_usd = daily_usd
        self.monthly_usd = monthly_usd
        self.action = action
        self.tz = ZoneInfo(tz)
        self.cache_s = cache_s
        self._now = now
        self._lock = threading.Lock()
        self._cached: tuple[float, list[Spend]] | None = None  # (monotonic time read, figures)
        for name, limit in (("daily", daily_usd), ("monthly", monthly_usd)):
            BUDGET_LIMIT.labels(period=name).set(limit)

    def check(self) -> Provider:
        """Blocking (it may query the database): call it from a worker thread."""
        try:
            spends = self._spends()
        except Exception as exc:  # the database is down and the last figure is too old
            if self.action == "extractive":
                log.warning("spend unknown (%s): answering without the LLM", exc.__class__.__name__)
                return "extractive"
            log.warning("spend unknown (%s): refusing queries", exc.__class__.__name__)
            raise ApiError(503, "budget_unavailable", "The spending limit cannot be checked right now. "
                           "Please try again shortly.", headers={"Retry-After": "30"}) from exc
        exhausted = [s for s in spends if s.exhausted]
        if not exhausted:
            return "default"
        # the window that stays closed longest is the one to report
        spend = max(exhausted, key=lambda s: s.period.resets_at)
        BUDGET_EXCEEDED.labels(period=spend.period.name, action=self.action).inc()
        if self.action == "extractive":
            return "extractive"
        resets = spend.period.resets_at
        wait_s = max(1, math.ceil((resets - self._now()).total_seconds()))
        raise ApiError(
            503, "budget_exceeded",
            f"The {spend.period.name} budget for answers (USD {spend.period.limit_usd:.2f}) is used up. "
            f"Questions are accepted again from {resets.strftime('%Y-%m-%d %H:%M')} {resets.tzname()}.",
            headers={"Retry-After": str(wait_s)},
        )

    def _spends(self) -> list[Spend]:
        with self._lock:
            now = self._now()
            current = periods(now, tz=self.tz, daily_usd=self.daily_usd, monthly_usd=self.monthly_usd)
            cached = self._cached
            if cached is not None:
                age = time.monotonic() - cached[0]
                same_windows = [s.period for s in cached[1]] == current
                if age < self.cache_s and same_windows:
                    return cached[1]
            try:
                spends = [Spend(p, self.source.spend_usd(p.start)) for p in current]
            except Exception:
                if cached is not None and time.monotonic() - cached[0] < STALE_OK_S \
                        and [s.period for s in cached[1]] == current:
                    return cached[1]
                raise
            self._cached = (time.monotonic(), spends)
            for spend in spends:
                BUDGET_SPEND.labels(period=spend.period.name).set(spend.spent_usd)
            return spends
