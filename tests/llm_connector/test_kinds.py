"""A "what can I do?" story is told the Act's name for its wrong by the guide about that wrong."""

from __future__ import annotations

from common.messages import Passage
from llm_connector.extractive import ExtractiveProvider
from llm_connector.kinds import kinds_named, title_words
from tests.support.prompts import grounded

FORUMS = Passage(
    chunk_id="forums",
    source="knowledge/which-commission-pecuniary-jurisdiction.md",
    title="Which consumer commission",
    text=(
        "File a complaint under section 35 before the District Commission (claims where the price paid is up "
        "to Rs 50 lakh under the 2021 Jurisdiction Rules) within two years (section 69)."
    ),
)
HOSPITAL = Passage(
    chunk_id="hospital",
    source="knowledge/complaint-against-hospital-or-doctor.md",
    title="Complaints against hospitals and doctors for medical negligence",
    text=(
        "Patients and families often ask whether they can take a hospital or doctor to a commission.\n\n"
        "Commissions look for an independent expert opinion where the negligence is not obvious on its face."
    ),
)
ADS = Passage(
    chunk_id="ads",
    source="knowledge/misleading-advertisements-and-endorsements.md",
    title="Misleading advertisements, endorsements and celebrity liability",
    text=(
        "For your own loss, file a consumer complaint within two years.\n\n"
        "A manufacturer who causes a false or misleading advertisement can be fined up to Rs 10 lakh."
    ),
)
GOODS = Passage(
    chunk_id="goods",
    source="knowledge/refund-for-defective-goods.md",
    title="Getting a refund or replacement for defective goods",
    text=(
        "Section 2(47)(viii) makes it an unfair trade practice for a seller to refuse to take back defective "
        "goods and refund the price within thirty days."
    ),
)


def test_the_acts_names_for_a_wrong_are_found_in_a_text() -> None:
    assert kinds_named("Unfair trade practices and restrictive trade practices") == {
        "unfair trade practice",
        "restrictive trade practice",
    }
    assert kinds_named("the service deficient, the goods defective") == {"deficiency", "defect"}
    assert kinds_named("Which consumer commission to approach") == frozenset()
    # a title's words of the remedy say nothing of what the guide is about
    assert title_words("Complaints against hospitals and doctors for medical negligence") == (
        "hospitals doctors medical negligence"
    )


def test_a_story_about_the_guides_topic_is_told_the_wrong_its_title_names() -> None:
    story = "my father had an operation at a private hospital and they left a swab inside. what can we do?"
    answer = ExtractiveProvider(max_sentences=1).complete(grounded(story, [FORUMS, HOSPITAL])).text
    assert "where the negligence is not obvious" in answer  # beyond a cap the remedy already fills
    assert "District Commission" in answer


def test_an_ad_story_is_told_the_misleading_advertisement() -> None:
    story = "i bought a powder advertised on tv as lose 10 kg in 30 days and nothing happened. what can i do?"
    answer = ExtractiveProvider(max_sentences=1).complete(grounded(story, [FORUMS, ADS])).text
    assert "misleading advertisement" in answer


def test_a_guide_the_story_shares_only_remedy_words_with_names_nothing() -> None:
    """The dry cleaner "refusing" any compensation meets 2(47)(viii)'s "refuse to take back defective goods"
    only through the remedy's word: the guide's title (defective goods) shares nothing of the story."""
    provider = ExtractiveProvider(max_sentences=1)  # the remedy alone: the wrong can only come beyond it
    story = "dry cleaner ruined my silk saree worth 15000 and is refusing any compensation. what can i do?"
    assert "defective" not in provider.complete(grounded(story, [FORUMS, GOODS])).text
    goods = "the new fridge stopped cooling and the shop is refusing a replacement. what can i do?"
    assert "take back defective goods" in provider.complete(grounded(goods, [FORUMS, GOODS])).text


def test_a_wrong_the_answer_already_names_is_not_named_again() -> None:
    story = "the hospital was negligent in my surgery and caused me injury. what can i do?"
    told = Passage(
        chunk_id="told",
        source="knowledge/deficiency-in-service.md",
        title="Deficiency in service",
        text="Compensation for injury caused by negligence in a hospital surgery can be ordered.",
    )
    answer = ExtractiveProvider(max_sentences=6).complete(grounded(story, [told, FORUMS, HOSPITAL])).text
    assert "Compensation for injury caused by negligence" in answer
    assert "not obvious on its face" not in answer


AIRLINES = Passage(
    chunk_id="airlines",
    source="knowledge/airlines-telecom-and-travel-complaints.md",
    title="Complaints about airlines, railways, travel, telecom and utilities",
    text="Loss of luggage, theft due to negligence of staff, or refusal to refund can be deficiencies.",
)


def test_a_story_about_a_sectors_guide_is_told_its_deficiency() -> None:
    provider = ExtractiveProvider(max_sentences=1)
    story = "my suitcase was lost on a flight and the airline offers only rs 3000. what can i do?"
    assert "can be deficiencies" in provider.complete(grounded(story, [FORUMS, AIRLINES])).text
    # a story the sector's guide is not about (no word of its title) is told nothing from it
    other = "my suitcase was lost by the hotel and they offer only rs 3000. what can i do?"
    assert "can be deficiencies" not in provider.complete(grounded(other, [FORUMS, AIRLINES])).text


def test_an_answer_naming_a_wrong_already_is_not_told_a_sectors_deficiency() -> None:
    """A car repaired again and again under warranty has a defect: the warranty guide's "that can be a
    deficiency in service" is not added to an answer that names the defect."""
    warranty = Passage(
        chunk_id="warranty",
        source="knowledge/warranty-and-guarantee.md",
        title="Warranty and guarantee problems",
        text=(
            "File within two years of the defect appearing before the District Commission.\n\n"
            "If the provider refuses valid warranty claims, that can be a deficiency in service."
        ),
    )
    story = "my car went 5 times for the same gearbox problem within warranty. what can i do?"
    answer = ExtractiveProvider(max_sentences=1).complete(grounded(story, [warranty])).text
    assert "defect appearing" in answer and "deficiency in service" not in answer
    bare = Passage(**{**warranty.model_dump(), "text": warranty.text.split("\n\n")[1]})
    told = ExtractiveProvider(max_sentences=1).complete(grounded(story, [FORUMS, bare])).text
    assert "deficiency in service" in told  # the same sentence, to an answer naming no wrong yet
