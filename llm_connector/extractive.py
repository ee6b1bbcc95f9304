"""An answer with no LLM, built only from passage sentences: the answer first, then the law, then what to do.

Every sentence of law or advice in it is a verbatim sentence of a retrieved passage (tables and Markdown
marks made readable, llm_connector/sentences.py), each with its [n] marker; the only fixed texts are the
labels, the helpline referral and the note that the Act's money limits were revised. It leads with the
sentence that best answers the question (one stating a figure when the question asks for one), quotes the
Act's supporting words, then the guides' next steps; a "what can I do?" story leads with the remedy
(where to complain, by when, what the commission can order: llm_connector/remedy.py), and a story with no
sign of buying online is not told about e-commerce rights. A sentence repeating what is already said (the same
figures, nearly the same words) is left out. Sentences that talk to an assistant (prompt injection) or
copy the system prompt are never quoted.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from common.failures import withdrawn
from common.messages import GroundedPrompt, Passage
from common.remedy import asks_remedy, names_deficiency
from common.samples import without_samples
from llm_connector import sector_words
from llm_connector.citations import is_statute, source_label
from llm_connector.guard import PLACEHOLDER, echoes, looks_like_instruction
from llm_connector.kinds import SERVICE_KINDS, kinds_named, title_words
from llm_connector.provider import Completion
from llm_connector.remedy import (
    about_online_buying,
    administrative,
    named_forum,
    online_story,
    platform_route,
    remedy_parts,
    sector_routes,
    wrong_forum,
)
from llm_connector.replies import DISCLAIMER, HELPLINE, NO_CONTEXT_ANSWER, REVISED_LIMITS
from llm_connector.sentences import paragraph_sentences

MAX_SENTENCE_CHARS = 400
MIN_SENTENCE_CHARS = 25
PER_PASSAGE = 2
RELATIVE_CUTOFF = 0.4
REVISED_SECTIONS = frozenset({"34", "47", "58"})  # their money limits: see REVISED_LIMITS

_STOPWORD_TEXT = """a an and are as at be been being but by can could did do does for from had has have how
i if in into is it its me my of on or our shall should so than that the their them then there these they
this to under up us was we were what when where which who whom why will with would you your any all also
may might must not no nor only own same such too very just about against between both each few more most
other some"""
# Hinglish function words ("kya consumer court ja sakte hai?"): they say nothing of what is asked, and as
# the asking sentence's only words they were its topic
_HINGLISH_TEXT = """hai hain ho hota hoti hote kya ka ki ke ko me mein se nahi nahin na bhi aur ya toh par
pe tha thi ek koi kaise kab kahan kyun kyon mera meri mere mujhe hum hamara hamari humara apna apni ab jo wo
woh ye yeh kar karna karu karun karein kare sakta sakti sakte raha rahi rahe gaya gayi gaye liya diya wala
wale wali lekin maine humne usne unka unki unke uska uski uske iska iski iske bhai ji sir sach"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split()) | frozenset(_HINGLISH_TEXT.split())
_MARKER_LIKE = re.compile(r"\[(\d{1,3})\]")
_NUMBER_WORDS = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|twenty-one|thirty|forty-five"
    r"|fifty|sixty|ninety|hundred)"
)
_UNITS = r"(?:lakh|crore|days?|months?|years?|hours?|per\s*cent\.?|%|rupees)"
FIGURE = re.compile(
    rf"(?:\b(?:rs\.?|inr)|₹)\s*\d(?:[\d,.]*\d)?(?:\s*(?:lakh|crore))?|\b\d[\d,.]*\s*{_UNITS}|\b{_NUMBER_WORDS}\s+{_UNITS}|\bnil\b"
    r"|\b\d{3,4}-\d{2,4}-\d{3,4}\b",  # a phone number such as 1800-11-4000
    re.IGNORECASE,
)
# the question wants a figure or a forum: the answer should lead with a sentence that states one
_ASKS_FOR_FIGURE = re.compile(
    r"\b(?:how\s+(?:much|many|long|soon)|which\s+(?:commission|forum|court)|time\s+limit|deadline|"
    r"by\s+when|within|fee|fees|deposit|penalty|fine|punish\w*|jail|prison|limit|number|kitne|kitna|kitni)\b",
    re.IGNORECASE,
)
# a template's blanks ("[Name of company]", "[ ]", "Rs ___"), a quoted e-mail ("> To:") or a guide's own
# summary of itself
_NOT_AN_ANSWER = re.compile(
    r"\[[A-Za-z][^\]]{0,40}\]|\[\s*\]|_{3,}|(?:^|\s)>\s"
    r"|^(?:Explains|Gives|Lists|Describes|Covers|Outlines|Summarises)\b"
)
_ACTION_WORDS = """file send call keep collect write apply ask check complain register attach pay choose pick
work get take contact approach go use name make preserve photograph read note escalate consider decide gather
request visit submit list wait turn fill track attend always try report seek claim insist demand find give
tell follow prepare quote mention act save record"""
_ACTION_VERBS = frozenset(_ACTION_WORDS.split())


@dataclass(frozen=True)
class _Sentence:
    number: int  # 1-based passage number
    position: int
    text: str
    stems: frozenset[str]
    law: bool  # from a statute's text (not a guide)
    revised: bool  # from a section whose printed money limits the 2021 Rules replaced (34, 47, 58)
    action: bool  # tells the person what to do ("File ...", "Keep ...")
    figures: frozenset[str]
    paragraph: int = 0  # the paragraph of its passage it is in (a list item is one of its own)
    goods: bool = False  # from a guide about goods: it cites the Act's defect (2(10)), not its deficiency
    title: str = ""  # its guide's title (empty for the Act's text)


# irregular forms people write and the Act's words for the same thing ("died" / "death")
_SAME_WORD = {
    "died": "death", "dies": "death", "die": "death", "dead": "death", "deceased": "death",
    "bought": "buy", "buys": "buy", "buying": "buy", "sold": "sell", "sells": "sell", "selling": "sell",
    "resell": "resale", "reselling": "resale", "paid": "pay", "pays": "pay",
    "gave": "give", "given": "give", "took": "take", "taken": "take", "kids": "child", "children": "child",
    "admitted": "admit", "admission": "admit", "admissibility": "admit",
    "seller": "sell", "sellers": "sell", "buyer": "buy", "buyers": "buy",
    "heard": "hear",
    "told": "disclose", "hid": "withhold", "hide": "withhold", "hides": "withhold", "hiding": "withhold",
    "hidden": "withhold", "foreign": "outside", "live": "reside", "lives": "reside", "living": "reside",
    "conceal": "withhold", "conceals": "withhold", "concealed": "withhold", "concealing": "withhold",
    "brand": "mark", "branded": "mark",
}  # fmt: skip


