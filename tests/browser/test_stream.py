"""The answer as it streams, paced as Bedrock paces it: llm_connector on Bedrock's ConverseStream against
a fake endpoint that writes real event-stream frames one by one (tests/support/fake_bedrock.py).

The extractive provider writes every sentence within a few milliseconds, so the browser may receive
them as one chunk; Bedrock's tokens arrive over seconds, which is what a person watches grow.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PageServices
from tests.browser.test_page import KETTLE, ask
from tests.support.broker import wait_until
from tests.support.browser import Watched
from tests.support.fake_bedrock import FakeBedrock, streamed

pytestmark = pytest.mark.browser

PIECES = ["A kettle that stops heating ", "within weeks is defective [1]. ", "Ask the seller in writing ",
          "for a refund or a replacement, ", "then file a complaint ", "with the District Commission [2]."]
FRAME_GAP_S = 0.4  # Bedrock's pace between pieces (a fixed pace of the fake, not a speed assertion)

# Installed before the page's own scripts: each text the answer showed with the stage shown at the time,
# and each stage the status named (events that arrive in one network chunk show as their last).
RECORD_PROGRESS = """
window.answerTexts = []; window.stagesSeen = [];
new MutationObserver(() => {
  const key = document.getElementById('status')?.dataset.i18n;
  if (key && key !== window.stagesSeen.at(-1)) window.stagesSeen.push(key);
  const answers = document.querySelectorAll('.turn .answer');
  const answer = answers[answers.length - 1];
  if (answer && answer.textContent && answer.textContent !== window.answerTexts.at(-1)?.[0]) {
    window.answerTexts.push([answer.textContent, key]);
  }
}).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
"""
STAGES = ["working", "stage.accepted", "stage.retrieving", "stage.writing", "stage.done"]


@pytest.fixture(scope="module")
def fake_bedrock() -> Iterator[FakeBedrock]:
    fake = FakeBedrock(lambda _n, _request: streamed(PIECES, delay_s=FRAME_GAP_S)).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def on_bedrock(services: PageServices, fake_bedrock: FakeBedrock) -> Iterator[PageServices]:
    """The services with llm_connector on Bedrock (the fake endpoint) for this module, then as before."""
    local = services.stack.local
    extractive_env = dict(local.env)
    assert local.stop("llm_connector") == 0
    local.env = {
        **extractive_env, "LLM_PROVIDER": "bedrock", "BEDROCK_ENDPOINT_URL": fake_bedrock.url,
        "AWS_ACCESS_KEY_ID": "browser-test-key-id", "AWS_SECRET_ACCESS_KEY": "browser-test-secret",
        "AWS_SESSION_TOKEN": "", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true", "ANSWER_CACHE_TTL_S": "0",
    }
    try:
        local.start("llm_connector")
        local.wait_healthy(timeout=120, services=("llm_connector",))
        services.stack.wait_gateway_ready(timeout=60)
        yield services
    finally:
        local.stop("llm_connector")
        local.env = extractive_env
        local.start("llm_connector")
        local.wait_healthy(timeout=120, services=("llm_connector",))


def test_the_stages_show_as_they_happen_and_the_answer_grows_in_steps(on_bedrock: PageServices,
                                                                     open_page: Watched):
    page = open_page.page
    page.add_init_script(RECORD_PROGRESS)
    page.goto("/")
    turn = ask(page, KETTLE)
    final = turn.locator(".answer").inner_text()
    assert final.startswith("A kettle that stops heating within weeks is defective [1].")
    shown = page.evaluate("window.answerTexts")
    texts = [text for text, _stage in shown]
    assert len(texts) >= 3, shown  # at least two partial answers before the whole one
    assert all(final.startswith(text.rstrip()) for text in texts), shown  # each a beginning of the answer
    assert len(set(texts)) == len(texts) and texts[-1].strip() == final.strip()
    assert all(stage == "stage.writing" for _text, stage in shown[:-1]), shown  # it grew while writing
    seen = page.evaluate("window.stagesSeen")
    assert seen == [s for s in STAGES if s in seen], seen  # in order, none repeated or out of place
    assert {"stage.writing", "stage.done"} <= set(seen), seen  # earlier ones may share a network chunk
    expect(turn.locator(".stages li.complete")).to_have_count(4)
    expect(turn.locator("button.citation")).to_have_count(2)  # [1] and [2], as the answer cites them


def test_stop_mid_answer_keeps_what_arrived_and_ends_the_model_call(on_bedrock: PageServices,
                                                                   open_page: Watched,
                                                                   fake_bedrock: FakeBedrock):
    page = open_page.page
    page.goto("/")
    page.locator("#question").fill(KETTLE)
    page.locator("#question").press("Enter")
    turn = page.locator(".turn").first
    expect(turn.locator(".answer")).to_contain_text("A kettle that stops heating")
    page.locator("#stop").click()
    expect(turn.locator(".error")).to_contain_text("Stopped")
    shown = turn.locator(".answer").inner_text()
    assert shown and "District Commission" not in shown  # what had arrived, not the rest
    expect(turn.locator(".actions")).to_be_visible()  # what arrived can still be copied
    wait_until(lambda: fake_bedrock.requests and fake_bedrock.requests[-1].closed_by_client, timeout=30,
               message="llm_connector closed the model's stream once the person left")
