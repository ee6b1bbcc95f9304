"""The extractive answer and the ways people word a question: a redacted name, Hinglish, short names (NCDRC,
CCPA), a story's sums and penalties, "does X count as Y?", and a definition whose lead-in is long."""

from __future__ import annotations

from common.messages import Passage
from llm_connector.extractive import (
    ExtractiveProvider,
    _scores,
    candidate_sentences,
    lead_pool,
    stems,
    topic_stems,
)
from llm_connector.sentences import paragraph_sentences
from rag_core.prompt import SYSTEM_PROMPT
from tests.support.prompts import grounded

DEFICIENCY = Passage(
    chunk_id="cpa-2-11",
    source="cpa2019.pdf",
    act="Consumer Protection Act, 2019",
    section="2(11)",
    title="Definitions: “deficiency”",
    page="6",
    text=(
        "(11) “deficiency” means any fault, imperfection, shortcoming or inadequacy in the quality,\n"
        "nature and manner of performance which is required to be maintained by or under any law for the\n"
        "time being in force or has been undertaken to be performed by a person in pursuance of a contract\n"
        "or otherwise in relation to any service and includes—\n"
        "(i) any act of negligence or omission or commission by such person which causes loss or injury\n"
        "to the consumer; and\n"
        "(ii) deliberate withholding of relevant information by such person to the consumer;"
    ),
)
DEFECT = Passage(
    chunk_id="cpa-2-10",
    source="cpa2019.pdf",
    act="Consumer Protection Act, 2019",
    section="2(10)",
    title="Definitions: “defect”",
    page="6",
    text=(
        "(10) “defect” means any fault, imperfection or shortcoming in the quality, quantity, potency,\n"
        "purity or standard which is required to be maintained by or under any law for the time being in\n"
        "force;"
    ),
)
REFUND_GUIDE = Passage(
    chunk_id="guide-refund",
    source="knowledge/refund-for-defective-goods.md",
    act="Consumer Protection Act, 2019",
    section="2(10), 39",
    title="Getting a refund or replacement for defective goods",
    text=(
        "What counts as a defect, when a seller must take goods back and refund, and what the consumer "
        "commission can order.\n"
        "The Consumer Protection Act, 2019 gives you a clear route to a repair, replacement or refund."
    ),
)


def _answer(question: str, passages: list[Passage]) -> str:
    return ExtractiveProvider(max_sentences=6).complete(grounded(question, passages)).text


def test_a_question_asking_what_counts_as_a_term_is_led_by_its_definition() -> None:
    answer = _answer(
        "what exactly counts as a 'defect' in goods under the consumer act? my mixer motor is weak",
        [REFUND_GUIDE, DEFECT],
    )
    assert answer.startswith('Section 2(10): "(10) “defect” means any fault, imperfection or shortcoming')


def test_the_items_of_a_long_definition_carry_its_term() -> None:
    """The lead-in of 2(11) is too long to repeat before each item; the items carry its ends, so "(ii)"
    reads as part of what "deficiency" includes, and the lead-in is still a sentence of its own."""
    sentences = [s for _, s in paragraph_sentences(DEFICIENCY.text)]
    assert sentences[0].startswith("(11) “deficiency” means any fault") and sentences[0].endswith("includes—")
    assert sentences[2].startswith(
        "(11) “deficiency” means any fault, imperfection, shortcoming or inadequacy"
    )
    assert " … " in sentences[2] and sentences[2].endswith(
        "service and includes— (ii) deliberate withholding of relevant information by such person to the "
        "consumer;"
    )
    answer = _answer(
        "the hospital never told us the surgeon was unqualified. does such deliberate silence count as "
        "deficiency in service?",
        [DEFICIENCY],
    )
    assert "(ii) deliberate withholding of relevant information" in answer


def test_a_redacted_name_and_hinglish_function_words_are_no_topic() -> None:
    question = "dealer <PERSON_1> hai commercial vehicle hai to consumer court nahi ja sakte. sach hai kya?"
    assert not {"person", "1", "hai", "kya", "sach", "nahi"} & stems(question)
    assert topic_stems("maine auto kharida, sach hai kya?") == frozenset({"auto", "kharid"})


