"""`python -m bench.pii_quality`: identifier recall, facts kept and latency of three redactors, side by side.

(a) a naive regex filter, (b) stock Presidio (default recognizers, every entity replaced), (c) ours,
on the dev and held-out splits of bench.pii_dataset. Prints a table and writes it into
docs/benchmarks.md under "## PII redaction quality".
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bench.pii_dataset import Example, Identifier, generate

RedactFn = Callable[[str], str]
WINDOW = 6
_SEPARATORS = r"[\s,\-./:]*"
DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADING = "## PII redaction quality"
HANDWRITTEN_HEADING = "## PII redaction on hand-written questions"
HANDWRITTEN = {
    "hand-written": Path(__file__).resolve().parent / "pii_adversarial.yaml",
    "hand-written held-out": Path(__file__).resolve().parent / "pii_adversarial_heldout.yaml",
    "hand-written batch 2": Path(__file__).resolve().parent / "pii_adversarial_batch2.yaml",
    "hand-written batch 3": Path(__file__).resolve().parent / "pii_adversarial_batch3.yaml",
    "hand-written batch 4": Path(__file__).resolve().parent / "pii_adversarial_batch4.yaml",
    "hand-written batch 5": Path(__file__).resolve().parent / "pii_adversarial_batch5.yaml",
    "hand-written batch 6": Path(__file__).resolve().parent / "pii_adversarial_batch6.yaml",
    "hand-written batch 7": Path(__file__).resolve().parent / "pii_adversarial_batch7.yaml",
    "hand-written batch 8": Path(__file__).resolve().parent / "pii_adversarial_batch8.yaml",
    "hand-written batch 9": Path(__file__).resolve().parent / "pii_adversarial_batch9.yaml",
}


def load_handwritten(path: Path) -> list[Example]:
    """The hand-written sets: each value must occur in its text (found by position, first match)."""
    import yaml

    examples = []
    for case in yaml.safe_load(path.read_text(encoding="utf-8")):
        text = case["text"]
        example = Example(text=text, facts=[str(f) for f in case.get("facts") or []])
        for kind, values in (case.get("pii") or {}).items():
            for value in map(str, values):
                start = text.find(value)
                if start < 0:
                    raise ValueError(f"{path.name}: {value!r} is not in {text!r}")
                example.identifiers.append(Identifier(kind, value, start, start + len(value)))
        missing = [fact for fact in example.facts if fact not in text]
        if missing:
            raise ValueError(f"{path.name}: facts {missing!r} are not in {text!r}")
        examples.append(example)
    return examples


_AT = re.compile(r"\s*(?:@|\[at\]|\(at\)|\sat the rate\s|\sat\s)\s*", re.IGNORECASE)
# words that join a value's parts without being any of it: "98710 and then 34562", "ramesh dot iyer"
_FILLER_WORDS = frozenset(
    re.split(r"\s+", "and then or the at rate dot is my no number followed by aur phir next underscore")
)
# words that say what kind of place a piece of an address is, not whose: alone they identify nobody
_ADDRESS_KIND_WORDS = frozenset(
    """flat no house plot sector phase block wing floor road rd street st lane cross main marg colony
    society apartment apartments apts residency near nr opp opposite behind beside next front village
    vill post po dist distt district taluk taluka tehsil chs old new tower towers building bldg gali
    mohalla ward door survey temple school church masjid mosque mandir hospital station bus stand market
    chowk circle park garden gardens layout extension extn stage enclave nagar vihar bagh puram halli
    complex heights estate ground first second third room shop quarter qtr bungalow villa east west north
    south petrol pump atm bank office mall lake hills sadan bhavan niwas avenue ring feet cooperative
    housing road city town number makaan makan ghar""".split()  # noqa: SIM905 (a word list reads better as text)
)
# a run of digits this long identifies by itself (a card's or Aadhaar's last four, printed for
# sharing, do not)
_DIGIT_TOKEN = 5


def _occurrences(token: str, text: str) -> int:
    return len(re.findall(rf"(?<![^\W_]){re.escape(token)}(?![^\W_])", text, re.IGNORECASE))


def _identifying_tokens(identifier: Identifier) -> list[str]:
    """The parts of a value that point at someone when they survive alone: a run of digits (five or
    more; two or more in an address, whose house numbers are short); in an address any word that
    does not just name a kind of place; in the part before the @ of an email or UPI id, and in a
    handle, any word that is not a filler."""
    from spacy.lang.en.stop_words import STOP_WORDS

    value = identifier.value
    if identifier.type in ("EMAIL", "UPI_ID"):
        value = _AT.split(value)[0]
    tokens = re.findall(r"[^\W_]+", value)
    found = []
    for token in tokens:
        folded = token.casefold()
        digits = sum(c.isdigit() for c in token)
        if digits:
            if digits >= (2 if identifier.type == "ADDRESS" else _DIGIT_TOKEN):
                found.append(token)
        elif identifier.type == "ADDRESS":
            if len(token) >= 3 and folded not in _ADDRESS_KIND_WORDS and folded not in STOP_WORDS:
                found.append(token)
        elif (
            identifier.type in ("EMAIL", "UPI_ID", "SOCIAL_HANDLE")
            and len(token) >= 3
            and folded not in _FILLER_WORDS
            and folded not in STOP_WORDS
        ):
            found.append(token)
    return found


def leaked(identifier: Identifier, redacted: str, text: str = "") -> bool:
    """Any recognisable part survives, in any written form (both sides read through the gateway's
    normalisation): a token of a name, a comma-separated piece of an address ("Sai Residency",
    "Door No. 400"), WINDOW consecutive characters of any other identifier (filler words such as
    "and then" left out), or any identifying token of it (_identifying_tokens) found in the redacted
    text more often than in the rest of the question (`text`, when given, so that a house number
    that is also an amount elsewhere is not a leak)."""
    from pii_filter.redaction.normalise import normalise

    value = normalise(identifier.value).text
    identifier = Identifier(identifier.type, value, identifier.start, identifier.end)
    redacted = normalise(redacted).text
    if identifier.type == "PERSON":
        tokens = [t.strip(".") for t in identifier.value.split() if len(t.strip(".")) >= 2]
        return any(re.search(rf"(?<![\w]){re.escape(t)}(?![\w])", redacted, re.IGNORECASE) for t in tokens)
    outside = ""
    if text:
        outside = normalise(text[: identifier.start] + " " + text[identifier.end :]).text
    for token in _identifying_tokens(identifier):
        if _occurrences(token, redacted) > _occurrences(token, outside):
            return True
    if identifier.type == "ADDRESS":
        pieces = [p.strip() for p in identifier.value.split(",") if len(p.strip()) >= 4]
        return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", redacted, re.IGNORECASE) for p in pieces)
    personal = identifier.value
    if identifier.type in ("EMAIL", "UPI_ID"):
        personal = _AT.split(personal)[0]  # the provider ("gmail.com", "okhdfcbank") identifies nobody
    kept_words = [word for word in re.findall(r"[^\W_]+", personal) if word.casefold() not in _FILLER_WORDS]
    compact = "".join(kept_words)
    size = min(WINDOW, len(compact))
    for i in range(len(compact) - size + 1):
        pattern = _SEPARATORS.join(re.escape(c) for c in compact[i : i + size])
        if re.search(pattern, redacted, re.IGNORECASE):
            return True
    return False


@dataclass
class Score:
    """Counts for one redactor on one split."""

    found: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    total: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    facts_kept: int = 0
    facts_total: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)

    def add(self, example: Example, redacted: str, elapsed_ms: float, cpu_ms: float = 0.0) -> None:
        for identifier in example.identifiers:
            self.total[identifier.type] += 1
            self.found[identifier.type] += not leaked(identifier, redacted, example.text)
        self.facts_total += len(example.facts)
        self.facts_kept += sum(fact in redacted for fact in example.facts)
        self.latencies_ms.append(elapsed_ms)
        self.cpu_ms.append(cpu_ms)

    def recall(self, kind: str) -> float:
        return self.found[kind] / self.total[kind] if self.total[kind] else float("nan")

    def overall_recall(self) -> float:
        return sum(self.found.values()) / max(1, sum(self.total.values()))

    def facts(self) -> float:
        return self.facts_kept / max(1, self.facts_total)

    def percentile(self, q: float, *, cpu: bool = False) -> float:
        ordered = sorted(self.cpu_ms if cpu else self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def configured_spacy_model() -> str:
    """The gateway's SPACY_MODEL setting (its default when unset), as the gateway resolves it."""
    from pii_filter.redaction.engine import resolve_spacy_model
    from pii_filter.settings import GatewaySettings

    return resolve_spacy_model(GatewaySettings(auth_disabled=True).spacy_model)


