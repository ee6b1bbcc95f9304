"""Spend cap: figures from PostgreSQL, so exhaustion survives a gateway restart and binds every replica."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest

from pii_filter.budget import SpendCap, periods
from pii_filter.errors import ApiError
from tests.support.gateway import auth, gateway, metrics, running_stages

pytestmark = pytest.mark.integration

QUESTION = {"question": "My new washing machine leaks. Can I ask for a replacement?"}


def seed_cost(database_url: str, cost_usd: float, completed_at: datetime) -> None:
    """A persisted, answered query that cost `cost_usd`, as psql_worker stores it."""
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "INSERT INTO queries (query_id, status, redacted_question, answer, answered, provider, "
            "input_tokens, output_tokens, cost_usd, submitted_at, completed_at) "
            "VALUES (%s, 'answered', 'q', 'a', true, 'bedrock', 1000, 200, %s, %s, %s)",
            (uuid.uuid4(), cost_usd, completed_at, completed_at),
        )


def _assert_budget_503(response, period: str) -> dict:
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["error"] == "budget_exceeded"
    assert f"{period} budget" in body["message"] and "used up" in body["message"]
    assert int(response.headers["retry-after"]) >= 1
    return body


def test_spend_from_answers_exhausts_the_daily_budget_for_every_replica_and_after_restart(
    amqp_url, namespace, migrated_url
):
    caps = {"database_url": migrated_url, "daily_budget_usd": 1.0, "budget_cache_s": 0.0}
    with running_stages(amqp_url, namespace, cost_usd=0.6, database_url=migrated_url):
        with gateway(amqp_url, namespace, instance="gw-a", **caps) as a, \
                gateway(amqp_url, namespace, instance="gw-b", **caps) as b:
            first = a.post("/query", json=QUESTION, headers=auth())
            assert first.status_code == 200, first.text
            assert first.json()["model"] == "stand-in-llm"
            assert b.post("/query", json=QUESTION, headers=auth()).status_code == 200  # 0.60 < 1.00
            # 1.20 spent through two replicas: both refuse now
            body = _assert_budget_503(a.post("/query", json=QUESTION, headers=auth()), "daily")
            assert "USD 1.00" in body["message"]
            tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")
            assert f"from {tomorrow} 00:00 UTC" in body["message"]
            _assert_budget_503(b.post("/query", json=QUESTION, headers=auth()), "daily")
            scraped = metrics(a)
            assert 'cr_budget_exceeded_total{action="reject",period="daily"}' in scraped
            assert 'cr_budget_spend_usd{period="daily"} 1.2' in scraped
            # a bad request is still a 422, not hidden behind the budget
            assert a.post("/query", json={"question": ""}, headers=auth()).status_code == 422
        # a restarted gateway (new process state, same database) still refuses
        with gateway(amqp_url, namespace, instance="gw-a2", **caps) as restarted:
            _assert_budget_503(restarted.post("/query", json=QUESTION, headers=auth()), "daily")
        # a larger budget (a new configuration) lets questions through again
        with gateway(amqp_url, namespace, instance="gw-a3", **{**caps, "daily_budget_usd": 5.0}) as raised:
            assert raised.post("/query", json=QUESTION, headers=auth()).status_code == 200


def test_monthly_budget_counts_only_this_month(amqp_url, namespace, migrated_url):
    now = datetime.now(UTC)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    seed_cost(migrated_url, 50.0, month_start - timedelta(seconds=1))  # last month: not counted
    caps = {"database_url": migrated_url, "monthly_budget_usd": 10.0, "budget_cache_s": 0.0}
    with running_stages(amqp_url, namespace, database_url=migrated_url), \
            gateway(amqp_url, namespace, **caps) as client:
        assert client.post("/query", json=QUESTION, headers=auth()).status_code == 200
        seed_cost(migrated_url, 10.0, month_start + timedelta(seconds=1))
        body = _assert_budget_503(client.post("/query", json=QUESTION, headers=auth()), "monthly")
        first_of_next = (month_start + timedelta(days=32)).replace(day=1).strftime("%Y-%m-%d")
        assert f"from {first_of_next} 00:00" in body["message"]


def test_extractive_fallback_once_the_budget_is_used_up(amqp_url, namespace, migrated_url):
    caps = {"database_url": migrated_url, "daily_budget_usd": 2.0, "budget_cache_s": 0.0,
            "budget_exceeded_action": "extractive"}
    with running_stages(amqp_url, namespace, cost_usd=1.5, database_url=migrated_url), \
            gateway(amqp_url, namespace, **caps) as client:
        assert client.post("/query", json=QUESTION, headers=auth()).json()["model"] == "stand-in-llm"
        assert client.post("/query", json=QUESTION, headers=auth()).json()["model"] == "stand-in-llm"
        # 3.00 spent: answers go on, without the paid model
        after = client.post("/query", json=QUESTION, headers=auth())
        assert after.status_code == 200, after.text
        assert after.json()["model"] == "extractive"
        with psycopg.connect(migrated_url) as conn:
            total = conn.execute("SELECT sum(cost_usd) FROM queries").fetchone()[0]
        assert float(total) == 3.0  # the fallback answer cost nothing
        assert 'cr_budget_exceeded_total{action="extractive",period="daily"}' in metrics(client)


class Source:
    def __init__(self, spend: float) -> None:
        self.spend = spend
        self.calls = 0
        self.fail = False

    def spend_usd(self, since: datetime) -> float:
        self.calls += 1
        if self.fail:
            raise RuntimeError("database down")
        return self.spend


def test_spend_is_cached_and_an_unreadable_spend_fails_closed(monkeypatch):
    source = Source(0.5)
    cap = SpendCap(source=source, daily_usd=1.0, monthly_usd=0, action="reject", cache_s=30)
    assert [cap.check() for _ in range(5)] == ["default"] * 5
    assert source.calls == 1  # one read serves many requests
    source.fail = True
    assert cap.check() == "default"  # a blip: the recent figure is still used
    cap._cached = None
    with pytest.raises(ApiError) as raised:
        cap.check()
    assert raised.value.status == 503 and raised.value.code == "budget_unavailable"
    fallback = SpendCap(source=source, daily_usd=1.0, monthly_usd=0, action="extractive")
    assert fallback.check() == "extractive"


def test_windows_follow_the_budget_time_zone():
    ist = ZoneInfo("Asia/Kolkata")
    now = datetime(2025, 12, 31, 20, 0, tzinfo=UTC)  # 1 January 2026, 01:30 in India
    daily, monthly = periods(now, tz=ist, daily_usd=1, monthly_usd=10)
    assert daily.start == datetime(2026, 1, 1, tzinfo=ist)
    assert daily.resets_at == datetime(2026, 1, 2, tzinfo=ist)
    assert monthly.start == datetime(2026, 1, 1, tzinfo=ist)
    assert monthly.resets_at == datetime(2026, 2, 1, tzinfo=ist)
    _utc_daily, utc_monthly = periods(now, tz=ZoneInfo("UTC"), daily_usd=1, monthly_usd=10)
    assert utc_monthly.start == datetime(2025, 12, 1, tzinfo=UTC)
    assert utc_monthly.resets_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert periods(now, tz=ist, daily_usd=0, monthly_usd=0) == []
