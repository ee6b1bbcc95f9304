"""One key's burst cannot take every worker slot: past MAX_CONCURRENT_PER_CALLER requests in progress it
gets 429 at once, and another key's questions wait behind at most that many of the burst's."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from tests.support.gateway import KEY, OTHER_KEY, auth, running_stages, served

pytestmark = pytest.mark.integration

QUESTION = {"question": "Can I get a refund for a defective phone?"}
ANSWER_S = 0.25  # the stand-in answer stage: one answer at a time, this long each
BURST = 20


async def _burst_and_quiet(url: str) -> tuple[list[httpx.Response], list[float]]:
    """KEY sends BURST questions at once; meanwhile OTHER_KEY asks three, one after the other."""
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        burst = asyncio.gather(*(http.post("/query", json=QUESTION, headers=auth(KEY)) for _ in range(BURST)))
        await asyncio.sleep(0.3)
        quiet = []
        for _ in range(3):
            started = time.perf_counter()
            response = await http.post("/query", json=QUESTION, headers=auth(OTHER_KEY))
            assert response.status_code == 200, response.text
            quiet.append(time.perf_counter() - started)
        return list(await burst), quiet


def test_a_burst_from_one_key_is_capped_and_another_key_stays_fast(amqp_url, namespace):
    with running_stages(amqp_url, namespace, answer_delay_s=ANSWER_S), \
            served(amqp_url, namespace, rate_limit="", max_concurrent_per_caller=4) as gw:
        burst, quiet = asyncio.run(_burst_and_quiet(gw.url))
        answered = [r for r in burst if r.status_code == 200]
        refused = [r for r in burst if r.status_code == 429]
        assert len(answered) + len(refused) == BURST
        assert 4 <= len(answered) <= 8 and len(refused) >= BURST - 8, [r.status_code for r in burst]
        for response in refused:
            assert response.json()["error"] == "too_many_in_progress"
            assert "limit is 4 at a time" in response.json()["message"]
            assert response.headers["retry-after"] == "1"
        # behind at most 4 of the burst's answers (4 x 0.25 s) plus its own
        assert max(quiet) < 2.0, quiet
        assert 'cr_concurrency_limited_total{caller_kind="key"}' in gw.metrics()
        # the cap frees up: the noisy key is answered again once its answers are out
        assert httpx.post(f"{gw.url}/query", json=QUESTION, headers=auth(KEY), timeout=30).status_code == 200


def test_without_the_cap_the_same_burst_holds_the_other_key_up(amqp_url, namespace):
    """The control: what the cap prevents (every burst answer queued ahead of the quiet key's)."""
    with running_stages(amqp_url, namespace, answer_delay_s=ANSWER_S), \
            served(amqp_url, namespace, rate_limit="", max_concurrent_per_caller=0) as gw:
        burst, quiet = asyncio.run(_burst_and_quiet(gw.url))
        assert all(r.status_code == 200 for r in burst)
        assert quiet[0] > 3.0, quiet  # about 20 x 0.25 s behind the burst


def test_requests_without_a_key_or_outside_the_api_are_not_counted(amqp_url, namespace):
    with running_stages(amqp_url, namespace, answer_delay_s=0.5), \
            served(amqp_url, namespace, rate_limit="", max_concurrent_per_caller=1) as gw:

        async def run() -> tuple[list[int], list[int]]:
            async with httpx.AsyncClient(base_url=gw.url, timeout=30) as http:
                slow = asyncio.ensure_future(http.post("/query", json=QUESTION, headers=auth(KEY)))
                await asyncio.sleep(0.2)
                others = [(await http.post("/query", json=QUESTION)).status_code,  # 401 before the cap
                          (await http.get("/health")).status_code,
                          (await http.post("/query", json=QUESTION, headers=auth(KEY))).status_code]
                return [(await slow).status_code], others

        first, others = asyncio.run(run())
        assert first == [200] and others == [401, 200, 429]