def stem(word: str) -> str:
    """Crude suffix stripping so 'refunds', 'refunded' and 'refund' match; good enough for ranking."""
    word = _SAME_WORD.get(word, word)
    for suffix in ("ations", "ation", "ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:6]


_LABEL = re.compile(r"\((?:\d{1,3}[A-Z]?|[a-z]{1,4})\)")  # a clause's label, "(2)", "(iv)", "(2A)"


# the short names people and the guides use for what the Act spells out ("NCDRC": the National Commission)
_SHORT_NAMES = {
    "ncdrc": "national commission", "scdrc": "state commission", "dcdrc": "district commission",
    "ccpa": "central consumer protection authority", "rbi": "reserve bank", "mrp": "maximum retail price",
    "nch": "national consumer helpline",
}  # fmt: skip


def word_list(text: str) -> list[str]:
    """The text's words, its short names spelt out, stop words left out (unstemmed, repeats kept)."""
    text = PLACEHOLDER.sub(" ", text)  # a redacted name, <PERSON_1>, is not the Act's "person"
    words = re.findall(r"[a-z0-9]+", re.sub(r"['’]s\b", "", text.lower()))  # "seller's": "seller"
    words += [w for short in words if short in _SHORT_NAMES for w in _SHORT_NAMES[short].split()]
    return [w for w in words if w not in _STOPWORDS]


def stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in word_list(text))


def figures(text: str) -> frozenset[str]:
    return frozenset(" ".join(m.group(0).lower().replace(",", "").split()) for m in FIGURE.finditer(text))


_CLAUSE_END = re.compile(r"(?<=[,;:—])\s+")
_LEADS_IN_MARK = re.compile(r"[:—–]$")


OPENING_CHARS = 150  # the opening clauses a shortened sentence keeps, so it still says what it is about
CLAUSE_SLACK = 100  # how far past MAX_SENTENCE_CHARS a head may run to finish the clause it cut into


