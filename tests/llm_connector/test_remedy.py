"""A "what can I do?" story is answered with the remedy first: where to complain, by when, what is ordered."""

from __future__ import annotations

import pytest

from common.messages import Passage
from common.remedy import asks_remedy
from llm_connector import sector_words
from llm_connector.extractive import ExtractiveProvider, stem
from llm_connector.remedy import (
    about_online_buying,
    administrative,
    named_forums,
    online_story,
    remedy_parts,
    sector_routes,
    wrong_forum,
)
from tests.support.prompts import grounded

REFUND_GUIDE = Passage(
    chunk_id="refund",
    source="knowledge/refund-for-defective-goods.md",
    title="Getting a refund or replacement for defective goods",
    section="2(47), 35, 39, 69",
    text=(
        "Section 2(47)(viii) makes it an unfair trade practice for a seller to refuse to take back defective "
        "goods and refund the price within thirty days.\n\n"
        "## What you can do\n\n"
        "1. Write to the seller asking for repair, replacement or refund within a fixed time.\n"
        "2. File a complaint under section 35 before the District Commission (claims where the price paid "
        "is up to Rs 50 lakh under the 2021 Jurisdiction Rules).\n"
        "3. File within two years of the defect appearing (section 69)."
    ),
)
ONLINE_GUIDE = Passage(
    chunk_id="online",
    source="knowledge/ecommerce-returns-refunds-and-cancellation.md",
    title="Online shopping - returns, refunds and cancellation",
    text=(
        "Buying online gives you the same rights as buying in a shop, plus extra protections under the "
        "e-commerce rules. The seller must refund a defective product that you return."
    ),
)
FORUMS = Passage(
    chunk_id="forums",
    source="knowledge/which-commission-pecuniary-jurisdiction.md",
    title="Which consumer commission",
    text=(
        "Use the value of goods or services paid as consideration: up to Rs 50 lakh District Commission, "
        "above Rs 50 lakh up to Rs 2 crore State Commission, above Rs 2 crore National Commission."
    ),
)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("the shop sold me a bad fridge. what can i do?", True),
        ("what are my options now", True),
        ("can I complain somewhere?", True),
        ("dukandar replace nahi kar raha, main kya kar sakta hu?", True),
        ("how do i get my money back?", True),
        ("the gearbox failed twice. can i get a new car?", True),
        ("can we get a refund from the builder", True),
        ("can i claim compensation from them?", True),
        ("is there any remedy?", True),
        ("what legal action can we take against the hospital?", True),
        ("can i get the bill in my name?", False),
        ("what is the time limit to file a complaint?", False),
        ("what does deficiency mean?", False),
        ("Can the consumer commission make them return my fees?", False),
    ],
)
def test_a_remedy_question_is_told_from_other_questions(question: str, expected: bool) -> None:
    assert asks_remedy(question) is expected


def test_the_parts_of_a_remedy_a_sentence_states() -> None:
    assert remedy_parts("File a complaint before the District Commission.") == {"forum"}
    assert remedy_parts("File within two years of the defect appearing (section 69).") == {"limit"}
    assert remedy_parts("File a complaint for refund, compensation and costs under section 39.") == {"relief"}
    assert remedy_parts("Appeal to the State Commission within 45 days.") == frozenset()  # not the complaint
    assert remedy_parts("What the consumer commission can order.") == frozenset()  # a summary line
    assert remedy_parts("Write to the seller asking for a refund.") == frozenset()  # no commission orders it


def test_online_buying_is_told_from_filing_online() -> None:
    assert online_story("ordered a phone on a shopping app") and not online_story("bought it at a shop")
    assert about_online_buying("Buying online gives you the same rights as buying in a shop.")
    assert about_online_buying("File a complaint naming both the seller and the platform.")
    assert not about_online_buying("Pay the fee online if any.")


def test_a_shop_story_leads_with_where_and_by_when_and_quotes_no_online_rights() -> None:
    question = (
        "the shop near my house sold me a fridge that stopped cooling and refuses to refund. what can i do?"
    )
    answer = (
        ExtractiveProvider(max_sentences=6).complete(grounded(question, [REFUND_GUIDE, ONLINE_GUIDE])).text
    )
    lead = answer.splitlines()[0]
    assert lead.startswith("File a complaint under section 35 before the District Commission")
    assert "within two years" in lead and "Section 2(47)(viii)" in lead
    assert "Buying online" not in answer and "e-commerce" not in answer