def test_short_names_match_the_words_they_stand_for() -> None:
    assert stems("National Commission") <= stems("can i challenge an NCDRC order?")
    assert stems("reserve bank") <= stems("is there any RBI route?")
    ccpa = Passage(
        chunk_id="guide-ccpa",
        source="knowledge/ccpa.md",
        title="The CCPA",
        text=(
            "A complaint about unfair trade practices that harm consumers as a class can be sent in writing "
            "to the District Collector or the CCPA itself.\n"
            "A shop must give a bill for goods sold."
        ),
    )
    answer = _answer("which authority can i write to about a shop cheating everybody?", [ccpa])
    assert answer.startswith("A complaint about unfair trade practices that harm consumers as a class")


def test_a_storys_penalty_asks_for_no_figure() -> None:
    """ "my bank charged a penalty ... is such a clause unfair?" asks whether, not how much: a sentence
    stating a figure is not lifted for the story's word "penalty"."""
    passage = Passage(
        chunk_id="g",
        source="knowledge/g.md",
        title="Guide",
        text="The bank penalty lasts two years.\nThe bank penalty lasts two ages.",
    )
    question = "my bank charged a penalty for a late emi. is such a loan clause unfair?"
    figure, other = candidate_sentences([passage], SYSTEM_PROMPT, question=question)
    scores = _scores([figure, other], question)
    assert figure.figures and not other.figures and scores[figure] == scores[other] > 0
    assert _scores([figure, other], "how much is the bank penalty?")[figure] > scores[figure]


def test_a_storys_sum_in_a_fines_band_does_not_lead() -> None:
    """A story's Rs 15,000 falls in a fine's band (up to Rs 10 lakh); a band holding the question's sum may
    lead only when it names the forum or the fee (a fee table's row, "District Commission — up to Rs 50
    lakh")."""
    passage = Passage(
        chunk_id="g",
        source="knowledge/offences.md",
        title="Offences",
        text=(
            "A consumer cheated by a misleading advertisement: the maker faces a fine up to Rs 10 lakh.\n"
            "A loan clause imposing a wholly disproportionate penalty is an unfair contract term."
        ),
    )
    question = (
        "my bank charged Rs 15,000 penalty for one late EMI. is such a loan clause unfair for a consumer?"
    )
    fine, loan = candidate_sentences([passage], SYSTEM_PROMPT, question=question)
    assert lead_pool([fine, loan], question) == [loan]


def test_an_answer_that_refers_back_is_quoted_after_the_sentence_before_it() -> None:
    """ "It must show the country of origin ..." answers best, but "It" is the marketplace of the sentence
    before: both are quoted, in the passage's order, rather than neither."""
    duties = Passage(
        chunk_id="guide-platforms",
        source="knowledge/platforms.md",
        title="E-commerce platforms",
        text=(
            "A marketplace must also make available seller details: name, address and a ticket number for "
            "each complaint.\n"
            "It must show the country of origin and key information on returns before you buy.\n"
            "An online marketplace is an electronic service provider."
        ),
    )
    answer = _answer(
        "does a marketplace have to show which country a product was made in before i buy?", [duties]
    )
    assert answer.startswith(
        "A marketplace must also make available seller details: name, address and a ticket number for each "
        "complaint. [1] It must show the country of origin and key information on returns before you buy. [1]"
    )


def test_peoples_words_meet_the_acts() -> None:
    assert stems("disclose") <= stems("shouldnt he have told us?")
    assert stems("withholding") <= stems("does hiding such facts count?")
    assert stems("outside") <= stems("a foreign website")
    assert stems("resides") <= stems("where i live now")
    assert stems("deliberately conceals") & stems("the ad hid the fact")
    assert stems("puts his own mark") & stems("sells atta under its own brand name")