def naive_redactor() -> RedactFn:
    """Names as two capitalised words, email, US-style phone."""
    patterns = [
        re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b"),
        re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b"),
        re.compile(r"\(?\b\d{3}\)?[-.\s]?\d{3}[-.\s]?\d{4}\b"),
    ]

    def redact(text: str) -> str:
        for pattern in patterns:
            text = pattern.sub("<REDACTED>", text)
        return text

    return redact


def stock_presidio_redactor(spacy_model: str) -> RedactFn:
    """Presidio as shipped: default recognizers and NLP settings (model swapped for the installed one)."""
    import yaml
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from pii_filter.redaction.engine import resolve_spacy_model, use_bundled_suffix_list

    use_bundled_suffix_list()
    spacy_model = resolve_spacy_model(spacy_model)
    conf_dir = Path(__import__("presidio_analyzer").__file__).parent / "conf"
    nlp_configuration = yaml.safe_load((conf_dir / "default.yaml").read_text())
    for model in nlp_configuration["models"]:
        model["model_name"] = spacy_model
    analyzer = AnalyzerEngine(
        nlp_engine=NlpEngineProvider(nlp_configuration=nlp_configuration).create_engine()
    )

    def redact(text: str) -> str:
        results = sorted(analyzer.analyze(text=text, language="en"), key=lambda r: (r.start, -r.end))
        pieces, cursor = [], 0
        for result in results:
            if result.start < cursor:
                cursor = max(cursor, result.end) if result.end > cursor else cursor
                continue
            pieces += [text[cursor : result.start], f"<{result.entity_type}>"]
            cursor = result.end
        return "".join([*pieces, text[cursor:]])

    return redact


def our_redactor(spacy_model: str) -> RedactFn:
    from pii_filter.redaction import Redactor
    from pii_filter.redaction.engine import load_analyzer
    from pii_filter.redaction.lexicon import load_lexicon

    redactor = Redactor(
        analyzer=load_analyzer(config_path="", spacy_model=spacy_model), lexicon=load_lexicon()
    )
    return lambda text: redactor.redact(text).redacted


def evaluate(systems: dict[str, RedactFn], examples: list[Example]) -> dict[str, Score]:
    """Each question goes through every system in turn, so machine noise hits all of them alike."""
    for redact in systems.values():
        for example in examples[:20]:
            redact(example.text)  # warm-up
    scores = {name: Score() for name in systems}
    for example in examples:
        for name, redact in systems.items():
            started, started_cpu = time.perf_counter(), time.thread_time()
            redacted = redact(example.text)
            elapsed_cpu = (time.thread_time() - started_cpu) * 1000
            scores[name].add(example, redacted, (time.perf_counter() - started) * 1000, elapsed_cpu)
    return scores


def machine() -> str:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor() or "unknown CPU",
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    return f"{os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), {cpu}"