def test_online_rights_are_quoted_for_an_online_story_only() -> None:
    provider = ExtractiveProvider(max_sentences=6)
    story = "I {} a fridge with the same rights as buying, it stopped cooling. what can i do?"
    online = provider.complete(grounded(story.format("ordered online"), [ONLINE_GUIDE, FORUMS])).text
    shop = provider.complete(grounded(story.format("bought in a shop"), [ONLINE_GUIDE, FORUMS])).text
    assert online.startswith("Use the value of goods or services") and shop.startswith("Use the value")
    assert "Buying online gives you the same rights" in online
    assert "Buying online" not in shop


def test_the_forum_for_the_amount_paid_leads() -> None:
    question = "paid 80 lakh for a flat, the builder never gave possession. what remedy do i have?"
    answer = ExtractiveProvider(max_sentences=6).complete(grounded(question, [REFUND_GUIDE, FORUMS])).text
    assert answer.startswith("Use the value of goods or services paid as consideration")  # names the State


def test_a_question_that_asks_no_remedy_keeps_its_lead() -> None:
    question = "how many days does the seller have to take back a defective fridge?"
    answer = ExtractiveProvider(max_sentences=6).complete(grounded(question, [REFUND_GUIDE])).text
    assert answer.startswith("Section 2(47)(viii) makes it an unfair trade practice")


def test_the_time_limit_leads_when_no_forum_is_retrieved_unless_the_question_asks_where() -> None:
    limit = Passage(
        chunk_id="travel",
        source="knowledge/airlines-telecom-and-travel-complaints.md",
        title="Complaints about airlines",
        text=(
            "Common deficiencies: flight cancelled without proper refund.\n\n"
            "4. File a complaint for refund, compensation and costs under section 39 within two years."
        ),
    )
    provider = ExtractiveProvider(max_sentences=6)
    what = provider.complete(grounded("the airline cancelled my flight, no refund. what can i do?", [limit]))
    assert what.text.startswith("File a complaint for refund, compensation and costs")
    where = provider.complete(grounded("the airline cancelled my flight. where can i complain?", [limit]))
    assert where.text.startswith("Common deficiencies")


CERTIFIED_COPY = Passage(
    chunk_id="execution",
    source="knowledge/execution-of-orders.md",
    title="When the company does not obey the order",
    text=(
        "Winning your case is only half the job if the seller does not pay.\n\n"
        "## What you can do\n\n"
        "1. Get a certified copy of the final order and note the compliance deadline."
    ),
)
PHONE_GUIDE = Passage(
    chunk_id="phone",
    source="knowledge/mobile-phone-complaints.md",
    title="Mobile phone complaints",
    text=(
        "A phone that stops working within days of purchase has a defect.\n\n"
        "## What you can do\n\n"
        "1. Keep the bill of the phone and the seller's replies to your complaint."
    ),
)


def test_a_stories_next_steps_are_ranked_on_its_words_not_on_the_asking_verb() -> None:
    """'how do I get my money back?': "Get a certified copy" shares only the verb; the phone step fits."""
    question = "my new phone stopped working in two days and the seller refuses. how do i get my money back?"
    passages = [REFUND_GUIDE, CERTIFIED_COPY, PHONE_GUIDE]
    answer = ExtractiveProvider().complete(grounded(question, passages)).text
    steps = answer.split("What you can do next:", 1)[1].split("Sources:", 1)[0]
    assert "Keep the bill of the phone" in steps
    assert "certified copy" not in steps


def test_the_commissions_a_sentence_names_and_whether_they_hear_the_amount() -> None:
    assert named_forums("a complaint before the District, State or National Commission") == {
        "District",
        "State",
        "National",
    }
    assert named_forums("the State Government and the National Capital Region") == frozenset()
    state = "File a complaint before the State Commission (or the National Commission for very high values)."
    assert wrong_forum(state, "paid 60000 fees. what can i do?", [60000.0])  # up to Rs 50 lakh: District
    assert not wrong_forum(state, "paid 80 lakh for a flat. what can i do?", [80e5])
    assert wrong_forum(state, "the gym shut down. what can i do?", [])  # no amount: the District band
    assert not wrong_forum(state, "the contract has a one-sided clause. what can i do?", [60000.0])
    assert not wrong_forum("File before the District Commission.", "paid 60000. what can i do?", [60000.0])