def _head(sentence: str, slack: int = CLAUSE_SLACK) -> str:
    """The sentence's first MAX_SENTENCE_CHARS, run on to the end of the clause the cut falls in when
    that end is near: the words finishing a clause ("if it is satisfied that there was sufficient cause
    ...") are the condition the clause states, and a cut just before them loses what it says."""
    end = next(
        (m.start() for m in _CLAUSE_END.finditer(sentence) if m.start() >= MAX_SENTENCE_CHARS), len(sentence)
    )
    if end == len(sentence) and end <= MAX_SENTENCE_CHARS + slack:
        return sentence
    if MAX_SENTENCE_CHARS <= end <= MAX_SENTENCE_CHARS + slack:
        cut = sentence[:end]
    else:
        cut = sentence[:MAX_SENTENCE_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + " …"


def shortened(sentence: str, focus: frozenset[str] = frozenset(), *, slack: int = CLAUSE_SLACK) -> str:
    """A sentence too long to quote, cut to MAX_SENTENCE_CHARS: its head, or its opening clauses, "…" and
    the shortest run of later clauses holding more of the `focus` stems (the question's topic words: the
    exclusion at the end of a long definition) than the head does, at least two. The run starts at the
    label of the clause it is in ("(b) any recognised consumer association, ...") when that fits."""
    head = _head(sentence, slack)
    clauses = _CLAUSE_END.split(sentence)
    if not focus:
        return head
    start = 1
    while start < len(clauses) and len(" ".join(clauses[: start + 1])) <= OPENING_CHARS:
        start += 1
    opening = " ".join(clauses[:start])
    best, best_key = head, (max(len(stems(head) & focus), 1), 0)
    for i in range(start + 1, len(clauses)):  # the clause right after the opening: the head has it
        labelled = max((k for k in range(start + 1, i + 1) if _LABEL.match(clauses[k])), default=i)
        for j in range(i + 1, len(clauses) + 1):
            text = f"{opening} … {' '.join(clauses[i:j])}"
            if len(text) > MAX_SENTENCE_CHARS:
                break
            if _LEADS_IN_MARK.search(text):  # "... it shall proceed to settle the dispute—": unfinished
                continue
            key = (len(stems(text) & focus), -len(text))
            if key > best_key:
                wholes = (f"{o} … {' '.join(clauses[labelled:j])}" for o in (opening, clauses[0]))
                best = next((w for w in wholes if len(w) <= MAX_SENTENCE_CHARS), text)
                best_key = key
    return best


def _quotable(
    sentence: str,
    system_prompt: str,
    *,
    may_instruct: bool = True,
    focus: frozenset[str] = frozenset(),
    slack: int = CLAUSE_SLACK,
) -> str | None:
    """The sentence as it may be quoted, or None when it is too short, hostile or copies the system prompt.

    `may_instruct=False` says the sentence's passage as a whole has nothing that looks like an instruction;
    `focus` (the question's stems) says which part of a sentence too long to quote whole to keep.
    """
    if (
        len(sentence) < MIN_SENTENCE_CHARS
        or not re.search(r"[A-Za-z]{3}", sentence)
        or sentence.endswith("?")
        or _NOT_AN_ANSWER.search(sentence)
    ):
        return None
    if (may_instruct and looks_like_instruction(sentence)) or (
        system_prompt and echoes(sentence, system_prompt)
    ):
        return None
    sentence = _MARKER_LIKE.sub(r"(\1)", sentence)  # a footnote "[3]" must not read as our citation
    return shortened(sentence, focus, slack=slack) if len(sentence) > MAX_SENTENCE_CHARS else sentence


@functools.lru_cache(maxsize=16)
def _without_facts(system_prompt: str) -> str:
    """The system prompt minus its sentences stating figures (the 2021 limits, the helpline): a guide
    may state those facts too, and must not be withheld as a copy of the prompt for doing so."""
    sentences = re.split(r"(?<=[.:])\s+", system_prompt)
    return " ".join(x for x in sentences if not FIGURE.search(x))


def candidate_sentences(
    passages: Sequence[Passage], system_prompt: str, *, question: str = ""
) -> list[_Sentence]:
    """The passages' quotable sentences; a sentence too long to quote keeps the part `question` asks about."""
    out: list[_Sentence] = []
    focus = topic_stems(question)
    asked = stems(question)

    def answers_alone(item: str) -> bool:  # a list item whose own words meet the question's
        return bool(stems(_LABEL.sub(" ", item)) & asked)

    system_prompt = _without_facts(system_prompt)
    for number, passage in enumerate(passages, start=1):
        # a sample letter's lines are what the person may write, not advice or law: never quoted
        text = without_samples(passage.text) if passage.sample else passage.text
        numbered = paragraph_sentences(text, whole_lists=MAX_SENTENCE_CHARS, apart=answers_alone)
        sentences = [sentence for _, sentence in numbered]
        # One search over the passage's sentences, each on its own line, finds whatever a search of any
        # one sentence would (a line break stands for the start and end of each): most passages need no
        # search per sentence (that was a sixth of llm_connector's CPU under load).
        may_instruct = looks_like_instruction("\n".join(sentences))
        law = is_statute(passage)
        revised = law and passage.section.split("(", 1)[0] in REVISED_SECTIONS
        goods = not law and about_goods(passage)
        for position, (paragraph, raw) in enumerate(numbered):
            text = _quotable(raw, system_prompt, may_instruct=may_instruct, focus=focus)
            if text is None:
                continue
            # ranked on the words of its first MAX_SENTENCE_CHARS: finishing a clause for the reader
            # must not make a sentence outrank others by its extra words
            ranked = text
            if len(text) > MAX_SENTENCE_CHARS:
                ranked = _quotable(raw, "", may_instruct=False, focus=focus, slack=0) or text
            first = re.match(r"[A-Za-z']+", text)
            action = not law and bool(first) and first.group(0).lower() in _ACTION_VERBS  # type: ignore[union-attr]
            out.append(
                _Sentence(
                    number, position, text, stems(ranked), law, revised, action, figures(ranked), paragraph,
                    goods,
                    "" if law else passage.title,
                )
            )
    return out


def about_goods(passage: Passage) -> bool:
    """Whether a guide is about goods: its front matter's sections (its passages' `section`) cite the Act's
    definition of a defect (2(10)) and not that of a deficiency (2(11)), so its steps (the seller, the
    manufacturer, the warranty card) are a bought thing's."""
    cited = {s.strip() for s in passage.section.split(",")}
    return "2(10)" in cited and "2(11)" not in cited


# a consumer of goods "buys" them (section 2(7)(i)), one of a service "hires or avails of" it (2(7)(ii)): a
# story that says nothing of buying ("booked a banquet hall", "joined a coaching institute") is a service's
_BUYING_STEMS = frozenset(stem(w) for w in ("buy", "sell", "purchase", "order"))


# a step may open with its condition: "If refused, write to the platform's grievance officer"
_CONDITION = re.compile(r"^(?:If|When|Once|Where)\b[^,.;:]{0,60},\s+")


def _conditional_step(c: _Sentence) -> bool:
    """A guide's sentence telling what to do once something has happened: "If refused, write to the
    platform's grievance officer" (a next step, though it may still lead: it is not a bare command)."""
    rest = _CONDITION.sub("", c.text, count=1)
    first = re.match(r"[A-Za-z']+", rest)
    return not c.law and rest != c.text and bool(first) and first.group(0).lower() in _ACTION_VERBS  # type: ignore[union-attr]


_COUNTS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "twenty": 20, "fifty": 50, "hundred": 100,
}  # fmt: skip
_AMOUNT = (
    r"(?:(?:rs\.?|₹|inr)\s*(\d[\d,]*(?:\.\d+)?)\s*(lakh|crore|k)?|(\d[\d,]*(?:\.\d+)?)\s*(lakh|crore|k)\b"
    rf"|(?:rupees\s+)?({'|'.join(_COUNTS)})\s+(lakh|crore)\b)"  # the Act's "exceeds rupees ten crore"
)
_MONEY = re.compile(_AMOUNT, re.IGNORECASE)
_BOUND = re.compile(
    rf"\b(above|over|more\s+than|not\s+exceed(?:s|ing)?|exceeds?|up\s*to|upto|below)\s+{_AMOUNT}",
    re.IGNORECASE,
)
_SCALE = {"lakh": 1e5, "crore": 1e7, "k": 1e3, "": 1.0}


def _rupees(groups: Sequence[str | None]) -> float:
    """The sum an _AMOUNT match's six groups name: (digits, unit) twice, then (count word, unit)."""
    digits, unit = groups[0] or groups[2] or groups[4] or "0", groups[1] or groups[3] or groups[5]
    number = _COUNTS[digits.lower()] if digits.lower() in _COUNTS else float(digits.replace(",", ""))
    return number * _SCALE[(unit or "").lower()]


def amounts(text: str) -> list[float]:
    """Sums of money a question names: "Rs 45 lakh", "₹72,000", "3.5 crore", "28k", "ten lakh"."""
    return [_rupees(m.groups()) for m in _MONEY.finditer(text)]


def bands(sentence: str) -> list[tuple[float, float]]:
    """The bands of money a sentence states ("above Rs 5 lakh up to Rs 10 lakh"; a sentence may state
    several, "up to Rs 50 lakh ..., above Rs 50 lakh up to Rs 2 crore ...") as (low, high]."""
    found: list[tuple[float, float]] = []
    low: float | None = None
    for m in _BOUND.finditer(sentence):
        value = _rupees(m.groups()[1:])
        word = m.group(1).lower()
        if word in {"above", "over", "exceeds", "exceed"} or word.startswith("more"):
            if low is not None:
                found.append((low, math.inf))
            low = value
        else:
            found.append((low or 0.0, value))
            low = None
    if low is not None:
        found.append((low, math.inf))
    return found


def fits_range(sentence: str, amount: float) -> bool | None:
    """Whether a band of money the sentence states holds `amount`; None when it states no band."""
    stated = bands(sentence)
    return any(a < amount <= b for a, b in stated) if stated else None


def band_width(sentence: str, amount: float) -> float | None:
    """The width of the narrowest band of the sentence holding `amount` (None when none holds it): a fee
    table's row "above Rs 5 lakh up to Rs 10 lakh" answers for Rs 8 lakh more exactly than "up to Rs 50
    lakh"."""
    widths = [b - a for a, b in bands(sentence) if a < amount <= b]
    return min(widths) if widths else None