def test_a_clause_of_a_definition_quoted_alone_is_told_with_the_term_it_defines() -> None:
    """Section 2(47)'s item "(vii) not issuing bill ..." quoted alone does not say the Act calls it an
    unfair trade practice: the law line names the term from the passage's title; a clause naming it
    already, or a section defining nothing, is quoted as before."""
    from llm_connector.extractive import defined_term

    title = "Definitions: “unfair trade practice”"
    assert defined_term("(vii) not issuing bill or cash memo or receipt;", title) == "“unfair trade practice”"
    assert defined_term("(47) “unfair trade practice” means a trade practice which ...", title) == ""
    assert defined_term("(1) Any person aggrieved may appeal.", "Appeal against order") == ""
    law = Passage(
        chunk_id="utp",
        source="consumer_protection_act_2019.pdf",
        act="Consumer Protection Act, 2019",
        section="2(47)",
        page="10",
        title=title,
        text="(vii) not issuing bill or cash memo or receipt for the goods sold or services rendered;",
    )
    question = "the shop gives no bill, is it legal?"
    answer = ExtractiveProvider(max_sentences=6).complete(grounded(question, [law])).text
    assert 'Section 2(47) (“unfair trade practice”): "(vii) not issuing bill' in answer


def test_a_definition_in_relation_to_something_still_leads_a_question_on_its_meaning() -> None:
    """"(18) “endorsement”, in relation to an advertisement, means—" defines its term as "(7) “consumer”
    means" does: a "does X count as an endorsement?" is led by it, not by a guide echoing the story."""
    definition = Passage(
        chunk_id="cpa-2-18",
        source="cpa2019.pdf",
        act="Consumer Protection Act, 2019",
        section="2(18)",
        page="6",
        title="Definitions: “endorsement”",
        text="(18) “endorsement”, in relation to an advertisement, means— (i) any message, verbal statement "
        "or demonstration; or (ii) depiction of the name, signature, likeness or other identifiable personal "
        "characteristics of an individual.",
    )
    guide = Passage(
        chunk_id="guide-ads",
        source="knowledge/ads.md",
        title="Misleading advertisements",
        text="An actor whose photo is used in an ad for a hair oil may face a penalty for the ad.",
    )
    question = "an actor's photo is used in an ad for a hair oil. does using his photo count as endorsement?"
    lead = ExtractiveProvider(max_sentences=6).complete(grounded(question, [guide, definition])).text
    assert lead.splitlines()[0].startswith('Section 2(18): "(18) “endorsement”, in relation to an')


def test_a_hinglish_question_word_makes_a_sentence_ask_without_a_question_mark() -> None:
    """"fee kitni lagegi" and "time limit kya hai" ask, last and with no "?": they decide what is asked
    (a figure) beside the sentence that does end in "?"; a story's sentence with no question word does not."""
    from llm_connector.extractive import asking

    question = "phone kharab ho gaya, shop wala refund nahi de raha. complaint kar sakta hu? fee kitni lagegi"
    assert asking(question) == "complaint kar sakta hu? fee kitni lagegi"
    assert asking("warranty claim reject hua tha. case kar sakta hu? time limit kya hai").endswith("kya hai")
    limit = Passage(
        chunk_id="guide-limit",
        source="knowledge/limitation-period.md",
        title="Time limit for filing a consumer complaint",
        text="The time limit for a case is two years from the date the cause of action arose.",
    )
    guide = Passage(
        chunk_id="guide-warranty",
        source="knowledge/warranty.md",
        title="Warranty problems",
        text="A warranty claim rejected by the company can still be taken to a commission as a case.",
    )
    answer = ExtractiveProvider(max_sentences=6).complete(
        grounded("warranty claim reject hua tha. case kar sakta hu? time limit kya hai", [guide, limit])
    ).text
    assert answer.startswith("The time limit for a case is two years")


def test_a_word_ending_in_rs_is_not_a_sum_of_money() -> None:
    """"matters." and "others," are words, not "Rs." and a figure: a sentence stating no figure must not
    lead a question asking for one, as a guide's "Being honest and specific matters." could."""
    from llm_connector.extractive import figures

    assert figures("Being honest and specific matters.") == frozenset()
    assert figures("It binds sellers, others, and consumers.") == frozenset()
    assert figures("Fee Rs 200, ₹5,000 or Rs. 2,500 up to Rs 50 lakh.") == {
        "rs 200", "₹5000", "rs. 2500", "rs 50 lakh"
    }