UNFAIR_CONTRACT_GUIDE = Passage(
    chunk_id="unfair",
    source="knowledge/unfair-contracts.md",
    title="Unfair contract terms",
    text=(
        "If it refuses, file a complaint before the State Commission (or the National Commission for very "
        "high value contracts), asking for the term to be declared void and for refund or compensation."
    ),
)


def test_a_story_is_never_sent_to_a_commission_whose_band_leaves_its_amount_out() -> None:
    """Rs 60,000 of coaching fees: the District Commission, never "the State Commission"."""
    question = "coaching centre took 60000 fees and the classes never started, no refund. what should i do?"
    answer = ExtractiveProvider().complete(grounded(question, [UNFAIR_CONTRACT_GUIDE, REFUND_GUIDE])).text
    assert "District Commission" in answer.splitlines()[0]
    assert "State Commission" not in answer


CENTRAL_AUTHORITY = Passage(
    chunk_id="cpa-10",
    source="cpa2019.pdf",
    act="Consumer Protection Act, 2019",
    section="10",
    title="Establishment of Central Consumer Protection Authority",
    page="13",
    text=(
        "(3) The headquarters of the Central Authority shall be at such place in the National Capital Region "
        "of Delhi, and it shall have regional and other offices in any other place in India as the Central "
        "Government may decide."
    ),
)
AUDIT = Passage(
    chunk_id="cpa-26",
    source="cpa2019.pdf",
    act="Consumer Protection Act, 2019",
    section="26",
    title="Accounts and audit",
    page="18",
    text=(
        "(3) The Comptroller and Auditor-General of India or any other person appointed by him in connection "
        "with the audit of the accounts of the Central Authority shall have the same rights."
    ),
)


def test_a_storys_bare_numbers_do_not_meet_clause_labels() -> None:
    """'3 din me band ho gaya': the three days are no word, so section 10(3)'s headquarters do not match."""
    question = "maine mobile dukaan se liya tha 3 din me band ho gaya, defective hai. main kya kar sakta hu?"
    answer = ExtractiveProvider().complete(grounded(question, [REFUND_GUIDE, CENTRAL_AUTHORITY])).text
    assert "headquarters" not in answer and "Section 10" not in answer


def test_the_acts_sentences_on_running_an_authority_are_not_quoted_for_a_story() -> None:
    assert administrative("The accounts of the Central Authority shall be audited by the Comptroller.")
    assert not administrative("File a complaint under section 35 before the District Commission.")
    question = "my internet connection is down for weeks and the bill keeps coming. what can i do?"
    answer = ExtractiveProvider().complete(grounded(question, [REFUND_GUIDE, AUDIT])).text
    assert "Comptroller" not in answer


PLATFORM_GUIDE = Passage(
    chunk_id="platform",
    source="knowledge/ecommerce-returns-refunds-and-cancellation.md",
    title="Online shopping - returns, refunds and cancellation",
    text=(
        "Platforms must show clear information on return and refund before purchase.\n\n"
        "## What you can do\n\n"
        "1. Raise a return request on the platform and keep screenshots of the order.\n"
        "2. If refused, write to the platform's grievance officer; the rules require acknowledgment within "
        "48 hours and redressal within one month."
    ),
)


def test_a_step_opening_with_its_condition_is_a_next_step_of_a_story() -> None:
    """"If refused, write to the grievance officer": what to do once the seller has refused, as a step."""
    question = "ordered a phone on a shopping app, got a used one. seller rejected my return. what can i do?"
    answer = ExtractiveProvider().complete(grounded(question, [REFUND_GUIDE, PLATFORM_GUIDE])).text
    steps = answer.split("What you can do next:", 1)[1].split("Sources:", 1)[0]
    assert "If refused, write to the platform's grievance officer" in steps