def exact_bands(candidates: Sequence[_Sentence], money: Sequence[float]) -> set[_Sentence]:
    """The sentences stating the narrowest band that holds one of the question's amounts: the one that
    answers most exactly ("above Rs 5 lakh up to Rs 10 lakh" for Rs 8 lakh, not "up to Rs 50 lakh")."""
    exact: set[_Sentence] = set()
    for amount in money:
        widths = {c: w for c in candidates if not c.revised and (w := band_width(c.text, amount)) is not None}
        narrowest = min(widths.values(), default=None)
        exact |= {c for c, w in widths.items() if w == narrowest}
    return exact


def _holds(c: _Sentence, amount: float) -> bool | None:
    """fits_range for a candidate, None for a section whose printed limits were revised: its band
    ("does not exceed one crore rupees" for the District Commission) says nothing of today's forum."""
    return None if c.revised else fits_range(c.text, amount)


def _leaves_out(c: _Sentence, money: Sequence[float]) -> bool:
    """The sentence states a band of money that holds none of the question's amounts (and one it says
    nothing of is not counted): it does not answer that question's forum or fee."""
    holds = [_holds(c, amount) for amount in money]
    return False in holds and not any(holds)


# a sentence opening like a question asks even without its "?" ("what does deficiency mean in the act")
_ASKS = re.compile(
    r"^(?:what|how|when|where|which|who|whom|why|can|could|is|are|do|does|did|should|will|may|kya)\b",
    re.IGNORECASE,
)


# Hinglish asks with a question word anywhere, often last and with no "?": "time limit kya hai", "fee
# kitni lagegi"
_ASKS_HINGLISH = re.compile(
    r"\b(?:kya|kitna|kitni|kitne|kaise|kab|kahan|kaha|kaun|kaunsa|konsa|kyun|kyon)\b", re.IGNORECASE
)


def _asks(sentence: str) -> bool:
    return sentence.rstrip().endswith("?") or bool(_ASKS.match(sentence) or _ASKS_HINGLISH.search(sentence))


def asking(question: str) -> str:
    """The sentences that ask (end in "?", open like a question or hold a Hinglish question word), or the
    last sentence when none does."""
    sentences = [x for x in re.split(r"(?<=[.?!])\s+", question.strip()) if x]
    return " ".join([x for x in sentences if _asks(x)] or sentences[-1:])


def asking_stems(question: str) -> frozenset[str]:
    """Stems of the asking sentences."""
    return stems(asking(question))


def _scores(
    candidates: Sequence[_Sentence], question: str, terms: frozenset[str] | None = None
) -> dict[_Sentence, float]:
    """Question words each sentence shares (rarer words weigh more); `terms` narrows them."""
    terms = stems(question) if terms is None else terms
    df = Counter(s for c in candidates for s in c.stems & terms)
    asked = asking_stems(question)  # the words of the question itself weigh more than the story's
    idf = {s: math.log(1 + len(candidates) / df[s]) * (2.0 if s in asked else 1.0) for s in df}
    wants_figure = bool(_ASKS_FOR_FIGURE.search(asking(question)))  # not the story's "Rs 15,000 penalty"
    money = amounts(question)
    exact = exact_bands(candidates, money)
    scores: dict[_Sentence, float] = {}
    for c in candidates:
        overlap = math.fsum(idf[s] for s in c.stems & terms)  # exact: no tie hangs on the set's order
        score = overlap / max(len(c.stems), 1) ** 0.3 + 0.05 / c.number if overlap else 0.0
        if score and wants_figure and c.figures:
            score *= 1.3
        if c in exact:  # the band the question's amount falls in: the commission, the fee
            score *= 1.6  # (a broader band holding it, "up to Rs 50 lakh", neither lifts nor lowers)
        elif score and _leaves_out(c, money):
            score *= 0.4  # a band that leaves the question's amount out does not answer it
        scores[c] = score
    return scores


# words that say what kind of answer is wanted, not what it is about ("is he right?", "is this legal?")
_VERDICT_TEXT = "right wrong correct true legal illegal allowed possible ok okay"
_VERDICT_WORDS = frozenset(stem(w) for w in _VERDICT_TEXT.split())
_ACTION_STEMS = frozenset(stem(w) for w in _ACTION_VERBS)


_ASKS_MEANING = re.compile(
    r"\b(?:mean|means|meaning|define|defined|definition|counts?\s+as)\b", re.IGNORECASE
)
# "(7) “consumer” means", and "(18) “endorsement”, in relation to an advertisement, means"
_DEFINES = re.compile(
    r"^\(\d+[A-Z]?\)\s*[“\"']([^”\"']{2,60})[”\"'],?(?:\s+in\s+relation\s+to\s+[^,]{1,40},?)?\s+(?:means|includes)\b"
)


_ASKED_FOR = re.compile(
    r"\b(?:who|what|which)\s+(?:is|are|was|were|will\s+be)\s+(?:the|a|an)\s+([a-z]+)(?:\s+([a-z]+))?",
    re.IGNORECASE,
)


def asked_for(question: str) -> frozenset[str]:
    """The noun a "who/what is the X" question asks for (its stems)."""
    return frozenset(
        s for m in _ASKED_FOR.finditer(asking(question)) for s in stems(" ".join(filter(None, m.groups())))
    )


def topic_stems(question: str) -> frozenset[str]:
    """What the asking sentence is about: its words but for verbs of doing ("file", "get") and verdict
    words ("right", "legal")."""
    return frozenset(
        s
        for s in asking_stems(question)
        if len(s) > 2 and s not in _VERDICT_WORDS and s not in _ACTION_STEMS
    )


_FORUM_OR_FEE = re.compile(r"\b(?:commissions?|fees?)\b", re.IGNORECASE)