def table(splits: dict[str, dict[str, Score]]) -> str:
    names = list(next(iter(splits.values())))
    header = ["metric"] + [f"{name} ({split})" for split in splits for name in names]
    types = sorted({kind for scores in splits.values() for score in scores.values() for kind in score.total})
    rows = []
    for kind in types:
        counts = "/".join(str(scores[names[0]].total.get(kind, 0)) for scores in splits.values())
        rows.append(
            [f"recall {kind} (n={counts})"]
            + [f"{splits[split][name].recall(kind):.3f}" for split in splits for name in names]
        )
    rows.append(
        ["recall, all identifiers"] + [f"{splits[s][n].overall_recall():.3f}" for s in splits for n in names]
    )
    rows.append(["facts kept"] + [f"{splits[s][n].facts():.3f}" for s in splits for n in names])
    rows.append(
        ["p50 ms / question"] + [f"{splits[s][n].percentile(0.5):.1f}" for s in splits for n in names]
    )
    rows.append(
        ["p95 ms / question"] + [f"{splits[s][n].percentile(0.95):.1f}" for s in splits for n in names]
    )
    rows.append(
        ["p50 CPU ms / question"]
        + [f"{splits[s][n].percentile(0.5, cpu=True):.1f}" for s in splits for n in names]
    )
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def write_doc(section: str, *, heading: str = HEADING) -> None:
    """Replace (or append) our section of docs/benchmarks.md, leaving other sections alone."""
    existing = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(existing):
        updated = pattern.sub(lambda _: section, existing)
    else:
        updated = existing.rstrip("\n") + "\n\n" + section
    DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
    DOC_PATH.write_text(updated, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=400, help="questions per split")
    parser.add_argument("--dev-seed", type=int, default=11)
    parser.add_argument("--heldout-seed", type=int, default=12)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--adversarial", action="store_true", help="score the hand-written sets instead")
    args = parser.parse_args()
    spacy_model = configured_spacy_model()
    if args.adversarial:
        handwritten(spacy_model, write=not args.no_write)
        return
    systems = {
        "naive": naive_redactor(),
        "stock": stock_presidio_redactor(spacy_model),
        "ours": our_redactor(spacy_model),
    }
    splits = {
        "dev": evaluate(systems, generate(count=args.count, seed=args.dev_seed, split="dev")),
        "held-out": evaluate(systems, generate(count=args.count, seed=args.heldout_seed, split="heldout")),
    }
    result = table(splits)
    print(result)
    section = (
        f"{HEADING}\n\n"
        f"Measured {date.today().isoformat()} on {machine()}; spaCy model `{spacy_model}`; "
        f"{args.count} generated questions per split (`python -m bench.pii_quality`, "
        f"dev seed {args.dev_seed}, "
        f"held-out seed {args.heldout_seed}; held-out uses other phrasings, names and small sellers).\n"
        "Recall: share of identifiers of which no recognisable part survives (any token of a name; any "
        "comma-separated piece of a street address; any "
        f"{WINDOW} consecutive characters of other identifiers, of the part before the @ for email and UPI, "
        "separators and filler words such as 'and then' ignored; any identifying token found in the "
        f"redacted text more often than in the rest of the question: a run of {_DIGIT_TOKEN} or more digits "
        "(2 or more in an address), a word of an address that does not just name a kind of place "
        "('loco' and 'shed' of 'opp. loco shed', not 'opp.'), a word of an email's, UPI id's or handle's "
        "personal part). Facts kept: share of "
        "must-keep values (amount, date/duration, seller, product, city, state) still present verbatim.\n"
        "Systems: naive = regexes for two capitalised words, email, US-style phone; stock = Presidio "
        "defaults, every entity replaced; ours = `pii_filter.redaction` (the gateway's configuration).\n"
        "Latency is wall time per question with every system run on the same question in turn (CPU ms: "
        "the redacting thread's CPU time, which other sessions' load on the shared cores inflates far "
        "less); load "
        f"average at the end of the run: {os.getloadavg()[0]:.1f} on a shared machine, so compare columns, "
        "not runs.\n"
        "Honesty note: the held-out pools (phrasings, names, small sellers) were inspected once, on seed 2, "
        "and the generic causes of the misses found there were fixed (whole-word context words, PAN shape, "
        "brand-model and lowercase false persons, post-name cues such as 'X here', more surnames in the "
        "lexicon). The seeds reported here were not inspected, but share those pools, so the held-out "
        "figure is optimistic for names outside the lexicon and wording unlike both pools.\n"
        "Changed on 2026-12-01: the phone recognizer now uses only the region analyzer.yaml names (IN); "
        "Presidio's configuration model had dropped it, leaving eight countries' numbering plans. Same "
        "recall and facts kept on both splits; ours/stock p50 went from 0.60/0.57 to 0.48/0.49 in the "
        "same hour (stock keeps the eight). The context words analyzer.yaml gives the Indian recognizers are "
        "now applied too (they were also dropped): no change in any figure on these splits.\n"
        "Changed on 2026-12-02 (issue 15: names in any case and script, disguised identifiers, handles, "
        "streets without a PIN code): same recall and facts kept on both splits; a spaced PAN's letters "
        "may no longer be an English word ('1 March 2024 I' had been removed as a PAN); the CPU row is "
        "new. Ours/stock p50 7.3/13.1 ms wall (7.2/13.0 CPU) at a load average of 2, against 8.7/17.8 ms "
        "wall before on a quiet machine: ours costs about 12 % more next to stock (ratio 0.56 vs 0.49) "
        "for the new recognizers and the name checks.\n"
        "Changed on 2026-12-02 (issue 15, batch 5): the leak check also counts identifying tokens (above); "
        "until then part of an address piece could survive and count as removed, and 'and the' of the "
        "text counted as a leak of '98710 and then 34562'. Ours unchanged on both splits (before and "
        "after the batch 5 redaction rules); stock's ADDRESS recall went from 0.138 / 0.116 to 0.032 / "
        "0.021 and naive's from 0.202 / 0.189 to 0.000 / 0.000 (they left house numbers and street names "
        "behind), overall stock 0.675 / 0.664 to 0.668 / 0.658. Wall times of this run were taken at a "
        "load average of 8 to 10 (other sessions); compare the CPU row.\n\n"
        f"{result}\n\n"
    )
    if not args.no_write:
        write_doc(section)