def test_a_story_is_always_told_the_helpline_and_another_question_only_without_steps() -> None:
    provider = ExtractiveProvider()
    question = "my new phone stopped working in two days and the seller refuses. what can i do?"
    story = provider.complete(grounded(question, [REFUND_GUIDE, PHONE_GUIDE])).text
    steps = story.split("What you can do next:", 1)[1]
    assert "Keep the bill of the phone" in steps and "1915" in steps  # the guide's step, then the helpline
    other = provider.complete(grounded("how many days does a seller have to refund?", [REFUND_GUIDE]))
    assert "1915" not in other.text


BANK_GUIDE = Passage(
    chunk_id="bank",
    source="knowledge/banking-and-insurance-complaints.md",
    title="Complaints against banks, lenders and insurance companies",
    text=(
        "A bank debits charges it never disclosed, or fails to reverse a failed transaction.\n\n"
        "1. Complain in writing to the bank's grievance officer and keep the reference number.\n"
        "2. Collect the statements and letters.\n"
        "3. Use the sector's own redress if it is quicker (for example the RBI ombudsman for banks, the "
        "Insurance Ombudsman for insurers)."
    ),
)


def test_the_sector_routes_a_sentence_names() -> None:
    assert sector_routes("Use the RBI ombudsman for banks.") == {"ombudsman"}
    assert sector_routes("If refused, write to the platform's grievance officer.") == {"grievance officer"}
    assert sector_routes("Complain to the provider's grievance or nodal officer.") == {"grievance officer"}
    assert sector_routes("File a complaint before the District Commission within two years.") == frozenset()


def test_a_story_is_told_its_sectors_route_beside_the_forum_the_two_years_and_its_steps() -> None:
    question = "my bank keeps deducting charges from my account that were never told to me. what should i do"
    answer = ExtractiveProvider(max_sentences=4).complete(grounded(question, [REFUND_GUIDE, BANK_GUIDE])).text
    assert "RBI ombudsman" in answer  # the route, though four sentences fill the cap and two are its guide's
    assert "District Commission" in answer and "two years" in answer and "grievance officer" in answer
    assert "1915" in answer  # the helpline still ends the steps


def test_a_route_sharing_only_a_count_of_the_story_is_not_quoted() -> None:
    provider = ExtractiveProvider(max_sentences=6)
    platform = Passage(
        chunk_id="platform",
        source="knowledge/ecommerce-platform-duties-and-grievance-officer.md",
        title="E-commerce platform duties",
        text="The grievance officer must acknowledge a complaint in 48 hours and redress it in one month.",
    )
    service = Passage(
        chunk_id="service",
        source="knowledge/deficiency-in-service.md",
        title="Deficiency in service",
        text="A photographer who took an advance and never delivered the album is a deficiency in service.",
    )
    counted = "the photographer took 70000 and never delivered the album. its been 6 months. what can we do"
    answer = provider.complete(grounded(counted, [REFUND_GUIDE, service, platform])).text
    assert "grievance officer" not in answer  # "6 months" met "in one month"


def test_a_story_is_not_sent_to_another_sectors_route_through_an_everyday_word() -> None:
    telecom = Passage(
        chunk_id="telecom",
        source="knowledge/airlines-telecom-and-travel-complaints.md",
        title="Complaints about airlines, railways, travel, telecom and utilities",
        text=(
            "Common telecom problems: inflated bills, charges for services never activated and delay in "
            "porting a mobile connection by the operator.\n\n"
            "1. Keep the bill and the messages of the operator.\n"
            "2. File a complaint under section 35 before the District Commission within two years."
        ),
    )
    bank = Passage(
        chunk_id="bank",
        source="knowledge/banking-and-insurance-complaints.md",
        title="Complaints against banks, lenders and insurance companies",
        text="A bank that keeps debiting undisclosed charges can be taken to the RBI ombudsman for banks.",
    )
    story = "my mobile operator has not ported my connection, they keep blocking it. what can i do"
    answer = ExtractiveProvider(max_sentences=6).complete(grounded(story, [REFUND_GUIDE, telecom, bank])).text
    assert "District Commission" in answer  # answered from its own sector's guide
    assert "ombudsman" not in answer  # the bank's route met the story only through "keep", both guides' word