def lead_pool(ranked: Sequence[_Sentence], question: str) -> list[_Sentence]:
    """The sentences that may lead, in the answer's ranking: those that answer what the question asks.

    A story's words can lift a sentence about something else (a hospital story asking "by when must I
    file the appeal?" matches the two-year limit for complaints better than the appeal period). When a
    story surrounds the asking sentence, the lead comes from the sentences sharing the most of the
    asking sentence's topic words (not its verbs of doing, "file", "get", nor verdict words, "right",
    "legal"), stating a figure when the question asks for one (a deadline, a fee, a forum); a sentence
    stating the band of money the question's amount falls in (the commission, the fee) may always lead.
    A question asking what a term means is led by the Act's clause defining it, when retrieved.
    """
    if _ASKS_MEANING.search(question):  # a definition question: the clause defining its term leads
        asked_words = stems(question)
        defining = [c for c in ranked if (m := _DEFINES.match(c.text)) and stems(m.group(1)) <= asked_words]
        if defining:
            return defining
    topic = topic_stems(question)
    if not topic or topic >= stems(question) - _ACTION_STEMS:
        return list(ranked)
    pool = list(ranked)
    money = amounts(question)
    if money:  # the Act's printed limits, since revised, never answer which forum hears an amount
        pool = [c for c in pool if not (c.revised and bands(c.text))] or pool
    wants_figure = bool(_ASKS_FOR_FIGURE.search(asking(question)))  # not the story's "Rs 50000 fees"
    if wants_figure:
        pool = [c for c in pool if c.figures] or pool
    named = asked_for(question)  # "who is the chairperson of ...?": a sentence naming the chairperson
    if named:
        pool = [c for c in pool if c.stems & named] or pool
    # a rare topic word ("advocate") says more than one that every passage has ("consumer")
    df = Counter(s for c in ranked for s in c.stems & topic)
    weight = {s: math.log(1 + len(ranked) / df[s]) for s in df}
    shared = {c: round(math.fsum(weight[s] for s in c.stems & topic), 6) for c in pool}
    most = max(shared.values(), default=0)
    chosen = {c for c in pool if most and shared[c] == most}
    # the band holding the question's amount, in a sentence on what is asked (the fee, the commission)
    exact = {c for c in exact_bands(ranked, money) if c.stems & topic}
    if exact and wants_figure:  # "which commission for my Rs 30 lakh?": its band
        chosen = exact
    else:  # a band holding a story's sum may lead when it names a forum or a fee, not a fine's ceiling
        chosen |= {c for c in exact if _FORUM_OR_FEE.search(c.text)}
    return [c for c in ranked if c in chosen] or list(ranked)


def _story_terms(question: str) -> frozenset[str]:
    """A story's words but for bare numbers: "3 din me band ho gaya" or "2 mahine se" count the days and
    months, not a word, and matched the clause labels "(3)" and "(2)" of sections on the Central
    Authority's headquarters and audit. Its sums of money still count, through their bands."""
    return frozenset(s for s in stems(question) if not s.isdigit())


def _similar(a: _Sentence, b: _Sentence) -> bool:
    union = a.stems | b.stems
    return bool(union) and len(a.stems & b.stems) / len(union) > 0.6


def _repeats(candidate: _Sentence, chosen: Sequence[_Sentence]) -> bool:
    """Nearly the same words, or only figures already stated in a sentence about the same thing."""
    for other in chosen:
        if _similar(candidate, other):
            return True
        shared = len(candidate.stems & other.stems) / max(len(candidate.stems), 1)
        if candidate.figures and candidate.figures <= other.figures and shared > 0.3:
            return True
    return False


# a sentence opening like these says something about the sentence before it ("It lets you register ...",
# "Such order shall ...", "A kitchen knife being sharp is an example.")
_REFERS_BACK = re.compile(
    r"^(?:It|Its|This|That|These|Those|They|Their|Such|He|She|For\s+example|For\s+instance)\b"
    r"|\bis\s+an\s+example\.?$"
)


_EXAMPLE = re.compile(r"^(?:For\s+example|For\s+instance)\b|\bis\s+an\s+example\.?$")


def _antecedents(candidates: Sequence[_Sentence]) -> dict[_Sentence, _Sentence]:
    """Each sentence that refers back, with the sentence before it in its passage (none for a first one)."""
    out: dict[_Sentence, _Sentence] = {}
    previous: dict[int, _Sentence] = {}
    for c in sorted(candidates, key=lambda c: (c.number, c.position)):
        if c.number in previous and _REFERS_BACK.search(c.text):
            out[c] = previous[c.number]
        previous[c.number] = c
    return out


@dataclass
class Answer:
    lead: list[_Sentence]
    law: list[_Sentence]
    steps: list[_Sentence]
    matched: bool
    remedial: bool = False  # a "what can I do?" story: it is always told where to get help

    @property
    def sentences(self) -> list[_Sentence]:
        return self.lead + self.law + self.steps