def handwritten(spacy_model: str, *, write: bool) -> None:
    """Stock Presidio and ours on the hand-written sets (bench/pii_adversarial*.yaml)."""
    systems = {"stock": stock_presidio_redactor(spacy_model), "ours": our_redactor(spacy_model)}
    splits = {name: evaluate(systems, load_handwritten(path)) for name, path in HANDWRITTEN.items()}
    result = table(splits)
    print(result)
    counts = ", ".join(f"{name} {len(load_handwritten(p))} questions" for name, p in HANDWRITTEN.items())
    section = (
        f"{HANDWRITTEN_HEADING}\n\n"
        f"Measured {date.today().isoformat()} on {machine()}; spaCy model `{spacy_model}`; {counts} "
        "(`python -m bench.pii_quality --adversarial`). Written by hand in the ways people type (lowercase "
        "and ALL CAPS, Hinglish and Hindi, signatures and initials, disguised emails and phone numbers, "
        "invisible characters, other scripts' digits, odd separators, social handles, bare PIN codes, "
        "brands named after people), not by the generator's templates. The held-out set is never tuned "
        "on. Same recall and facts rules as above; both sides of the leak check are read through the "
        "gateway's normalisation, so a value written with invisible characters or other digits counts "
        "as leaked when any form of it survives. Targets (issue 15): recall >= 0.99 for every type, facts "
        f"kept >= 0.97, p50 <= 15 ms. Load average at the end: {os.getloadavg()[0]:.1f} on 2 shared cores "
        "(wall times grow with it; the CPU row much less).\n"
        "What closed the gap (2026-12-02): names in any case and in Devanagari from cues and the lexicon "
        "(lowercase and ALL CAPS words judged by wordfreq's English frequency: a listed name, or a word "
        "English rarely uses), Hinglish and Hindi cues, sign-off lines and trades ('the electrician "
        "shravan'); disguised emails, spaced UPI ids and numbers in words rewritten in the analysis copy "
        "(pii_filter/redaction/disguises.py); social handles; street addresses without a PIN code; more "
        "brands named after people in the lexicon. Before: ours 0.615 / 0.581 recall overall (PERSON "
        "0.595 / 0.556, ADDRESS 0.250 / 0.250, EMAIL 0.385 / 0.333), facts kept 0.967 / 0.905, p50 12.2 / "
        "8.8 ms beside stock's 23.0 / 20.1 ms. The held-out set was not looked at while fixing; the "
        "sentences of tests/pii_filter/test_redaction_messy_input.py were written afterwards in the same "
        "styles (50 cases, all pass), a second check of generalisation. Batch 2 (40 questions, new "
        "sentences, names and sellers, written after those fixes): first score PERSON 0.947 (18/19, 'my "
        "grandson aryan' after a weak cue), every other type and facts kept 1.000, after two mis-written "
        "cases were corrected (an Aadhaar with a wrong check digit; a kept fact holding the name); then "
        "relations and honorifics became strong cues (a word after them is a name unless it is "
        "everyday English) and it scores as below. Batch 3 (25 questions, other sign-offs, cue words and "
        "number forms), first score: PERSON 0.929 (13/14, 'naam hai pooja'), PHONE 0.800 (4/5, 'ninety "
        "eight forty five ...'), facts kept 0.958 ('Karol Bagh' taken for a person); then 'naam hai' "
        "became a cue, tens words read as digits, and a person's span ending in a locality word (Bagh, "
        "Vihar, Nagar excepted) dropped. Batch 4 (72 questions, written before reading the recognizers: "
        "names that are English words such as Hope, Joy, Rose, Prince, Happy; initials; signatures; "
        "'double eight' and landline numbers; 'at the rate' emails; driving licences; dates of birth; "
        "Bharat-series vehicle numbers; rural addresses and landmarks; profile links; brands named after "
        "people; order, booking and PNR numbers and IFSC codes are neither personal nor required facts, "
        "as in the other sets), first score on 2026-12-02 before any change: recall 0.826 overall, "
        "PERSON 0.885 (23/26: 'the delivery boy joy', 'mrs rose d'souza', 'happy singh'), PHONE 0.875 "
        "(14/16: '98710 and then 34562'), ADDRESS 0.857 (6/7: 'H.No. 1-2-34/5, near hanuman temple, "
        "kukatpally'), IN_PIN_CODE 0.857 (6/7: after a town nobody listed), EMAIL 0.800 (4/5: 'gmail . "
        "com'), SOCIAL_HANDLE 0.500 (2/4: profile links), IN_VEHICLE_REGISTRATION 0.667 (2/3: Bharat "
        "series), DATE_OF_BIRTH 0.000 and IN_DRIVING_LICENCE 0.000 (0/2 each: no recognizer), every "
        "other type 1.000; facts kept 0.957 (Johnson's, Anand Rathi, Naukri taken for people; a district "
        "swallowed by an address); p50 4.2 ms beside stock's 7.8 ms. Then, each rule checked on the other "
        "sets and the generated splits (unchanged): recognizers for driving licences and for a date right "
        "after a birth cue (other dates stay); the Bharat series; profile links (the handle goes, the site "
        "stays); a name that is also an English word counts after a strong cue, an honorific, a relation "
        "or a trade, or beside a listed surname; a landmark piece ('near ...', 'opp. ...') continues an "
        "address, a district piece ends it and stays, and so does a Capitalised word English rarely uses "
        "right before a PIN (the town); '-pally' is no English ending; spaced dots in emails; two digit "
        "groups joined by 'and then' after a phone word; a listed brand written with its 's; 'listed at "
        "flipkart.com' is not an email; more brands named after people in the lexicon. "
        "tests/pii_filter/test_redaction_forms_batch4.py tries the same forms in sentences written after "
        "those fixes (38 cases, all passed on their first run); probing more forms then found three "
        "gaps the sets do not hold, closed the same way and tested there (10 more cases): an email "
        "with only the provider ('rahul_k at gmail'), a city written without a comma before the PIN (it "
        "had gone with the street), Hinglish relations as name cues ('meri beti tanvi'). Cost of the "
        "batch 4 rules: p50 CPU ms per question over all 355 hand-written questions (best of 3 each), "
        "the trees before and after run in turn five times each in the same hour at a load average of "
        "2 to 5: median 2.59 before (runs 2.33 to 2.93), 2.93 after (2.46 to 3.43), perhaps 10 % more, "
        "within a shared machine's noise. Still missed in those probes: a name that is also an English "
        "word with no cue at all ('Prince called me from the bank', 'sunny took the money'). The sets "
        "are small (97, 18, 19, 14, 26 and 44 "
        "names; two or fewer of several types): a recall of 1.000 means no miss among them, not none in "
        "general.\n"
        "Batch 5 (2026-12-02, 70 questions, written before reading the recognizers or the other batches' "
        "questions, from this section and one file's header only: names from every region and community "
        "(Tamil initials first, Bengali, Punjabi, Marathi, Malayali Christian, Muslim, Parsi, Mizo, Meitei, "
        "Sikkimese), single names, 'From:' and forwarded headers, 'name -' forms, sign-offs and closing "
        "dashes, STD landlines, spaced and dashed mobiles, obfuscated emails, flat, plot, sector, phase and "
        "block addresses, villages with post and district, c/o, s/o, w/o, UPI, bank, cards, DOB, handles, "
        "vehicles; a seller's toll-free number is a fact to keep, a masked Aadhaar ('XXXX XXXX 5678') and a "
        "card's last four are neither personal nor required), first score before any change: recall 0.951 "
        "(97/102): PERSON 0.932 (41/44: 'Sender: V. S. Achuthan Nair', which spaCy ran into the next "
        "line and dropped; '... - Zubin' closing the message; 'Thanks,\\nAjmal', a listed perfume brand), "
        "ADDRESS 0.778 (7/9: 'Village Bhikhanpur, Post Sonbarsa' before 'Dist.', read as a sentence end; "
        "'20/B, Gulmohar Park Society'), every other type 1.000 (PHONE 16, EMAIL 6, IN_PIN_CODE 6, "
        "CARD, DATE_OF_BIRTH, IN_VEHICLE_REGISTRATION 3 each, two or fewer of the rest); facts kept 0.954 "
        "(144/151: a shop's landline taken for a street address with 'has been dead for 40 days, MTNL'; "
        "Samsung's 1800 number removed as a phone; Panchkula swallowed by an address; Instagram and Bosch "
        "taken for people; Thiruvalla, the town under a signature, run into the name). Then, each rule "
        "checked on the other sets and the generated splits (unchanged): labelled lines ('Sender:', "
        "'Complainant -', 'Patient:') are name cues; a name after a dash that ends the message; a line of "
        "Capitalised words under a sign-off is a signature (a listed name even when a brand shares it, but "
        "not a listed brand, shop or place alone: 'Regards,\\nCroma' stays); a spaCy name is cut at a line "
        "break; no sentence break after 'Dist.' or 'Extn.'; house numbers such as '20/B'; a house or shop "
        "number is not the start of a phone number; a 1800 or 1860 number is a seller's line, not personal; "
        "the lexicon gained 284 towns and districts, 57 platforms, banks, airlines and brands, "
        "and 101 given names and surnames from the communities above (names that are also common words or "
        "places, such as Hassan, Vaishali and Kalyan, kept out of the places). Then recall 1.000 and facts "
        "kept 1.000 (tuned on it now, so no longer a generalisation figure); "
        "tests/pii_filter/test_redaction_forms_batch5.py tries the same forms in sentences written after "
        "those fixes (21 cases, all passed on their first run). The leak check changed the same day: a "
        "value also counts as leaked when any identifying token survives (see the generated section: digit "
        "runs, address words that do not only name a kind of place, the words of an email's, UPI id's or "
        "handle's personal part, each counted only beyond its occurrences elsewhere in the question), and "
        "filler words ('and then', 'dot') are left out of the character windows. Ours scores the same on "
        "every set under both checks, before and after the batch 5 rules; stock drops on four sets "
        "(hand-written 101 -> 98 of 182: handles and an email with '_' that the windows could not see; "
        "batch 2 19 -> 17 of 43; batch 4 49 -> 48 of 86 and batch 5 68 -> 66 of 102: house numbers and "
        "street names left beside its placeholders), held-out and batch 3 unchanged. Cost of the batch 5 "
        "rules: p50 CPU ms per question over all 425 hand-written questions (best of 3 each), the trees "
        "before and after run in turn three times each at a load average of 9 to 10: 4.65, 4.12, 5.04 "
        "before, 4.71, 4.58, 4.27 after (medians 4.65 and 4.58), no measurable change. Still missed in "
        "probes after the fixes: a locality written after a closing dash is taken for a name ('I live in "
        "Pune - Baner'), and a district written after its name ('Udupi dist 576201') goes with the "
        "address.\n"
        "Batch 6 (2026-12-03, 85 questions, written before reading the recognizers or the other batches' "
        "questions, from this section and batch 5's header only: WhatsApp exports with timestamps, email "
        "signatures with designations, two people in one sentence, names followed by a relation ('Meena, "
        "my sister-in-law') or in the middle of Hinglish sentences, names with no cue, a locality after a "
        "closing dash, districts written after their names, near / behind / opp, H.No, Door No and Ward No "
        "addresses, apartments and gated communities, numbers in words, +91 with brackets, 'wa' numbers "
        "and wa.me links, '[at]' and 'dot' emails, UPI ids with bank handles, a lowercase PAN, Aadhaar, "
        "passport, voter id, vehicle numbers, a driving licence, bank accounts beside IFSC codes, cards, "
        "DOB; conventions as in batch 5, and a locality or city alone is a fact), first score before any "
        "change, after one mis-written case was corrected (an Aadhaar whose check digit the generator had "
        "computed with a mistyped Verhoeff table): recall 0.948 (92/97): PERSON 0.892 (33/37: 'Prince "
        "called me from the bank', 'Rose from the Bajaj Allianz office told me', 'Honey picked up the "
        "parcel', English words with no cue; 'Shruti ka phone number', a name nobody listed), ADDRESS "
        "0.909 (10/11: 'Tower 6' left before 'Flat 1103, Supertech Capetown'), every other type 1.000 "
        "(PHONE 15, EMAIL 6, IN_PIN_CODE 6, UPI_ID 5, IN_AADHAAR and IN_VEHICLE_REGISTRATION 3 each, two "
        "or fewer of the rest); facts kept 0.941 (193/205: Kolte Patil, Max Life, Rajdhani, Schengen and "
        "the branch in 'ICICI Wakad branch' taken for people; Udupi, Bhimavaram, West Godavari, "
        "Kothamangalam and Ernakulam swallowed by addresses ending 'X dist PIN'; Bellandur and Miyapur, "
        "a locality after the building, swallowed too); stock 0.505 and 0.678. Of the forms batch 5's "
        "probes still missed, 'I live in Pune - Baner' already kept Baner; 'Udupi dist' lost Udupi. Then, "
        "each rule checked on the other sets and the generated splits (unchanged): a district written "
        "after its name ends an address and stays, and spaCy's person right before 'dist' or 'district' "
        "is the district ('Krishna district'); a tower, building or bldg number starts an address; a "
        "listed name that is also an English word, Capitalised or opening a sentence, is a person when a "
        "verb of what people do follows ('called', 'told', 'picked', 'took', ...) or 'from the ... bank, "
        "office, branch, store ...' (months excluded); the lexicon gained insurers, trains, builders "
        "(none that is a surname or given name alone), visa services and bank short names (a Capitalised "
        "word after a listed brand is no person, so 'ICICI Wakad branch' keeps Wakad), 40 common given "
        "names and 38 towns of Kerala, Andhra Pradesh and coastal Karnataka. Then recall 1.000 (97/97) "
        "and facts kept 0.990 (203/205); tests/pii_filter/test_redaction_forms_batch6.py tries the same "
        "forms in sentences written after those fixes (25 cases, 10 of them fail on the tree before); "
        "writing them found one more gap, closed with the district rule (spaCy took 'Uttara Kannada' and "
        "'Krishna' before 'dist' for people). Cost of the batch 6 rules: p50 CPU ms per question over all "
        "510 hand-written questions (best of 3 each), the trees before and after run in turn three times "
        "each at a load average of 2 to 5: 4.62, 4.53, 4.78 before, 4.26, 4.38, 4.99 after (medians 4.62 "
        "and 4.38), no measurable change. Still missed: a locality after the building with no city or PIN "
        "after it goes with the address ('villa 38, Adarsh Palm Retreat, Bellandur'; batch 5 counts "
        "Kothrud in 'Shanti Kunj CHS, Kothrud, Pune' as part of the address, and no rule tells the two "
        "apart without a list of localities); in probes, an English-word name with neither a cue nor a "
        "person's verb after it ('ask Honey about it', 'gave the cheque to Lucky', \"Prince's number\"), "
        "and such a word before a person's verb is taken for a name even when it is none ('Joy came from "
        "nowhere').\n"
        "Batch 7 (2026-12-04, 43 questions, written after reading the person-name recognizers and "
        "batch 6's notes, so less blind than batches 5 and 6: a locality after a flat, house or "
        "society with no city or PIN after it; names that are English words in a person's context "
        "with no cue; the same words used as ordinary words, listed as facts; Hinglish), first score "
        "on main before any change: recall 0.750 (27/36): PERSON 0.357 (5/14: 'to Lucky at the Hero "
        "showroom', 'Rocky, the delivery boy', \"Sunny's number\", 'Hope and her husband', 'Lucky "
        "bhaiya', 'paid Honey ₹2,500', 'Prince ka number', 'Contact Dolly on', 'Grace, a "
        "neighbour,'), ADDRESS, IN_PIN_CODE and PHONE 1.000 (17, 4, 1); facts kept 0.816 (71/87: ten "
        "localities swallowed by the address before them, such as Bellandur, Miyapur, Whitefield and "
        "Goregaon East; CIDCO and Delhivery, the subject of the clause after a dash, swallowed with "
        "them; Lajpat Nagar taken for a person ('Nagar sold'); Joy, Honey and Sunny as ordinary words "
        "taken for people: 'Joy came from nowhere', 'Honey sold by Dabur', 'Sunny days are gone'); "
        "stock 0.306 and 0.632. Then, each rule checked on the other sets and the generated splits "
        "(unchanged): a name that is also an English word, Capitalised and standing alone (no "
        "Capitalised word right before or after it), is a person after a verb that takes a person as "
        "object ('to', 'with', 'paid', 'gave', 'contact' ...) unless a lowercase noun follows ('with "
        "Grace period'), before an apposition naming a trade or relation, a possessive of what people "
        "have ('number', 'husband' ...), an honorific or Hinglish postposition ('bhaiya', 'didi', "
        "'ka', 'ko' ...) or 'and his / her' (pii_filter/redaction/word_names.py, which the batch 6 "
        "verb rule moved into); 'came' is no longer a person's verb, and a verb of dealing in goods "
        "('sold', 'ordered' ...) followed by 'by', 'in', 'from', 'online' ... is a short passive; "
        "after a dash a new clause starts, so its first words no longer go with the address, and no "
        "spaCy person runs over a spaced dash ('Vashi - MSEDCL'). Then recall 1.000 (36/36) and facts "
        "kept 0.874 (76/87); tests/pii_filter/test_redaction_forms_batch7.py tries the same forms in "
        "sentences written after those fixes, apart from the batch (25 cases, 11 of them fail on the "
        "tree before). Cost of the batch 7 rules: p50 CPU ms per question over all 553 hand-written "
        "questions (best of 3 each), the trees before and after run in turn three times each at a "
        "load average of 7 to 10: 4.49, 4.24, 4.67 before, 4.41, 4.05, 5.73 after (medians 4.49 and "
        "4.41), no measurable change. Not changed, and why: the ten localities. The sets disagree on "
        "them: batches 6 and 7 list a locality after the building with no city or PIN after it as a "
        "fact, but the first hand-written set ('flat 302, lodha towers, worli - the builder'), the "
        "held-out set ('flat 12b, green park apartments, aundh - society charges') and batch 2 ('flat "
        "1104, sunshine heights, kondapur - builder') list the same form as part of the address; no "
        "rule of address structure tells them apart (only the letters' case differs), so keeping the "
        "locality would cost the held-out set's recall. Whether a locality's name after a removed "
        "house and building identifies anyone is a policy choice to make once, and the sets to be "
        "relabelled for it, not a recognizer fix. Tried and dropped: dropping a spaCy or lexicon "
        "person that is a lone English-word name followed by a lowercase word other than a stop word "
        "or Hinglish ('Sunny days are gone', 'Sunny weather'): the hand-written sets unchanged and "
        "batch 7's facts 76 -> 77, but in probes it lost 'Sunny bought the same phone' and 'Pinky "
        "booked the tickets' (with the tagger switched off for speed, a noun after the word cannot be "
        "told from a verb). Still missed in probes: 'Sunny works at the Tata Motors showroom' "
        "('works' is a business word, which ends a name), 'Pinky colour saree' taken for a person, "
        "and Mamaearth taken for one by spaCy.\n"
        "Batch 8 (2026-12-04, 59 questions, written before reading the redaction code for it, from "
        "this section's notes and the format only, on forms the notes above do not list: South Indian "
        "names (surname or house name first, initials after the name, Tamil and Telugu sentences) and "
        "North-East names (Mizo, Naga, Khasi, Meitei, Assamese, Arunachali, Tripuri), names inside "
        "emails and UPI ids, numbers in Hindi words, words and digits mixed, a letter O typed for a "
        "zero, numbers and accounts split across lines, a bank's masked numbers (neither personal nor "
        "required), Hinglish and Tanglish addresses, names after 'thx', 'rgds', 'Regards -', 'Cheers' "
        "and '- sent from X's Galaxy', two people in one sentence, brands that look like names (Peter "
        "England, Preethi, Arun, Raymond, Nissan Sunny) as facts; a known locality after the house or "
        "building is a fact, as the locality policy below says), first score on main before any change: "
        "recall 0.738 (45/61): PERSON 0.818 (27/33: 'complaint from Manjunatha H.S.', 'en peru "
        "kayalvizhi', 'S.R. VENKATARAMANAN, Srirangam', 'thx\\nneiphiu', 'Bunty works at the Maruti "
        "service centre', 'Raymond D\'Souza from Goa here'), ADDRESS 0.600 (6/10: 'No. 9, 4th Cross' "
        "before a locality, 'B-block ke 45 number flat', and 'makaan number 112, gali number 6', "
        "counted as leaked because the leak check took 'makaan' and 'number' for identifying words), "
        "PHONE 0.750 (6/8), IN_AADHAAR 0/1 and BANK_ACCOUNT 0/1 (all four split across a line "
        "break), EMAIL 0.750 (3/4: 'daimalu basumatary 92 at gmail dot com' lost only its last "
        "word), DATE_OF_BIRTH 0/1 (\"14th Feb '91\"), UPI_ID 2/2, IN_PIN_CODE 1/1; facts kept 0.938 "
        "(137/146: six localities after a house or building swallowed by the address, Srirangam, "
        "Jayanagar and Bhajanpura taken for people, the brand in 'Arun ice creams'); stock 0.492 and "
        "0.637. Then, each rule checked on the other sets and the generated splits (unchanged: recall "
        "and facts kept 1.000 on both, the same table but the time rows): a line break inside a "
        "number is a separator (three to five digits on both sides and no whole ten-digit number on "
        "either, so a PIN code, or two numbers listed line by line, stay apart); 'my name is' in "
        "Tamil, Telugu, Malayalam, Kannada, Bengali, Marathi and Gujarati written in Latin letters "
        "('en peru', 'naa peru', 'nanna hesaru' ...) is a strong cue, and 'thx', 'tnx', 'rgds', "
        "'cheers' are sign-offs; initials after a Capitalised word English rarely uses make it a name "
        "('Manjunatha H.S.,'), and before one in any case ('S.R. VENKATARAMANAN'), street and locality "
        "words and 'P.O.' excepted; 'works' followed by 'at', 'in', 'for' ... is a verb, not a "
        "business word ('Bunty works at the Maruti service centre', and the probe 'Sunny works at the "
        "Tata Motors showroom'); a listed brand right before a listed surname is a given name "
        "('Raymond D\'Souza'); after an email cue, up to three words no one uses in English before a "
        "spelled-out address are its local part; a birth date's year may be cut short ('91); Hinglish "
        "house numbers ('makaan number 112', '45 number flat') and a door or flat number opening a "
        "line before a comma ('No. 9,', 'B-204,') start an address; without a cue, one word ending in "
        "a locality's suffix ('Jayanagar', 'Bhajanpura', '-pura', '-halli', '-guda', '-abad' ...) and "
        "a single word before 'colour' or 'shade' are no person (the probe 'Pinky colour saree'; "
        "after a cue, 'my sister Pinky colour ...' stays a person: the first version of the colour "
        "rule dropped it too and was narrowed); after a listed place and a spaced dash, spaCy's "
        "person is a new clause ('Vashi - MSEDCL'); the lexicon gained Mamaearth, Rolex and other "
        "watch, cosmetics and dairy brands (Aavin), Srirangam, and the localities of the policy "
        "below. The leak check learned 'number', 'makaan', 'makan' and 'ghar' as words that only "
        "name a kind of place. Then batch 8 recall 1.000 (61/61) and facts kept 0.986 (144/146: "
        "Bhangagarh, a locality nobody listed, still goes with the address; 'Arun ice creams', a "
        "brand that is a given name, still loses Arun); it is tuned on now. "
        "tests/pii_filter/test_redaction_forms_batch8.py tries the same forms in sentences written "
        "after the fixes, apart from the batch (33 cases, 28 of them fail on the tree before; the "
        "other five guard what must not change: two numbers on two lines, a locality before a city, "
        "a street named after a locality, a colour's word after a relation, 'makaan no 58'). "
        "Locality policy (decided 2026-12-04, closing the question batch 7 left open): a locality or "
        "city name alone identifies no one and is a legally relevant fact (section 34: the "
        "commission where the complainant resides), so a known locality written after a removed "
        "house, flat, building, society or street, with no city or PIN code after it, is kept as a "
        "fact ('villa 38, Adarsh Palm Retreat, Bellandur' keeps Bellandur), while house, flat, "
        "building, society and street names go; a street named after a locality ('Varthur Road') is "
        "a street. With a city or PIN after it the locality is a line of the postal address and goes "
        "with it, as the generated splits and batches 4, 5 and 7 label it (the city, kept, carries "
        "the jurisdiction). Known means listed: lexicon.yaml's localities (337 of the large "
        "cities, those that are also given names or surnames such as Rohini, Saket or Lokhandwala "
        "left out); an unlisted locality still goes with the address, the side that leaks nothing. "
        "Relabelled for it: the first hand-written set ('worli' after 'flat 302, lodha towers'; "
        "'indiranagar' after '12 mg road'), the held-out set ('aundh') and batch 2 ('kondapur', "
        "'malleshwaram'), each locality moved from the address to the facts (ADDRESS n 16 -> 14, "
        "4 -> 3, 7 -> 5). Before -> after the policy and the batch 8 rules: first set, held-out set "
        "and batch 2 recall 1.000 -> 1.000 and facts kept 1.000 -> 1.000 (relabelled; under the new labels "
        "the tree before keeps facts 0.991, 0.977 and 0.958, the five localities swallowed); batch 6 "
        "facts kept 0.990 -> 1.000 (Bellandur, Miyapur), batch 7 0.874 -> 0.977 (76 -> 85 of 87: "
        "nine localities kept; Peddapuram, an unlisted town, and 'Sunny days are gone' still lost); "
        "every other set unchanged. Cost of the batch 8 rules and the policy: p50 CPU ms per question "
        "over all 612 hand-written questions (best of 3 each), the trees before and after run in "
        "turn three times each at a load average of 7 to 11: 2.72, 2.73, 2.68 before, 2.79, 2.76, "
        "2.70 after (medians 2.72 and 2.76), no measurable change. Still missed in probes: initials "
        "left beside a name spaCy cut short ('Nagarajappa B.M.' keeps 'B.M.'), and 'send the bill to "
        "my office at infosys dot com' takes 'office' into an email, as before.\n"
        "Batch 9 (2026-12-06, 49 questions, written before reading the redaction code for it, from "
        "batch 8's format and the earlier batches' header comments only, on the three weaknesses "
        "named for it and their neighbours: localities nobody may have listed, shops named after a "
        "first name or surname ('Ramesh Electronics', 'Priya Boutique', 'Murugan Idli Shop'), "
        "Hinglish verbs and fillers ('bolta', 'Pehle bola'), names that are words (Asha, Jyoti, "
        "Happy, Jolly, Prem), 'I am' and 'my name is' in Bengali, Marathi, Gujarati, Punjabi, "
        "Malayalam, Odia, Assamese and Rajasthani, phones in eight formats, obfuscated emails, "
        "signatures, Aadhaar, PAN, account, cards, UPI, PIN codes, a birth date; order numbers "
        "neither personal nor required, a toll-free care number a fact), first score on main before "
        "any change: recall 0.957 (45/47) with two Aadhaar numbers whose check digits the batch's "
        "own generator got wrong (a wrong row in its Verhoeff table; corrected, checked against "
        "Presidio's validator, and no longer counted), 1.000 (47/47) with valid ones; facts kept "
        "0.967 (117/121: 'Murugan Idli Shop' and 'Sunita Beauty Parlour' taken for people, 'rash kar "
        "diya' taking 'kar', a listed surname, for a second one; Perungudi swallowed by 'No 7, "
        "Kamarajar Salai'; JVVNL taken for a person); stock 0.745 and 0.603. Its localities turned "
        "out to be mostly listed "
        "ones, so it tests the unlisted-locality rule below little. Then, tuned on batches 1 to 8 "
        "and probes written apart from batch 9, each rule checked on every set and the generated "
        "splits (unchanged: recall and facts kept 1.000 on both, the same table but the time rows): "
        "a locality nobody listed, one word ending as Indian place names end ('-puram', '-garh', "
        "'-gaon', '-bari', '-pakkam', '-halli' ... and English words excepted), written as the last "
        "line of a street address with no city, PIN, street or other locality after it, is a fact "
        "like a listed one ('House 17, Lane 4, Bhangagarh', 'Peddapuram'); 'Shanti Nagar' or 'Sai "
        "Vihar' in two words may name a society and still go with the address; the same endings "
        "make one word without a cue no person ('Rukminigaon'); a Hindi verb written in Latin "
        "letters, a stem and its ending ('bolta', 'boli', 'dekhiye', 'karega'), is Hinglish unless "
        "it is a listed name ('Rakhi'), and the list gained fillers such as 'pehle', 'accha', "
        "'yaar', 'bhaiya', 'mana'; a lowercase listed Hinglish word a surname shares ('kar', 'diya') "
        "is no name without a cue; trades and goods sold under a given name joined the business "
        "words (Shop, Stall, Tailors, Salon, Parlour, Hardware, ice cream, pickles, namkeen, atta "
        "...), and a Capitalised run after the name holding one makes a shop ('Anita Beauty "
        "Salon'), before any name, brand or place of its own; a lowercase business word after a "
        "name in a Hinglish clause is the verb's object, not a shop ('Ramesh bank gaya tha', 'mera "
        "bhai ramesh hospital gaya': on main both names leaked), and after a clear cue ('my "
        "brother vinod ice creams sells ...') only a Capitalised word makes a shop; spaCy's person "
        "running from listed name words into a listed seller of two words or more is cut before "
        "it ('Neha Verma Axis Bank mein kaam karti hai': on main the name leaked; one last word is "
        "left, a surname a brand may share, 'Ratan Tata'). Then batches 1 to 8 recall 1.000 "
        "unchanged, facts kept batch 7 0.977 -> 0.989 (85 -> 86 of 87: Peddapuram; 'Sunny days are "
        "gone' still lost) and batch 8 0.986 -> 1.000 (Bhangagarh, 'Arun ice creams'), the others "
        "unchanged at 1.000; batch 9, measured once at the end: recall 1.000 (47/47) and facts kept "
        "0.967 -> 0.983 (117 -> 119 of 121: the two shops kept; still lost Perungudi after "
        "'Kamarajar Salai', whose Tamil street word 'salai' the address rules do not know, and JVVNL "
        "taken for a person). tests/pii_filter/test_redaction_forms_batch9.py tries the same forms "
        "in sentences written for it, apart from the batch (28 cases, 15 of them fail on the tree "
        "before; the others guard what must not change: a locality before a city or a street, a "
        "two-word locality, an English word with a place's ending, names before Hinglish verbs). "
        "Cost: p50 CPU ms per question over all 661 hand-written questions (best of 3 each), the "
        "trees before and after run in turn twice each at a load average of 10 to 16: 8.04, 7.60 "
        "before, 6.81, 8.96 after, no measurable change.\n\n"
        f"{result}\n\n"
    )
    if write:
        write_doc(section, heading=HANDWRITTEN_HEADING)


if __name__ == "__main__":
    main()