def test_a_storys_next_step_never_names_another_sectors_officer() -> None:
    insurer = Passage(
        chunk_id="insurer",
        source="knowledge/banking-and-insurance-complaints.md",
        title="Complaints against banks, lenders and insurance companies",
        text=(
            "Commissions regularly order an insurance company to pay compensation for a claim it rejected "
            "(section 39).\n\n"
            "1. Complain in writing to the bank's or insurer's grievance officer and keep the reference "
            "number."
        ),
    )
    goods = Passage(
        chunk_id="goods",
        source="knowledge/refund-for-defective-goods.md",
        title="Getting a refund or replacement for defective goods",
        text=(
            "A shop or the company that made the goods answers for a defect that appears soon after the "
            "sale.\n\n"
            "1. File a complaint before the District Commission within two years of the defect appearing.\n"
            "2. Keep the bill and the warranty card."
        ),
    )
    story = (
        "the mixer i bought at a local shop stopped in 3 days and the shopkeeper says talk to the company. "
        "what can i do?"
    )
    answer = ExtractiveProvider(max_sentences=6).complete(grounded(story, [insurer, goods])).text
    assert "District Commission" in answer and "two years" in answer  # its own sector's guide
    assert "Commissions regularly order" in answer  # the insurer's guide is quoted, so its steps are at hand
    assert "grievance officer" not in answer  # but "company", both guides' word, names no sector


DEFICIENCY_GUIDE = Passage(
    chunk_id="deficiency",
    source="knowledge/deficiency-in-service.md",
    title="Deficiency in service and how to complain about it",
    section="2(6), 2(11), 2(42), 35, 39, 69, 100",
    text=(
        "Most consumer complaints in India are about services: banks, insurers, airlines, courier firms, "
        "builders, telecom companies, coaching centres, hospitals, electricity boards. The Act calls a poor "
        "service a \"deficiency\"."
    ),
)


def test_a_story_is_told_the_acts_name_for_its_wrong_with_what_it_is_said_of() -> None:
    from common.remedy import names_deficiency

    assert names_deficiency(DEFICIENCY_GUIDE.text)
    assert not names_deficiency("The commission can direct the provider to remove the deficiency.")
    question = "wedding photographer took full advance of 70000 and never delivered the album. what can we do"
    answer = ExtractiveProvider(max_sentences=4).complete(
        grounded(question, [REFUND_GUIDE, DEFICIENCY_GUIDE])
    ).text
    assert "calls a poor service a \"deficiency\"" in answer  # beyond the cap of four
    assert "courier firms" in answer  # the sentence saying what it is said of comes with it
    assert "District Commission" in answer and "two years" in answer


def test_sector_words_are_learned_from_the_guides_about_goods_and_services() -> None:
    learned = sector_words.build()
    assert learned == sector_words.table()  # else run python -m llm_connector.sector_words
    assert learned[stem("boarding")] == "airlines-telecom-and-travel-complaints"
    assert learned[stem("doctor")] == "complaint-against-hospital-or-doctor"
    assert learned[stem("builder")] == "builder-delayed-possession"
    for everyday in ("complaint", "refund", "bill", "keep", "commission", "booking"):
        assert stem(everyday) not in learned  # words every sector uses tie a step to none


AIRLINE_STEPS = Passage(
    chunk_id="airline",
    source="knowledge/airlines-telecom-and-travel-complaints.md",
    title="Complaints about airlines, railways, travel, telecom and utilities",
    text=(
        "An airline that cancels a flight must refund the fare or rebook the passenger.\n\n"
        "1. Keep the ticket or bill, booking confirmation, boarding pass, baggage tag or property "
        "irregularity report, screenshots and emails.\n"
        "2. File a complaint for refund, compensation and costs under section 39 within two years."
    ),
)
BUILDER_STEPS = Passage(
    chunk_id="builder",
    source="knowledge/builder-delayed-possession.md",
    title="Homebuyers - delayed possession and builder disputes",
    text=(
        "A builder who delays handing over possession of a flat is deficient in service.\n\n"
        "1. Collect the allotment letter, agreement, payment receipts, brochure and emails.\n"
        "2. File before the commission that matches the price paid, within two years."
    ),
)