def compose(candidates: Sequence[_Sentence], question: str, *, max_sentences: int) -> Answer:
    """Pick the lead, the supporting law and the next steps (two per passage at most, nothing repeated).

    When no sentence shares a word with the question, the top passage's opening sentences are quoted as the
    closest text, since retrieval judged it relevant, and the answer says so.
    """
    remedial = asks_remedy(asking(question))
    scores = _scores(candidates, question, _story_terms(question) if remedial else None)
    # what to do after a shop purchase is not what to do after an online one: e-commerce rights and
    # platforms' duties are ranked with the rest but not quoted in a story; a direct question that
    # neither shows buying online nor names a platform's route ("how soon must the grievance officer
    # reply?") is not sent to a platform's grievance officer (a gym's refund was told "If refused, write
    # to the platform's grievance officer"), though it may be told the e-commerce rules
    offline = remedial and not online_story(question)
    no_platform = not remedial and not online_story(question) and not sector_routes(question)
    money = amounts(question)
    antecedent = _antecedents(candidates)  # quoted only after the sentence it refers back to
    for referrer, before in antecedent.items():  # an example's words count for the rule it illustrates
        if _EXAMPLE.search(referrer.text):
            scores[before] = max(scores[before], scores[referrer])
    ranked = sorted(candidates, key=lambda c: (-scores[c], c.number, c.position))
    matching = [c for c in ranked if scores[c] > 0]
    best = scores[matching[0]] if matching else 0.0
    per_passage: Counter[int] = Counter()
    chosen: list[_Sentence] = []

    def take(
        pool: Sequence[_Sentence], limit: int, *, floor: float = 0.0, each: int = PER_PASSAGE, room: int = 0
    ) -> list[_Sentence]:
        taken: list[_Sentence] = []
        for c in pool:
            if len(taken) >= limit or len(chosen) >= max_sentences + room:
                break
            if (
                scores[c] < floor
                or per_passage[c.number] >= each
                or c in chosen
                or _repeats(c, chosen)
                or (c in antecedent and antecedent[c] not in chosen)
                or (offline and about_online_buying(c.text))
                or (no_platform and platform_route(c.text))
                # a commission that would turn the story away; the Central Authority's audit, seat, staff
                or (remedial and (wrong_forum(c.text, question, money) or (c.law and administrative(c.text))))
            ):
                continue
            taken.append(c)
            chosen.append(c)
            per_passage[c.number] += 1
        return taken

    if not matching:
        opening = sorted(
            (c for c in candidates if c.number == candidates[0].number), key=lambda c: c.position
        )
        return Answer(take(opening, 2), [], [], matched=False)
    cutoff = RELATIVE_CUTOFF * best
    remedy = _remedy_lead(candidates, scores, question, take) if remedial else []
    for number in {c.number for c in remedy}:  # the remedy takes one of its passage's two places
        per_passage[number] = 1
    pool = lead_pool([c for c in matching if not c.action], question)
    best_lead = next((c for c in pool if c not in chosen), None)
    lead = []
    figure_asked = bool(_ASKS_FOR_FIGURE.search(asking(question)))
    if (  # "It must show the country of origin ...": the answer, after the sentence it refers back to
        best_lead in antecedent
        and antecedent[best_lead] not in chosen
        and not (figure_asked and not (best_lead.figures or antecedent[best_lead].figures))
    ):  # ("A marketplace must ..."); for a question asking a figure, the two must state one
        lead = take([antecedent[best_lead], best_lead], 2)
        if best_lead not in lead:  # the sentence before it alone answers nothing: not quoted
            for c in lead:
                chosen.remove(c)
                per_passage[c.number] -= 1
            lead = []
    lead = lead or take(pool, 1) or take(matching, 1)
    if not lead:  # the remedy said all the passages had
        lead, remedy = remedy, []
    elif len(lead) == 2:  # the answer and the sentence before it: one of its passage's two places
        per_passage[lead[0].number] -= 1
    elif not lead[0].law:  # a guide's answer is read with the rest of its paragraph, when short
        lead = _with_paragraph(lead[0], matching, question, take)
        per_passage[lead[0].number] = max(per_passage[lead[0].number] - len(lead) + 1, 1)  # one place
    lead = remedy + lead  # what to do first, then the sentence on what happened to the person
    if not remedy:  # and one more plain sentence (a guide's) for the question's other words, after a
        # lead from the Act too: the law lines quote only the Act, so a guide's sentence was never quoted
        said = frozenset().union(*(c.stems for c in lead))
        rest = _scores(candidates, question, stems(question) - said)
        more = sorted(
            (c for c in matching if not c.law and not c.action and rest[c] > 0),
            # after the Act, the best ranked plain reading of the answer; after a guide, the most new words
            key=lambda c: (-(scores[c] if lead[0].law else rest[c]), c.number, c.position),
        )
        lead += take(more, 1, floor=cutoff)
    statute = [c for c in matching if c.law]
    law = take(statute, 2, floor=cutoff, each=1)  # two sections before two clauses of one
    law += take(statute, 2 - len(law), floor=cutoff)
    steps = _next_steps(candidates, question, lead + law, take)
    if remedial:
        steps += _sector_route(candidates, question, lead + law + steps, take)
        lead += _kind_of_wrong(candidates, lead + law + steps, take)
        lead += _named_kind(candidates, question, lead + law + steps, antecedent, take)
    return Answer(lead, law, steps, matched=True, remedial=remedial)


def _next_steps(
    candidates: Sequence[_Sentence],
    question: str,
    said: Sequence[_Sentence],
    take: Callable[..., list[_Sentence]],
) -> list[_Sentence]:
    """Up to two guide sentences saying what to do, ranked on the question's words.

    For a "what can I do?" story, a step's verb of doing ("get", "file", "complain") says what it tells
    the person to do, not what it is about: ranked on the asking sentence's verbs too, "Get a certified
    copy of the order" answered "how do I get my money back?" for a phone bought online. Those steps
    are ranked on the story's words (the product, the sector, the wrong, what was paid or done), the
    rarer counting more; other questions keep their verbs ("how do I file online?" asks for filing
    steps). When no step shares such a word, one step from a passage the answer cites (its guide's own
    next step) is quoted, the best ranked on the question's words. A story's step naming a sector's route
    (an ombudsman, a grievance officer) comes only from a guide naming the story's sector (`_sector_words`):
    a phone bought at a local shop was told the bank guide's "the bank's or insurer's grievance officer"."""
    every = _scores(candidates, question)
    scores = every
    if asks_remedy(asking(question)):  # "what can I do?": the story says what the steps are about
        terms = _story_terms(question) - ((asking_stems(question) & _ACTION_STEMS) | _VERDICT_WORDS)
        scores = _scores(candidates, question, terms)
    remedial = asks_remedy(asking(question))  # "If refused, write to ..." is a step of a story's remedy
    actions = [c for c in candidates if c.action or (remedial and _conditional_step(c))]
    if remedial:  # a sector's route only from a guide naming the story's sector, as `_sector_route`'s
        sector = _sector_words(candidates, _telling_words(question))
        actions = [c for c in actions if not sector_routes(c.text) or sector.get(c.number)]
        story = _story_terms(question)
        actions = [c for c in actions if not _other_sector(c, story)]
        if not story & _BUYING_STEMS:  # a service's story is not told a goods guide's "write to the seller",
            # only its steps naming the Act's forum ("File a complaint ... before the District Commission")
            actions = [c for c in actions if not c.goods or named_forum(c.text)]
    ranked = sorted(actions, key=lambda c: (-scores[c], c.number, c.position))
    steps = take([c for c in ranked if scores[c] > 0], 2)
    if steps:
        return steps
    cited = {c.number for c in said}
    fallback = sorted(
        (c for c in actions if c.number in cited), key=lambda c: (-every[c], c.number, c.position)
    )
    return take(fallback, 1)


def _other_sector(step: _Sentence, story: frozenset[str]) -> bool:
    """Whether a step is tied to a sector the story is not in: it uses sector words (learned from the
    guides, llm_connector/sector_words.py: "boarding pass", "doctor", "job sheet") the story shares none
    of, and the story uses no word of their guides. A flat's booking was told an airline guide's "keep the
    boarding pass" through "booking", a car's gearbox "get medical treatment first" through "bills"."""
    own = sector_words.homes(step.stems)
    if not own or own.keys() & story:
        return False
    return not set(own.values()) & set(sector_words.homes(story).values())


