"""A person at the page: ask, read the answer and its sources, on a phone screen, by keyboard, in Hindi,
with a hostile passage in the index, and with API keys on, leaving no personal data in the browser."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import httpx
import psycopg
import pytest
from playwright.sync_api import Locator, Page, Request, Response, expect
from psycopg.rows import dict_row

from tests.browser.conftest import HOSTILE_SCRIPT, HOSTILE_TITLE, PageServices
from tests.support.broker import wait_until
from tests.support.browser import PHONE_SCREEN, Watched, watched_page
from tests.support.database import stored_row
from tests.support.gateway import KEY

pytestmark = pytest.mark.browser

KETTLE = "My electric kettle stopped heating after two weeks and the seller refuses a refund. What can I do?"
PERSONAL = ("I am Rahul Sharma, my phone is 9876543210 and my email is rahul.sharma@example.com. "
            "The fridge I bought is defective and the seller refuses to replace it. What can I do?")
RAW_VALUES = ("9876543210", "rahul.sharma@example.com", "Rahul Sharma")
CAKE = "How do I bake a chocolate cake at home?"


def ask(page: Page, question: str) -> Locator:
    """Type a question, send it as a person would (Enter), and wait for its answer to be complete."""
    before = page.locator(".turn").count()
    page.locator("#question").fill(question)
    page.locator("#question").press("Enter")
    turn = page.locator(".turn").nth(before)
    expect(turn.locator(".actions")).to_be_visible()
    expect(turn.locator(".answer")).to_have_attribute("aria-busy", "false")
    return turn


def test_ask_read_the_answer_open_a_source_and_copy_it(open_page: Watched):
    page = open_page.page
    open_page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/")
    expect(page.locator(".disclaimer")).to_have_text("General information, not legal advice.")
    turn = ask(page, "Which commission do I approach for a Rs 45 lakh claim?")
    expect(turn.locator(".question")).to_have_text("Which commission do I approach for a Rs 45 lakh claim?")
    answer = turn.locator(".answer").inner_text()
    assert "District Commission" in answer, answer
    expect(turn.locator(".stages li.complete")).to_have_count(4)
    expect(turn.locator(".not-covered")).to_be_hidden()
    expect(turn.locator(".removed")).to_be_hidden()  # nothing personal in this question

    citation = turn.locator("button.citation").first
    expect(citation).to_have_attribute("aria-expanded", "false")
    passage = page.locator(f"#{citation.get_attribute('aria-controls')}")
    expect(passage).to_be_hidden()
    citation.click()
    expect(citation).to_have_attribute("aria-expanded", "true")
    expect(passage).to_be_visible()
    assert len(passage.locator("p").first.inner_text()) > 40  # the passage text, not only a label
    citation.click()
    expect(passage).to_be_hidden()

    turn.locator("button.copy").click()
    expect(turn.locator(".actions .status")).to_have_text("Answer copied.")
    assert page.evaluate("navigator.clipboard.readText()") == answer


def test_when_the_knowledge_base_does_not_cover_it_the_page_names_the_helpline_and_e_jagriti(
        open_page: Watched):
    page = open_page.page
    page.goto("/")
    turn = ask(page, CAKE)
    box = turn.locator(".not-covered")
    expect(box).to_be_visible()
    expect(box).to_contain_text("1915")
    expect(box).to_contain_text("1800-11-4000")
    expect(box).to_contain_text("e-Jagriti")
    expect(box.locator("a[href='https://e-jagriti.gov.in/']")).to_have_count(1)
    expect(box.locator("a[href='tel:1915']")).to_have_count(1)
    expect(turn.locator(".citations")).to_be_hidden()


def test_a_hostile_passage_renders_as_text_and_runs_nothing(open_page: Watched):
    page = open_page.page
    page.goto("/")
    turn = ask(page, KETTLE)
    hostile = turn.locator("button.citation", has_text="Electric kettle refunds")
    expect(hostile).to_have_count(1)  # the planted guide was retrieved and cited: the attack is exercised
    assert HOSTILE_TITLE in hostile.inner_text()  # the markup is shown as the characters it is
    hostile.click()
    passage = page.locator(f"#{hostile.get_attribute('aria-controls')}")
    expect(passage).to_contain_text(HOSTILE_SCRIPT)
    assert HOSTILE_SCRIPT in turn.locator(".answer").inner_text()  # quoted by the answer, still text
    # no element was made from it, nothing ran, no dialog opened, the title is untouched
    assert page.locator("#thread script, #thread img, #thread iframe").count() == 0
    assert page.title() == "Consumer-rights assistant (India)"
    assert open_page.dialogs == []
    # and the policy is the second wall: an inline script put into the page by hand is refused
    page.evaluate("""() => { const s = document.createElement('script');
                            s.textContent = 'window.inlineRan = true'; document.body.append(s); }""")
    assert page.evaluate("window.inlineRan === undefined")
    open_page.errors.clear()  # Chromium reports that refusal on the console; it is what we asked for


def test_on_a_phone_screen_the_page_fits_and_says_what_was_not_sent(open_page: Watched, tmp_path: Path):
    page = open_page.page
    page.goto("/")
    turn = ask(page, PERSONAL)
    removed = turn.locator(".removed")
    expect(removed).to_be_visible()
    expect(removed).to_contain_text("Your phone number was not sent.")
    expect(removed).to_contain_text("Your email address was not sent.")
    expect(removed).to_contain_text("Your name was not sent.")
    width = PHONE_SCREEN["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    for control in page.locator("button:visible, textarea:visible").all():
        box = control.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, control
        assert box["height"] >= 40, control  # big enough to tap
    shot = tmp_path / "phone.png"
    page.screenshot(path=str(shot), full_page=True)
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24])[0] == width


def test_the_keyboard_alone_reaches_every_control_in_order(open_page: Watched):
    page = open_page.page
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()
    page.keyboard.press("Enter")  # the skip link
    expect(page.locator("#question")).to_be_focused()
    page.keyboard.type("Which commission do I approach for a Rs 45 lakh claim?")
    page.keyboard.press("Enter")
    turn = page.locator(".turn").first
    expect(turn.locator(".actions")).to_be_visible()
    expect(turn.locator(".answer")).to_have_attribute("aria-live", "polite")

    page.locator("#lang").focus()
    order = []
    for _ in range(30):
        page.keyboard.press("Tab")
        order.append(page.evaluate("""() => { const e = document.activeElement;
            return e.id || e.className || e.tagName; }"""))
        if order[-1] in ("new", "BODY"):
            break
    citations = turn.locator("button.citation").count()
    last = ["new"] if page.locator("#new").is_visible() else ["BODY"]  # "new conversation" once there is one
    assert order == [*["citation"] * citations, "secondary copy", "comment-1", "secondary", "secondary",
                     "question", "send", *last], order

    page.locator("#lang").focus()
    page.keyboard.press("Tab")  # the first source
    page.keyboard.press("Enter")
    expect(turn.locator("button.citation").first).to_have_attribute("aria-expanded", "true")
    expect(page.locator("label[for=question]")).to_be_visible()  # every field has a visible label
    comment_id = turn.locator(".feedback textarea").get_attribute("id")
    expect(page.locator(f"label[for={comment_id}]")).to_be_visible()


def test_the_hindi_switch_changes_the_interface_and_remembers_only_the_language(open_page: Watched):
    page = open_page.page
    page.goto("/")
    page.locator("#lang").click()
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.locator("#question-label")).to_have_text("आपका प्रश्न")
    expect(page.locator(".disclaimer")).to_have_text("यह सामान्य जानकारी है, कानूनी सलाह नहीं।")
    expect(page.locator("#send")).to_have_text("पूछें")
    expect(page.locator("#lang")).to_have_text("English")
    turn = ask(page, "My phone is 9876543210 and my fridge is defective. Can I get a refund?")
    expect(turn.locator(".removed")).to_contain_text("आपका फ़ोन नंबर नहीं भेजा गया।")
    expect(turn.locator(".stages li").last).to_have_text("उत्तर पूरा हुआ")
    # the answer came with a conversation id: the box now asks for a follow-up
    expect(page.locator("#question-label")).to_have_text("आगे का प्रश्न पूछें")
    assert page.evaluate("Object.entries(localStorage)") == [["cr-lang", "hi"]]
    page.reload()
    expect(page.locator("#question-label")).to_have_text("आपका प्रश्न")  # remembered
    page.locator("#lang").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#question-label")).to_have_text("Your question")


def test_stop_ends_a_question_that_is_still_waiting(open_page: Watched):
    page = open_page.page
    page.goto("/")
    held = []
    page.route("**/query", lambda route: held.append(route))  # the answer never comes
    page.locator("#question").fill(KETTLE)
    page.locator("#send").click()
    expect(page.locator("#stop")).to_be_visible()
    expect(page.locator("#send")).to_be_disabled()
    page.locator("#stop").click()
    turn = page.locator(".turn").first
    expect(turn.locator(".error")).to_contain_text("Stopped")
    expect(page.locator("#stop")).to_be_hidden()
    expect(page.locator("#send")).to_be_enabled()
    expect(page.locator("#question")).to_be_focused()
    assert held, "the question was sent"
    page.unroute("**/query")


def test_no_personal_data_in_browser_storage_or_cookies(open_page: Watched):
    page = open_page.page
    page.goto("/")
    ask(page, PERSONAL)
    page.locator("#lang").click()
    page.locator("#lang").click()
    stored = page.evaluate("""async () => ({
        local: Object.entries(localStorage), session: Object.entries(sessionStorage),
        cookie: document.cookie, caches: await caches.keys(),
        databases: (await indexedDB.databases()).map(d => d.name) })""")
    assert stored == {"local": [["cr-lang", "en"]], "session": [], "cookie": "", "caches": [],
                      "databases": []}
    assert open_page.context.cookies() == []
    state = json.dumps(open_page.context.storage_state())
    for value in RAW_VALUES:
        assert value not in state


def test_the_page_under_api_keys_on_asks_with_page_tokens_only(browser, services: PageServices):
    keyed = services.keyed_url
    assert httpx.post(f"{keyed}/query", json={"question": KETTLE}, timeout=30).status_code == 401
    with watched_page(browser, keyed) as watched:
        page = watched.page
        requests: list[Request] = []
        responses: list[Response] = []
        page.on("request", lambda request: requests.append(request))
        page.on("response", lambda response: responses.append(response))
        page.goto("/")
        turn = ask(page, KETTLE)
        assert "defective" in turn.locator(".answer").inner_text()
        tokens = [r.json()["token"] for r in responses if r.url.endswith("/page-token") and r.status == 201]
        asked = [r for r in requests if r.url.endswith("/query")]
        assert tokens and asked
        assert all(r.headers.get("authorization") == f"Bearer {tokens[-1]}" for r in asked)
        assert KEY not in page.content() and not any("cra_" in json.dumps(r.headers) for r in requests)
        query_id = turn.get_attribute("data-query-id")
        assert query_id and re.fullmatch(r"[0-9a-f-]{36}", query_id)

        # the page's token reads its own query (from this address); another page's token and no token do not
        def status(token: str | None) -> int:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            return httpx.get(f"{keyed}/queries/{query_id}", headers=headers, timeout=30).status_code

        other = httpx.post(f"{keyed}/page-token", timeout=30).json()["token"]
        wait_until(lambda: status(tokens[-1]) == 200, timeout=30, message="the page's query stored")
        assert (status(other), status(None)) == (404, 401)
        # feedback goes with the page's token too, for the page's own query
        turn.locator(".feedback").get_by_role("button", name="Not helpful").click()
        expect(turn.locator(".feedback .status")).to_have_text("Thank you for your feedback.")
        feedback = [r for r in requests if r.url.endswith(f"/queries/{query_id}/feedback")]
        assert [r.headers.get("authorization") for r in feedback] == [f"Bearer {tokens[-1]}"]
        assert watched.errors == [] and watched.dialogs == []



OVERCHARGED = ("I am Suresh Menon (9812345670). The shopkeeper near my house charged me Rs 30 more than "
               "the MRP for a bottle of water.")
FOLLOW_UP = "Where do I report him?"  # "him" is the shopkeeper: only the first question says so
OVERCHARGING_GUIDE = "Overcharging above MRP"


def test_a_follow_up_continues_the_conversation_and_feedback_lands_in_postgresql(open_page: Watched,
                                                                                 services: PageServices):
    page = open_page.page
    bodies: list[dict] = []
    page.on("request", lambda r: bodies.append(json.loads(r.post_data or "{}"))
            if r.url.endswith("/query") and r.method == "POST" else None)
    page.goto("/")
    first = ask(page, OVERCHARGED)
    expect(page.locator("#question-label")).to_have_text("Ask a follow-up question")
    expect(page.locator("#new")).to_be_visible()
    follow_up = ask(page, FOLLOW_UP)
    expect(follow_up.locator("button.citation", has_text=OVERCHARGING_GUIDE)).to_have_count(1)

    first_id, follow_up_id = first.get_attribute("data-query-id"), follow_up.get_attribute("data-query-id")
    rows = {qid: stored_row(services.stack.database_url, qid) for qid in (first_id, follow_up_id)}
    conversation = str(rows[first_id]["conversation_id"])  # type: ignore[index]
    assert "conversation_id" not in bodies[0] and bodies[1]["conversation_id"] == conversation
    assert str(rows[follow_up_id]["conversation_id"]) == conversation  # type: ignore[index]

    feedback = follow_up.locator(".feedback")
    feedback.locator("textarea").fill("Very clear, thank you. Call me on 9812345670 if you need more.")
    feedback.get_by_role("button", name="Helpful", exact=True).click()
    expect(feedback.locator(".status")).to_have_text("Thank you for your feedback.")
    with psycopg.connect(services.stack.database_url, row_factory=dict_row) as conn:
        stored = conn.execute("SELECT * FROM feedback WHERE query_id = %s", (follow_up_id,)).fetchone()
    assert stored is not None and stored["helpful"] is True
    assert "9812345670" not in stored["comment"] and "Very clear" in stored["comment"]
    assert "PHONE" in stored["comment_pii_found"]

    # the same words in a new conversation have no shopkeeper to refer to
    page.locator("#new").click()
    expect(page.locator(".turn")).to_have_count(0)
    alone = ask(page, FOLLOW_UP)
    expect(alone.locator("button.citation", has_text=OVERCHARGING_GUIDE)).to_have_count(0)
    assert "conversation_id" not in bodies[-1]