@pytest.mark.parametrize(
    ("story", "told"),
    [
        # a flat's booking met the airline guide's step through "booking" and "emails": not its boarding pass
        ("we booked a flat in 2020, the builder still has not given possession and ignores our emails. "
         "what can we do?", False),
        ("our flight was cancelled at the airport and the airline refuses a refund of the booking. "
         "what can we do?", True),  # the airline's own story keeps it
    ],
)
def test_a_storys_step_tied_to_another_sector_by_its_words_is_not_quoted(story: str, told: bool) -> None:
    prompt = grounded(story, [AIRLINE_STEPS, BUILDER_STEPS])
    answer = ExtractiveProvider(max_sentences=6).complete(prompt).text
    assert ("boarding pass" in answer) is told
    assert "two years" in answer


def test_a_direct_question_about_a_shop_or_service_is_not_told_the_platforms_duties() -> None:
    """Not only a story: a direct question showing no online purchase and naming no platform's route is
    not sent to a platform's grievance officer; one naming a marketplace, or asking about that officer, is."""
    returns = Passage(
        chunk_id="returns",
        source="knowledge/ecommerce-returns-refunds-and-cancellation.md",
        title="Online shopping - returns, refunds and cancellation",
        text=(
            "Refunds are due when goods are defective.\n\n## What you can do\n\n"
            "1. If refused, write to the platform's grievance officer; the rules require acknowledgment "
            "within 48 hours and redressal within one month."
        ),
    )
    provider = ExtractiveProvider(max_sentences=6)
    question = "the {} refused to refund my fees. can i write to someone for it before the commission?"
    gym = provider.complete(grounded(question.format("gym"), [REFUND_GUIDE, returns])).text
    online = provider.complete(grounded(question.format("flipkart seller"), [REFUND_GUIDE, returns])).text
    assert "grievance officer" not in gym and "File a complaint under section 35" in gym
    assert "write to the platform's grievance officer" in online
    asked = provider.complete(grounded("how soon must the grievance officer reply?", [returns])).text
    assert asked.startswith("If refused, write to the platform's grievance officer")


@pytest.mark.parametrize("name", ["amazon", "Flipkart", "myntra", "meesho", "swiggy", "zomato"])
def test_a_marketplace_named_instead_of_online_is_an_online_story(name: str) -> None:
    assert online_story(f"bought a phone on {name}, it came broken")
    assert not online_story("bought a phone at the amazonite jewellers")  # whole names only


GOODS_STEPS = Passage(
    chunk_id="goods-steps",
    source="knowledge/refund-for-defective-goods.md",
    title="Getting a refund or replacement for defective goods",
    section="2(6), 2(10), 2(47), 35, 39, 69",  # a guide about goods: the Act's defect, not its deficiency
    text=(
        "You bought something and it does not work, and the seller refuses to refund or replace it.\n\n"
        "## What you can do\n\n"
        "1. Write to the seller (and the manufacturer) asking for repair, replacement or refund within a "
        "fixed time, for example 15 days."
    ),
)
SERVICE_STEPS = Passage(
    chunk_id="service-steps",
    source="knowledge/deficiency-in-service.md",
    title="Deficiency in service and how to complain about it",
    section="2(6), 2(11), 2(42), 35, 39, 69",
    text=(
        "A service provider who takes the money and does not provide what was promised is deficient.\n\n"
        "The commission can order a refund of the amount paid, with compensation for the loss.\n\n"
        "1. Send a written complaint to the provider and keep proof of sending.\n"
        "2. File within two years of the cause of action (section 69)."
    ),
)


@pytest.mark.parametrize(
    ("story", "told"),
    [
        # a banquet hall's story was told the goods guide's "write to the seller (and the manufacturer)"
        ("we booked a banquet hall for the engagement and paid rs 1 lakh advance, they cancelled one week "
         "before and refuse to refund. what can we do?", False),
        ("i bought a mixer from a shop for rs 4000, it stopped working in a week and the shop refuses a "
         "refund. what can i do?", True),  # a bought thing's story keeps it
    ],
)
def test_a_service_story_is_not_told_a_goods_guides_step(story: str, told: bool) -> None:
    prompt = grounded(story, [FORUMS, GOODS_STEPS, SERVICE_STEPS])
    answer = ExtractiveProvider(max_sentences=6).complete(prompt).text
    assert ("Write to the seller" in answer.split("What you can do next:")[1]) is told
    assert "District Commission" in answer