# what a story counts (its "6 months", a phone "number") says nothing of its sector: "redress it within one
# month" is an e-commerce platform's rule, not a photographer's
_COUNT_STEMS = frozenset(stem(w) for w in ("days", "weeks", "months", "years", "hours", "number"))


def _telling_words(question: str) -> frozenset[str]:
    """A story's words that can say its sector: not the asking sentence's, no verdict, no count."""
    return _story_terms(question) - asking_stems(question) - _VERDICT_WORDS - _COUNT_STEMS


def _sector_words(candidates: Sequence[_Sentence], terms: frozenset[str]) -> dict[int, float]:
    """How well each guide passage names the story's sector: the story's words it uses, each weighed by how
    few of the retrieved guides use it (log N/df), so a word every guide says ("keep the receipt", "keep
    the reference number") weighs nothing, and a word of at most half of them ("bank", "loan", "operator",
    "electricity") is a word of a sector or its service; 0 when the passage shares none such."""
    words: dict[int, set[str]] = {}
    for c in candidates:
        if not c.law:
            words.setdefault(c.number, set()).update(c.stems & terms)
    df = Counter(s for shared in words.values() for s in shared)
    rare = {s for s, n in df.items() if 2 * n <= len(words)}
    return {
        number: math.fsum(math.log(len(words) / df[s]) for s in shared) if shared & rare else 0.0
        for number, shared in words.items()
    }


def _sector_route(
    candidates: Sequence[_Sentence],
    question: str,
    said: Sequence[_Sentence],
    take: Callable[..., list[_Sentence]],
) -> list[_Sentence]:
    """For a "what can I do?" story, a retrieved guide's sentence on the sector's own route (an ombudsman, a
    grievance officer) the answer does not name yet: one more next step, beyond the sentence cap, so the
    forum, the two years and the steps stay (a fourth remedy part inside the cap cost a step). Its guide
    must name the story's sector (`_sector_words`: a mobile operator's story met a bank guide's "keep the
    reference number" only through "keep"), the guide naming it best comes first, and the story's words are
    its telling words: not the asking sentence's ("can i complain under consumer law?" met "choose the
    ombudsman or the consumer commission" of a bank guide), not its counts; a story with no sign of buying
    online is not sent to a grievance officer of a passage on e-commerce."""
    named = frozenset().union(*(sector_routes(c.text) for c in said))
    terms = _telling_words(question)
    scores = _scores(candidates, question, terms)
    sector = _sector_words(candidates, terms)
    shop = not online_story(question)
    online = {c.number for c in candidates if shop and about_online_buying(c.text)}  # its guide's passages
    routes = [
        c
        for c in candidates
        if not c.law
        and c.number not in online
        and sector_routes(c.text) - named
        and scores[c] > 0
        and sector.get(c.number)
    ]
    ranked = sorted(routes, key=lambda c: (-sector[c.number], -scores[c], c.number, c.position))
    return take(ranked, 1, room=1, each=PER_PASSAGE + 1)  # its guide may be quoted twice already


_DEFICIENCY = re.compile(r"\bdeficien", re.IGNORECASE)


def _kind_of_wrong(
    candidates: Sequence[_Sentence], said: Sequence[_Sentence], take: Callable[..., list[_Sentence]]
) -> list[_Sentence]:
    """For a "what can I do?" story whose answer never says "deficiency": a sentence naming the wrong by
    the Act's word (common.remedy.names_deficiency; retrieval brings its passage only to a story about a
    service, rag_core/kinds.py), with the sentence before it, which says what it is said of ("Most
    complaints are about services: banks, ..."); beyond the sentence cap, like the sector's route."""
    if any(_DEFICIENCY.search(c.text) for c in said):
        return []
    for c in candidates:
        if not c.law and names_deficiency(c.text):
            before = [b for b in candidates if b.number == c.number and b.position == c.position - 1]
            return take([*before, c], 2, room=2, each=PER_PASSAGE + 2)
    return []


def _named_kind(
    candidates: Sequence[_Sentence],
    question: str,
    said: Sequence[_Sentence],
    antecedent: dict[_Sentence, _Sentence],
    take: Callable[..., list[_Sentence]],
) -> list[_Sentence]:
    """For a "what can I do?" story: the sentence of a guide about a wrong the answer does not name yet
    (its title names the wrong by the Act's word: "... for medical negligence", "Misleading advertisements
    ...") that names it, when the guide's title shares the story's words (a hospital, an ad: a sentence's
    own words are often the remedy's, "refuse", "refund"); the sentence sharing most of them with its
    title, then the best ranked, with the one before it when it refers back. Beyond the sentence cap, like
    the sector's route (llm_connector/kinds.py)."""
    told = frozenset().union(*(kinds_named(c.text) for c in said))
    terms = _story_terms(question) - _VERDICT_WORDS - _ACTION_STEMS
    best: tuple[int, _Sentence] | None = None
    for c in sorted(candidates, key=lambda c: (c.number, c.position)):
        named = kinds_named(c.text)
        # a guide on a sector (its title names no wrong) is about a service when its sentence calls the
        # wrong a deficiency and nothing else ("Common deficiencies: lost, delayed or damaged baggage")
        about = kinds_named(c.title) or (
            frozenset({"deficiency"}) if named <= SERVICE_KINDS and not told else frozenset()
        )  # and only to an answer naming no wrong yet: a car's repairs under warranty have a defect
        if c.law or not c.title or not named & about - told:
            continue
        topic = stems(title_words(c.title)) & terms  # the guide is about the story: its title says so
        shared = len(topic | (c.stems & terms))
        if topic and (best is None or shared > best[0]):
            best = (shared, c)
    if best is None:
        return []
    chosen = best[1]
    pool = [antecedent[chosen], chosen] if chosen in antecedent else [chosen]
    return take(pool, len(pool), room=len(said) + len(pool), each=PER_PASSAGE + len(pool))


REMEDY_PARTS = frozenset({"forum", "limit", "relief"})
_ASKS_WHERE = re.compile(r"\bwhere\b", re.IGNORECASE)


def _remedy_lead(
    candidates: Sequence[_Sentence],
    scores: dict[_Sentence, float],
    question: str,
    take: Callable[..., list[_Sentence]],
) -> list[_Sentence]:
    """For a "what can I do?" question: the fewest sentences stating where to complain, by when and what
    the commission can order, each the best ranked of those stating the most parts still unsaid; a band
    of money holding the question's amount comes before one leaving it out (the State Commission's band
    for Rs 80 lakh). Empty when no sentence names the forum or the time limit (the forum alone for a
    "where do I file?"), so the usual lead answers instead."""
    money = amounts(question)
    exact = exact_bands(candidates, money)
    parts = {c: remedy_parts(c.text) for c in candidates if not (c.revised and bands(c.text))}

    def fit(c: _Sentence) -> int:
        return 0 if c in exact else 2 if _leaves_out(c, money) else 1

    needed = {"forum"} if _ASKS_WHERE.search(asking(question)) else {"forum", "limit"}
    if not any(p & needed for p in parts.values()):
        return []
    lead: list[_Sentence] = []
    wanted = set(REMEDY_PARTS)
    while wanted:
        pool = sorted(
            (c for c, p in parts.items() if p & wanted),
            key=lambda c: ("forum" not in parts[c] and "forum" in wanted, fit(c), not named_forum(c.text),
                           -len(parts[c] & wanted), -scores[c], c.number, c.position),
        )
        got = take(pool, 1)
        if not got:
            break
        lead += got
        wanted -= parts[got[0]]
    return lead


PARAGRAPH_SENTENCES = 3  # a guide's paragraph of at most this many sentences is quoted whole with its lead


def _with_paragraph(
    lead: _Sentence,
    matching: Sequence[_Sentence],
    question: str,
    take: Callable[..., list[_Sentence]],
) -> list[_Sentence]:
    """The lead, then the other sentences of its paragraph that add a question word, when the paragraph
    has at most PARAGRAPH_SENTENCES matching sentences and none says what to do: a guide states a rule and
    then its consequence ("An extended warranty sold for a price is a service you paid for. If the
    provider refuses valid claims, that can be a deficiency in service"), and either half alone may not
    answer. The paragraph takes one of its passage's two places."""
    mates = [c for c in matching if c.number == lead.number and c.paragraph == lead.paragraph and c != lead]
    if not mates or len(mates) + 1 > PARAGRAPH_SENTENCES or any(c.action for c in mates):
        return [lead]
    mates = [c for c in mates if (c.stems - lead.stems) & stems(question)]
    taken = take(mates, len(mates), each=PARAGRAPH_SENTENCES)
    return [lead, *sorted(taken, key=lambda c: c.position)]  # the answer first, then its paragraph


_DEFINITION_TITLE = re.compile(r"^Definitions?:\s*(.+)$")


def defined_term(sentence: str, title: str) -> str:
    """The term a quoted clause of a definition section defines, when the clause does not say it: a list
    item quoted alone ("(vii) not issuing bill or cash memo or receipt ...") does not tell the reader that
    section 2(47) calls it an "unfair trade practice"; its passage's title ("Definitions: “unfair trade
    practice”") does. Empty when the clause names its term or the passage defines nothing."""
    m = _DEFINITION_TITLE.match(title)
    if not m:
        return ""
    term = m.group(1).strip()
    bare = term.strip("“”\"' ")
    return "" if not bare or bare.lower() in sentence.lower() else term


def _quoted(sentence: _Sentence, passages: Sequence[Passage]) -> str:
    if not sentence.law:
        return f"{sentence.text} [{sentence.number}]"
    passage = passages[sentence.number - 1]
    where = f"Section {passage.section}" if passage.section else passage.title or "The Act"
    term = defined_term(sentence.text, passage.title)
    where += f" ({term})" if term else ""
    return f'{where}: "{sentence.text}" [{sentence.number}]'


def _revised_limits_apply(answer: Answer) -> bool:
    """A quoted sentence of sections 34, 47 or 58 states the Act's original money limits."""
    return any(c.revised and "crore" in c.text.lower() for c in answer.law + answer.lead)


def render(answer: Answer, passages: Sequence[Passage]) -> str:
    lines: list[str] = []
    if not answer.matched:
        lines += ["I found no sentence that answers this directly. The closest passage says:", ""]
        lines += [f"- {_quoted(c, passages)}" for c in answer.lead]
    else:
        lines.append(" ".join(_quoted(c, passages) for c in answer.lead))
        if answer.law:
            lines += ["", "What the law says:"] + [f"- {_quoted(c, passages)}" for c in answer.law]
    if _revised_limits_apply(answer):
        lines += ["", REVISED_LIMITS]
    lines += ["", "What you can do next:"]
    steps = [f"- {_quoted(c, passages)}" for c in answer.steps]
    if not steps or (answer.remedial and not any("1915" in c.text for c in answer.sentences)):
        steps.append(f"- {HELPLINE}")  # a story's next step when no quoted sentence gives the helpline
    lines += steps
    numbers = list(dict.fromkeys(c.number for c in answer.sentences))
    lines += [
        "",
        "Sources: " + "; ".join(f"[{n}] {source_label(passages[n - 1])}" for n in numbers) + ".",
        DISCLAIMER,
    ]
    return "\n".join(lines)


class ExtractiveProvider:
    """Answers from the passages' own sentences; useful with no cloud account and never invents facts."""

    name = "extractive"
    model = "extractive"

    def __init__(self, *, max_sentences: int = 6) -> None:
        self.max_sentences = max_sentences

    def complete(self, prompt: GroundedPrompt) -> Completion:
        passages = prompt.passages
        question = prompt.query.redacted_question
        candidates = candidate_sentences(passages, prompt.system_prompt, question=question)
        answer = compose(candidates, question, max_sentences=self.max_sentences)
        if not answer.sentences:  # every sentence was too short or hostile: say so rather than quote nothing
            return Completion(text=NO_CONTEXT_ANSWER, answered=False)
        return Completion(text=render(answer, passages), answered=True)

    def stream(
        self, prompt: GroundedPrompt, *, on_text: Callable[[str], None], cancelled: Callable[[], bool]
    ) -> Completion:
        """The same answer, one sentence (or line) at a time: it is composed at once, so this only lets
        the person read while the rest arrives."""
        completion = self.complete(prompt)
        for piece in _PIECES.split(completion.text):
            if cancelled():
                raise withdrawn()
            if piece:
                on_text(piece)
        return completion


# after a line break, and after a quoted sentence's marker: "... [2] Section 35: ..."
_PIECES = re.compile(r"(?<=\n)|(?<=\] )")
