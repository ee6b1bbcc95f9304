"""`python -m bench.answers_keyfacts` (make bench-answers): do answers state the facts a correct one must?

bench/data/key_facts.csv holds questions written for this check, as people type them, each with the short
facts a correct answer states (`;` between facts, `|` between ways of writing one), and out-of-scope
questions marked OUT_OF_SCOPE. Every question runs through bench.answers' pipeline (redaction, retrieval,
prompt, answer) over an index of the Act and knowledge/ built for the run, with the extractive provider
unless --provider says otherwise. Score = share of in-scope questions whose answer states every key fact;
out-of-scope questions answered must be 0.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.answers import Pipeline
from bench.retrieval import ACT, ROOT, build_ours, update_section
from common.settings import DEFAULT_EMBEDDING_BACKEND

KEY_FACTS = ROOT / "bench" / "data" / "key_facts.csv"
HELD_OUT = ROOT / "bench" / "data" / "key_facts_heldout.csv"
HELD_OUT_2 = ROOT / "bench" / "data" / "key_facts_heldout2.csv"
HELD_OUT_3 = ROOT / "bench" / "data" / "key_facts_heldout3.csv"
HELD_OUT_4 = ROOT / "bench" / "data" / "key_facts_heldout4.csv"
HELD_OUT_5 = ROOT / "bench" / "data" / "key_facts_heldout5.csv"
HELD_OUT_6 = ROOT / "bench" / "data" / "key_facts_heldout6.csv"
STORIES = ROOT / "bench" / "data" / "key_facts_stories.csv"
STORIES_2 = ROOT / "bench" / "data" / "key_facts_stories2.csv"
STORIES_3 = ROOT / "bench" / "data" / "key_facts_stories3.csv"
OUT_OF_SCOPE = "OUT_OF_SCOPE"


def normalised(text: str) -> str:
    text = text.lower().replace("*", "").replace("’", "'").replace("–", "-").replace("—", "-")
    return " ".join(text.split())


def said(answer: str) -> str:
    """The answer without its "Sources:" line: a guide's title ("... and the grievance officer") names a
    fact the answer itself may not state."""
    return "\n".join(line for line in answer.splitlines() if not line.startswith("Sources:"))


def states(answer: str, fact: str) -> bool:
    """Whether the answer states the fact in one of its written forms (whole words, case-insensitive),
    its sources line left out."""
    text = normalised(said(answer))
    return any(
        re.search(rf"(?<![\w]){re.escape(normalised(form))}(?![\w])", text)
        for form in fact.split("|")
        if form.strip()
    )


@dataclass
class Outcome:
    row: dict[str, str]
    answer: str
    answered: bool
    missing: list[str]

    @property
    def out_of_scope(self) -> bool:
        return self.row["key_facts"].strip() == OUT_OF_SCOPE

    @property
    def correct(self) -> bool:
        return not self.answered if self.out_of_scope else self.answered and not self.missing


def rows(path: Path = KEY_FACTS) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return [{k: v.strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def evaluate(pipeline: Pipeline, questions: list[dict[str, str]]) -> list[Outcome]:
    outcomes = []
    for row in questions:
        record = pipeline.answer(row["question"])
        facts = (
            [] if row["key_facts"] == OUT_OF_SCOPE else [f for f in row["key_facts"].split(";") if f.strip()]
        )
        missing = [f for f in facts if not states(record["answer"], f)]
        outcomes.append(Outcome(row, record["answer"], record["answered"], missing))
    return outcomes


NOTES = """`python -m bench.answers_keyfacts` (`make bench-answers` runs it with `--heldout`, `--heldout2`,
`--heldout3`, `--heldout4`, `--heldout5`, `--heldout6`, `--stories`, `--stories2` and `--stories3`, which add the six
held-out sets and the three stories sets; `--facts PATH` scores another file; `--write-docs` rewrites this section).
Each question of bench/data/key_facts.csv goes through `bench.answers`' pipeline (the gateway's redactor,
rag_core's and llm_connector's handlers) over an index of the Act and knowledge/ built for the run. A fact
counts when one of its written forms appears in the answer as whole words (bold marks ignored).

Honesty notes: the set was written for issue #14 and the extractive answer was tuned on it in the same
session (the first run scored 29/35 = 0.83; 32/35 = 0.91 was recorded after tuning), so treat it as an upper
bound; the held-out set below is the check. What moved it, each a general rule rather than one question's: a
band of money that holds the question's amount lifts the sentence and a band that leaves it out lowers it
(fees, commissions); the words of the asking sentence weigh twice the story's; a list item keeps its lead-in
("can be punished with: ... three years"); a second lead sentence must cover question words the first did
not; irregular forms meet their stems (died/death, resell/resale). The misses are retrieval misses (the
guide that answers is not among the five passages, or the sentence sits in a chunk of its unit that did not
match). The out-of-scope questions here are not in rag_core/scope_examples.txt.

Issue #14, second pass: the lead answers the asking sentence, not the story around it (only sentences
sharing the most of its topic words may lead, stating a figure when one is asked for; the band holding the
question's amount may always lead; a definition question is led by the defining clause); a sentence opening
like a question asks even without its "?". Same 32/35 before and after, with the retrieval change (BM25
query stop words) that alone cost one answer (33) until the definition rule. Issue #14, third pass
(2026-12-02): following the guides' cited sections and putting the Act's passages first (retrieval section)
leaves it at 32/35, the same misses; capping the guides at 1-3 of the five slots gave 30-31/35 and was
dropped.

Held-out set (2026-12-02, issue #14 generalisation check): bench/data/key_facts_heldout.csv, 36 in-scope
questions written after the dev set, as people type them (stories, greetings, Hinglish, lowercase), on what
the 35 do not ask or ask differently (appeal periods and deposits at State and National level, the Supreme
Court, admission within 21 days, five months with lab testing, interim orders, execution as a decree and the
section 72 minimum fine, CCPA penalties, bans, appeals and section 88, the e-commerce rules' cancellation
charges and one-month redress, unfair contract terms, product liability defences, harm, mediation orders,
review, a gift's user, who may complain, the 2021 limits and fee slabs, the helpline's other number), and 8
out of scope that share the law's words (a tax appeal, a cheque-bounce limitation period, stamp duty, RTI,
maternity leave, a helmet fine, police seizure, a trademark). Every fact was checked against the section of
the Act or the guide named in the row's `source` column (tests/bench/test_answers_cli.py checks that each
still appears there). Before any change: held-out 26/36 = 0.72, 2 in-scope refused (both Hinglish), 2 out of
scope answered; dev set 30/35. The 32/35 above does not reproduce on a fresh machine: 30/35 with onnx-int8
both before these changes (ee06dbe) and at 6d694f4 (the third pass), 31/35 with `--backend onnx`; dev
misses 20 (consent) and 27 (imprisonment for life) are the difference. Why (measured 2026-12-02, embedding
section): the export itself is byte-identical across fresh caches, but int8 vectors depend on the CPU that
runs them (onnxruntime's U8S8 kernels saturate on AVX2, not on VNNI; this host has AVX512-VNNI, and the
earlier hosts in this file, an Intel Xeon and AMD EPYCs, had unrecorded instruction sets), so 32/35 was
most likely an int8 result of another CPU, which this host cannot rebuild. fp32 ONNX equals torch to
2e-7 here (no integer kernels to differ by CPU) and is the default since then: 31/35 is the reproducible
dev figure. After: held-out 31/36 = 0.86, 0 refused, still 2 out of scope answered; dev 30/35, 0/8
answered; bench.retrieval's no-context
columns unchanged (0/114, 0/22). Re-measured after the small-to-big retrieval change (3f81f2a) landed: dev
30/35, held-out 30/36 = 0.83 (tables below); it loses the second-appeal question (section 52's clauses on
hearing an appeal now outrank section 51(2)'s substantial question of law for the law lines, and the guide's
list item on the Supreme Court leads), the other misses are the same. Then the law lines quote two sections
before two clauses of one (one line per passage first, then a second clause): held-out 30/36 -> 32/36 = 0.89
(the second appeal's substantial question of law; section 38(7)'s five months with testing now gets its line
next to section 36), dev 30/35 unchanged, 0/8 answered; bench.follow_ups unchanged (it scores the lead
only). What moved it: stems meeting the Act's nouns (-ation stripped, limit/limitation; seller and buyer as
sell and buy; admitted/admission/admissibility) +3; Hinglish in-scope examples about the process (filing and
fee, appeal, helpline) in rag_core/scope_examples.txt +2. The last was written after seeing the two
refusals, so for the scope decision those two rows are no longer unseen. Tried and dropped: splitting a
clause too long to quote before its provisos (fixed the 21-day question, lost section 40's review period to
a proviso of section 41: net 0); out-of-scope examples for other laws' appeals and limitation (GST, a civil
suit, a sessions court, the accident tribunal), which refused two in-scope procedure questions and let stamp
duty through, and 1, 2, 5 or 8 nearest examples instead of 3 (each traded errors the same way: the scope
margins of these rows are 0.01-0.03); "law", "say" and "rules" as words that only say what kind of answer is
wanted (no change); a doubled consonant undone after -ing/-ed (stopping/stop: held-out 31 -> 30, it lost the
cancellation-charges answer); a figure stated just after a word of the asking sentence ("decide within three
months") lifting the sentence (dev 30 -> 31, held-out unchanged; inside the lead pool it fixed the
five-months question and lost the paid-as-consideration one). Misses left, all needing meaning rather than
shared words or a passage retrieval did not bring: interim order and the gift's user (section 38(8) and 2(7)
not among the five passages), "decree" (the answer quotes attachment of property instead), "null and void"
(asked as "strike down a one-sided clause"); the five-months and second-appeal misses were fixed by the
law-lines rule; the tax appeal and the cheque-bounce limitation were answered (nearer the in-scope
examples by 0.01-0.02) until the scope decision's second pass (section Scope decision, 2026-12-02): 0/8
answered, the in-scope figures unchanged (dev 30/35, held-out 32/36, 0 refused).

Issue #14, answers pass (2026-12-02, same machine, onnx-int8): dev 30/35 = 0.86 -> 33/35 = 0.94, held-out
32/36 = 0.89 unchanged, 0 in-scope refused, out of scope 0/8 on both sets (re-measured after rebasing on the
scope decision's second pass; before it, held-out 2/8 both with and without these rules). Each rule general,
measured on both sets: a list clause after a blank line (a page break) keeps its lead-in when its label
continues the list ((c) after (b)), and a clause drops the lead-in of its sibling's sub-clauses ((b) after
"(a) the consumer,— (i) ... (ii)"): section 90(1)(d), death, imprisonment for life, now leads the
adulterated-food question (dev 27); only the narrowest band of money holding the question's amount lifts its
sentence and, when the question asks for a figure or forum, leads (the fee table's "above Rs 5 lakh up to Rs
10 lakh: Rs 200" for Rs 8 lakh, not "up to Rs 50 lakh"), the Act's money in words counts as a band ("exceeds
ten crore rupees"; "does not exceed" is an upper bound) and a band printed in sections 34, 47 or 58, revised
in 2021, neither lifts nor leads (dev 10); a sentence too long to quote keeps its opening, then "…" and the
shortest run of later clauses holding more of the asking sentence's topic words than its head (at least
two), from the label of its clause: section 2(42)'s "does not include the rendering of any service free of
charge" for free treatment (dev 31). Tried and dropped: a clause label "(2)" as no word (it stopped "2
years" matching it, but cost held-out h4 with fp32: section 51(1) then outranked section 52's ninety days by
0.01; no change with int8), a sentence's broader band still lifting (x1.3: dev 31, the fee row loses), a
band leaving the amount out scoring 0 instead of x0.4 (held-out -1), the shortened part filling the 400
characters (dev -1: section 2(42) falls below the law lines' cut-off), ranking a shortened sentence on all
its words (dev -1, held-out -1), its focus on every question word instead of the asking sentence's topic
(quoted an appeal clause for a review question); the previous pass's "figure after a question word" lift,
retried on top of these (2, 3 or 4 words before the figure): no change on either set. Misses left: dev 20
(mediation needs consent: mediation.md and section 37 not among the five passages) and 23 (resale: section
2(7) and the who-is-a-consumer guide not retrieved), held-out h7, h9, h23, h30 as before (retrieval or
meaning). With fp32 ONNX, the default since a693f6c (tables below): dev 31/35 = 0.89 -> 34/35 = 0.97 (10,
27, 31; 20 already passes there), held-out 31/36 = 0.86 -> 32/36 = 0.89 (h32, section 35(1)(c)'s same
interest, now quoted with its lead-in), 0/8 out of scope on both, 0 refused; misses left there: dev 23,
held-out h7, h9, h23, h30.

Second held-out set (bench/data/key_facts_heldout2.csv, written 2026-12-02 after the passes above, on what
the two sets ask little about: minors, bills, tie-in sales, lab reports, ex parte, transfer, corrective
ads, spurious and adulterated goods, CCPA search and prosecution, RERA, notices, mediation failure, product
liability defences, e-commerce rules; 8 out of scope sharing the law's words). First figure, before any
change made for it: 23/40 = 0.57, 1 in-scope refused, 2/8 out of scope answered. Then, each rule general and
measured on all three sets (dev and held-out unchanged by each): a list item labelled with four letters,
(viii), starts its own sentence; a possessive's s is no word; heard meets hear (25/40); a guide's lead is
read with the rest of its short paragraph (27/40); the asking sentence, not the story, says whether a figure
is wanted, and the lead's topic words weigh by rarity (28/40); a "who/what is the X" question is led by a
sentence naming X when one does (2026-12-03, b15's chairperson: 29/40); two guides say "parent or legal
guardian" and "legal heir or legal representative" as section 2(5)(vi)-(vii) does, not "parent or guardian"
(b1: 30/40 = 0.75). These were written after its misses were seen, so 0.75 is no longer a generalisation
figure: 0.57 is. Tried and dropped on 2026-12-03: the
dense cosine of each sentence with the question (all-MiniLM-L6-v2, the index's model) added to or
multiplying the lexical score (weights 0.5-2): held-out2 26-29/40, dev and held-out lose 1-2 from weight 1
up; a topic word found in half the candidate sentences or more weighing nothing in the lead pool
(log(n / 2df)): held-out2 +1 (b29), but log(n / df) and log(n / 3df) lose b29 or h4 and b15, and with a
few sentences every word drops out, so too fragile to keep; synonyms maker/manufacturer and email/electronic
(no change); shop/seller and responsible/liable (held-out2 -1: b17); the retrieval rank lifting a sentence
(x(1 + b / passage number), b 0.1-1: held-out -2 to -4). Kept the same day: a sentence that refers back ("It
lets you register ...", "Such order ...") is not quoted without the sentence before it (no key fact moved;
three answers lost a dangling sentence).
Misses left: b3, b18 (the clause is not among the five passages: 2(41)'s tie-in condition for a Hinglish
question, 2(47)(ix)'s personal information), b25 (right in other words: "printed on the pack (MRP)"), b22,
b28, b29, b33, b37, b38 (the sentence that answers is among the candidates but another shares more of the
question's words: the mediation rules' exclusion of medical negligence causing death, 86(d)'s unknown
manufacturer, 87(3)'s obvious danger, 65(1)'s electronic means past the quoted opening, 81(3) for "mediation
fail ho gaya", the e-commerce rules' late delivery); the scope decision refuses b26 (a home loan's
prepayment term) and answers b44 (a High Court appeal's time limit) and b48 (becoming an insurance agent,
Hinglish).

Third held-out set (2026-12-03, written blind, measured once): bench/data/key_facts_heldout3.csv, 40 in-scope
questions across the Act and the guides (definitions of consumer, complainant, defect, deficiency, unfair
trade practice, e-commerce, service and misleading advertisement; where and when to file; the 2021 limits and
fees; appeals, deposits and time limits; reliefs; product liability; the CCPA and endorsers; mediation;
offences; the helpline, e-Jagriti, the e-commerce grievance officer, ombudsman and DGCA routes) and 8 out of
scope sharing the law's words (RTI, cheque bounce, a lawyer's career, unpaid salary, motor accident claims, a
trademark, bail, passport fees), each fact found verbatim in the Act section (clause for section 2) or guide
its row names; written without reading the other sets' questions, then 10 rows (11 drafts, one replaced twice)
replaced for being within cosine 0.80 (ONNX MiniLM) of a question in bench/data/key_facts*.csv or
rag_core/scope_examples.txt. First and only figure, nothing changed for it: 28/40 = 0.70, 1 in-scope refused,
4/8 out of scope answered (same run: dev 34/35, held-out 32/36, held-out2 30/40). Misses: c1 (retrieval:
2(7)'s resale or commercial purpose is not among the five passages); c4, c8, c11, c18, c28, c30, c39
(extraction: the sentence is among the passages but another is quoted: 2(10)'s imperfection or shortcoming,
the territorial guide's personally works for gain, 2(28)(iv)'s deliberately conceals, the appeals guide's
Supreme Court beside a right 30 days, 38(2)(c)'s laboratory cut by the ellipsis, 2(9)'s six rights, 2(42)'s
free of charge); c2, c13, c33 (right in other words: a person who buys one auto-rickshaw to drive it
themselves, the fee table's "Commission: National", the RBI ombudsman); c27 refused (37(1)'s five days for
consent is among the passages, but the question is judged to have no context); answered out of scope: c42
(cheque bounce), c43 (a consumer-court lawyer's career), c45 (motor accident claims tribunal), c48 (passport
tatkal fees), each with a sentence of the Act or a guide that shares its words. Then, on main after the
scope decision's fourth pass (a1b3719, written in parallel without this set, so blind for it) and two chunker
fixes (11cc22d, ad47010): out of scope answered 4/8 -> 1/8 (c45, motor accident claims, Hinglish, left),
in-scope unchanged, 28/40 = 0.70 and c27 refused; held-out2 30/40 -> 31/40 (b26's home-loan term no longer
refused) and 0/8 answered; dev and held-out unchanged. Then the consumer commission's mediation as a kind of
in-scope scope example, written after reading c27's refusal (section Scope decision): 29/40 = 0.72, 0 refused;
0.70 stays this set's blind figure.

Fourth held-out set (2026-12-04, 2-core shared sandbox, written blind, measured once):
bench/data/key_facts_heldout4.csv, 40 in-scope questions on what the other sets ask little about (electricity
supply as a service and the personal-service exclusion, a shop's own mark making it the manufacturer,
deliberate withholding as deficiency, a wholly disproportionate penalty and unilateral termination as unfair
terms, hoarding, a false guarantee, what an advertisement is, an EMI buyer as consumer; the 2021 limits at Rs
4.5 lakh, Rs 75 lakh and Rs 2.6 crore; a branch office and where the cause of action arose; two years and
sufficient cause, a late appeal, the Supreme Court deposit; a partial mediation settlement, the mediator's
duty to disclose; the CCPA referring a matter to a Regulator, its Director-General, the District Collector,
vexatious search; an adulterant causing grievous hurt; the commission as Judicial Magistrate of first class;
affidavits, adjournments, civil-court powers, interim orders, ex parte; withdrawing hazardous goods; unfair
contracts at the State Commission; section 100 and the 1986 Act's repeal; a foreign site and the country of
origin under the e-commerce rules) and 8 out of scope (a civil suit's limitation, a birth certificate,
adoption, GST in Hinglish, family-court mediation, a gazette name change, wedding gifts, registering a will).
Each fact is in the Act section (clause for section 2) or guide its row names; 5 drafts within cosine 0.80
(ONNX MiniLM) of a question in bench/data/key_facts*.csv or rag_core/scope_examples.txt were replaced before
the run (the nearest kept is 0.75). First and only run, on main 23897c2, nothing changed for it: 22/40 =
0.55, 1 in-scope refused, 3/8 out of scope answered (same run: dev 34/35, 0/8). One fact was unfair: d33's
answer states the guide's "interim orders (section 38(8))", which the whole-word match does not count as
"interim order"; with the plural added as a form, on the same answers (no second run): 23/40 = 0.57. Misses,
classified from the five passages each question retrieved: retrieval, the fact in none of them (4): d2
(2(42)'s contract of personal service), d7 (2(47)(v)'s hoarding), d29 (72(2)'s Judicial Magistrate: the
enforcement guide does not say it and section 72 was not retrieved), d37 (section 100's not in derogation);
extraction, a passage holds the fact but other sentences are quoted (12): d3 (2(24)(iii) and 2(36)(iii)'s own
mark; clause (i) quoted), d4 (2(11)(ii)'s deliberate withholding; the lead-in quoted and the deficiency
guide's "hides a key condition ... (withholding information)" leads, near it in other words), d5 (2(46)(ii)'s
wholly disproportionate, in the Act and the unfair-contracts guide; (vi) and (iii) quoted, led by the
false-advertisement penalty), d17 (section 41's sufficient cause, cut by the ellipsis just before it), d20
(77's duty to disclose; 74, 75 and 78 quoted), d22 (the product-liability guide's adequate instructions), d24
(87(2)(a)'s workplace, in the Act and the exceptions guide), d26 (the CCPA guide's District Collector), d30
(38(6)'s affidavit and documentary evidence; 38(9) quoted), d35 (the relief guide's hazardous goods), d39 and
d40 (the platform-duties guide's outside India and country of origin); scope refusal (1): d15 (34(2)(c) and
the territorial guide among the passages, judged to have no context); right in other words (1): d33, fixed in
the set as above. Out of scope answered: d41 (a civil suit's limitation, with section 69), d44 (GST, with the
Consumer Protection Councils), d45 (family-court mediation, with Chapter V).

Stories set (2026-12-04, issue #14, 2-core shared sandbox): bench/data/key_facts_stories.csv, 25 generic "what
can I do?" stories (a fridge from a shop, a leaking washing machine, a hospital bill, coaching fees, a gym, a
phone or mattress from an app, a flight, a flat for Rs 80 lakh, an insurance claim, a car, a courier, MRP, a
dry cleaner, a tour, bank charges, a warranty, a sofa, a photographer, juice that made a child ill, broadband;
Hinglish, lowercase) with the facts a remedy answer states (the commission for the amount paid, two years,
refund or replacement, or the sector's route: grievance officer, ombudsman, deficiency in service), each found
in the guide or section its row names, and 6 out of scope (a landlord's deposit, salary, a neighbour's wall,
maintenance, ancestral property, an FIR). It is a dev set: written and tuned on in one session. On main
(23897c2): 3/25 = 0.12, 0 refused, 0/6 answered; the lead was the sentence sharing most of the story's words
(2(47)(viii), "No fee is charged where the price paid is up to Rs 5 lakh", an unfair-contract sentence about
insurers), an e-commerce guide's "Buying online gives you the same rights" for a shop purchase, and where and
by when to complain mostly left out. Then (llm_connector/remedy.py): a question asking what the person can do
("what can I do", "what are my options", "can I complain", "kya karu") leads with the fewest sentences stating
where to complain (a named commission; the one whose band holds the amount paid before one leaving it out), by
when (two years, not an appeal's period) and what the commission can order, then the usual lead; with no forum
sentence among the candidates the two years alone may lead, except for a "where" question; a story with no
sign of buying online (app, site, ordered, platform ...) quotes no sentence on e-commerce rights or platforms
(they still count in the ranking). 3/25 -> 13/25 = 0.52, 0/6 answered; dev 34/35, held-out 32/36, held-out2
31/40 unchanged; held-out3 29/40 -> 30/40 (c13, "where do we file" for Rs 3.5 crore, now led by the National
Commission's band); out of scope 0/8, 0/8, 0/8, 1/8 unchanged; four answers of the other sets changed in all;
held-out4 (blind; landed while this was written, run once after) 23/40, 1 refused, 3/8 answered, the same
misses as its first run; bench.scope untouched (retrieval's decision). Tried and dropped: the remedy sentences
replacing the usual lead instead of preceding it (stories 9/25, held-out2 -1: b23's "can I file a complaint
against the warranty company" lost deficiency in service); leaving out sentences with "online" for every
question, not remedy questions only, whether before ranking or only when quoting (dev -1: 9's "Pay the fee
online"; held-out -1: h25; held-out2 -1: b17's direct selling); the time limit leading without a forum
sentence for a "where" question too (c13 lost its National Commission: held-out3 -1). A fourth part, the
ground (a sentence naming deficiency, defect or unfair trade practice), for the service stories that miss
"deficiency": stories 13 -> 12 (s17 lost its two years to the extra sentence), the others unchanged; dropped.
Misses left: mostly retrieval (no sentence naming the District Commission or the two years among the five
passages: s4 coaching, s7 Hinglish, s12 courier, s22 broadband, s23 AC), the rest a sector's route (ombudsman,
grievance officer) or "deficiency" not quoted beside the remedy. Bringing the story's own sector guide (its
forum and limit) into the five passages needs retrieval; not tried here.

Same answer in every run (2026-12-04, 2-core shared sandbox): held-out3 c22 (a scooter battery modified at a
local shop) got one of two answers from run to run, its second passage the airlines-and-utilities guide in 4
of 5 runs of `bench.answers` and the product-liability guide in the fifth (its key fact stated either way).
The cause was not hash order (one PYTHONHASHSEED gave both) but Chroma's HNSW graph, rebuilt by several
threads in every process that opens a snapshot: on the Act + knowledge/ index (543 chunks, 684 clause
vectors) the 40 dense candidates left out a chunk of the exact top 10 for 1-2 of held-out3's 48 questions,
and the chunks of the 120 nearest clauses differed from the exact ones for 17-20 of 48, differently in each
run. Fixed by ranking the snapshot's stored vectors exactly (common/vectors.py: read into memory when the
snapshot opens, equal cosines in reading order; both searches 0.33 ms a question against Chroma's 4.8 ms,
measured under load), ordering BM25 hits by score then record, and adding a set's word weights in the
extractive scores with math.fsum, so no tie depends on set order. Before -> after on this machine, on
23897c2 and again on b5001e4 (the remedy lead): dev 34/35, held-out 32/36, held-out2 31/40, held-out3 29/40
(30/40 on b5001e4), stories 13/25 (b5001e4), 0 refused, out of scope answered 0/8, 0/8, 0/8, 1/8, 0/6 on
both sides; the one answer that changed (both times) is c22, now always the airlines-guide variant (the
exact search ranks that guide's chunk second at cosine 0.398; the other variant came from HNSW missing it),
and 54 questions (held-out3 and six stories) give byte-identical `bench.answers` output under PYTHONHASHSEED
0-3. tests/rag_core/test_determinism.py checks the candidates against a brute-force search (it fails on the
old code) and runs `bench.answers` in two processes with different hash seeds (it passed on the old code
too: the old divergence was one question in five runs).

Extraction pass (2026-12-04, 2-core shared sandbox; designed on the cached passages of dev, held-out,
held-out2, held-out3 and stories, held-out4 read only as a score). Five general rules in llm_connector: a
sentence too long to quote keeps its head to the end of the clause the 400-character cut falls in when that
end is within 100 more characters, ranked still on its first 400 (section 41's proviso now ends at "sufficient
cause for not filing it within that period", not "if it is …"; held-out2 b33's electronic means); a lead-in
and its one-sentence items that fit in 400 characters together are one sentence unless exactly one item shares
the question's words on its own (each item alone tied on the lead-in's words and the shortest was quoted:
section 77's "such other facts"; h9's money decree in the execution guide's list); a lead from the Act is
followed, as a guide's lead already was, by one guide sentence above the cut-off adding the question's other
words (the law lines quote only the Act: c28's appropriate laboratory); an example ("... is an example.", "For
example ...") lends its score to the rule before it, which must be quoted first anyway (b29's obvious danger);
and (a fifth, same day) the guide sentence after an Act lead is the best ranked one adding any question word,
not the one adding the most unsaid words, which picked story echoes (b38's delivered late beside 2(47)(viii);
ranking it so after a guide's lead too: held-out -2, h25 and h28, dropped). Full runs, before (main 9f0fb33,
with the exact dense search and the scope words) -> after (the same main with these rules): dev 34/35 ->
34/35, held-out 32/36 -> 33/36, held-out2 31/40 -> 34/40, held-out3 30/40 -> 31/40, held-out4 (check, blind to
the design) 23/40 -> 24/40, stories 13/25 -> 13/25; refused 0, 0, 0, 0, 1 (d15), 0 and out of scope answered
0/8, 0/8, 0/8, 0/8, 0/8, 0/6 unchanged (on e779c0f, before the exact search, the same in-scope figures both
sides, out of scope 1/8 and 3/8 for held-out3 and held-out4 both sides). Odd, on e779c0f: a full run at the
second rule already passed c28 (held-out3 31/40) where the re-score of the passages cached in another run did
not (30/40): the five passages differed between runs then (the HNSW graph, above); the third rule's c28 is not
separately shown by full runs. Tried and dropped: "-ings" stripped as one suffix ("warnings" met "warn";
held-out2 -1: b5's hearings); the clause-finishing head ranked on all its words (held-out -2: h1, h6 lost to
longer 36(2) and 69(2) quotes; held-out2 -1); every short list joined (held-out2 -1: b15's Collector, the one
item naming the chairperson, quoted inside the whole of 8(2)) and joined only when no item matches (no gain:
h9's items match); every sentence that refers back ("It lets you ...") lending its score (a pronoun sentence's
words lifted an unrelated antecedent over a fee sentence). Misses of the extraction class left: b22 (the death
exclusion lacks the question's "commission"), b28 and c11 (the answer is in other words: unknown maker,
conceals), b37 (Hinglish "fail"), c4 (the guide's summary line, "What counts as a defect, ...", leads and
lifts the cut-off above 2(10)), c8 (live / resides), c18 (NCDRC is not the National Commission's words), c30
(a list question led by "names a set of consumer rights"), c39 (free of charge is in the story, not the asking
sentence).

2026-12-04, next steps of a "what can I do?" story: they were ranked on all the question's words, and the
asking sentence's verbs of doing weigh twice the story's, so "get" and "complain" picked steps sharing only
the verb (s6's phone bought on an app: "Get a certified copy of the order" twice; s3's hospital bill: the
e-filing portal's "Choose file new case"). For a question asks_remedy() matches, steps are now ranked on the
question's words less the asking sentence's verbs of doing and verdict words (the story's "paid" stays); no
step sharing one: one step of a cited passage, ranked as before. Other questions rank as before. After: s6
"Register the complaint by phone ... docket number", "File a complaint naming both the seller and the
platform"; s3 "Ask the hospital in writing for copies", "Name both the doctor and the hospital ... as opposite
parties". Full runs, main e7defbc -> with it: dev 34/35, held-out 33/36, held-out2 34/40, held-out3 31/40,
held-out4 (check, score only) 24/40, stories 13/25, all unchanged; refused 0, 0, 0, 0, 1 (d15), 0 and out of
scope 0 unchanged. Dropped: the same for every question (dev's "which commission do I file in?" lost "File
online through the e-filing portal" to "Call the National Consumer Helpline", which shares only "consumer";
held-out4 24 -> 23; stories 14/25, s11's "can I get a new car?" no longer led by "Get medical treatment
first"); also all the story's verbs of doing left out ("paid" met "the price paid": s5 lost "File ... before
the District Commission", stories 13/25 with s11) and steps stating only remedy parts the answer states
(forum, two years) left out (dev 34/35 -> 32/35: the Act's 38(2) "District Commission" hid a step's band
table, dev 2 and 32 lost their State Commission and 50 lakh).

Second stories set, blind (2026-12-04, issue #14, 2-core shared sandbox): bench/data/key_facts_stories2.csv,
25 "what can I do?" stories written before reading llm_connector/ or the first stories set's answers, on
goods and services that set does not name (a laptop from a shopping website, a flat for Rs 1.2 crore,
villas for Rs 2.5 crore each, a swab left after surgery, a postpaid bill and a number port in Hinglish and
English, a health and a car-theft claim, a failed UPI transfer, a credit card fraud, title deeds after a
repaid loan, lost baggage, a scooter repaired 4 times, tablets above MRP, a wedding hall's advance, an
electricity bill, a refurbished phone sold as new, a weight-loss advertisement, a pressure cooker burn,
packers and movers, a resort booked online, a salon, a water purifier's warranty, accessories forced by a
car dealer), each with the facts a correct answer states (the commission for the amount paid under the 2021
limits, two years, the sector's route or the kind of wrong), each found in the guide its row names
(tests/bench/test_answers_cli.py), and 6 out of scope (a dog bite, a loan to a cousin, a traffic challan,
a tenant's rent, the voter list, gratuity). First run, on main b5add88 unchanged: 6/25 = 0.24, 1 refused
(t19, the villas), 0/6 answered. It is scored once more at the end of a tuning pass, never while tuning.

Third stories set, blind (2026-12-06, issue #14, 2-core shared sandbox, AMD EPYC): bench/data/key_facts_stories3.csv,
25 "what can I do?" stories written before reading rag_core/kinds.py, llm_connector/ or the other stories sets'
answers, as people in India type them (lowercase, greetings, Hinglish): a courier's lost rakhi parcel, a
tailor's lehenga and a broadband connection in Hinglish, a dentist's wrong tooth, a parlour's chemical burn,
a nursing home's wrong injection, a hair-oil ad on Instagram and a 0% EMI newspaper ad, a gas stove forced
with an LPG connection, a bike insurance claim, minimum-balance charges on a salary account, a fridge's
compressor, an empty box from a shopping website, a placement-guarantee course, an airline's denied boarding,
a car sold as new with 1200 km on it, a flat for Rs 95 lakh, a villa for Rs 3.2 crore, a Rs 72 lakh car, a
room heater's fire, a home loan's one-sided terms, a caterer's stale food, a phone repair shop, a complaint
three years late, an app's unpaid refund; each with the Act's term for the wrong (deficiency, negligence,
misleading advertisement with the CCPA, unfair or restrictive trade practice, defect, unfair contract,
product liability) and the commission for the amount paid where the story gives it, each found in the
guide its row names (tests/bench/test_answers_cli.py), and 6 out of scope (provident fund, a fake Instagram
account, dowry, a business partner, a surname change, a neighbour's music). First run, on main 82f606b
unchanged: 5/25 = 0.20, 2 refused (u3 the dentist, u17 the villa), 0/6 answered. Scored once more at the
end of a tuning pass, never while tuning.

Fifth held-out set (2026-12-04, issue #14, 2-core shared sandbox, AMD EPYC; written blind, before reading
llm_connector or any answer): bench/data/key_facts_heldout5.csv, 40 in-scope questions on parts of the Act
and guides the other sets ask little about (a dead consumer's legal heir and a minor's parent as
complainants, teleshopping, direct selling, a photo as an endorsement, food as goods, harm and mental agony,
blood outside "product", a tie-in as a restrictive trade practice, spurious goods, an excessive security
deposit, free gifts, refusing a bill, sharing personal information; the District Council's chairperson, the
CCPA's headquarters, an endorser's one- and three-year bans, appeals from the CCPA and from section 72 orders,
punishment for ignoring a CCPA direction and for a misleading advertisement, a licence after adulteration;
admission within 21 days or deemed admitted, a party's death (Order XXII), a corrective advertisement, a split
bench, review for an error apparent on the record, transfers by the State and National Commissions, experts,
appeals heard in 90 days, refused and electronic notices, the mediators' panel, the settlement order in seven
days, a manufacturer liable though not negligent, an altered product, an unknown maker, alcohol; guides:
mediation refused for a death, the helpline not pausing the two years, no legal notice needed, an extended
warranty, the fee refunded after mediation, notice to a class by public advertisement; stories, Hinglish,
lowercase, greetings) and 8 out of scope sharing the law's words (an FSSAI licence, anticipatory bail,
family-court mediation in Hinglish, a partition suit by a legal heir, a voter ID, a PF withdrawal, a police
FIR, dowry harassment). Each fact is in the Act section or guide its row names (the held-out format test
checks it); 10 drafts within cosine 0.80 (ONNX MiniLM) of a question in bench/data/key_facts*.csv or
rag_core/scope_examples.txt were replaced before the run (the nearest kept is 0.79). Two kept rows ask what
held-out2 asks in other words (e10's gas stove tie-in, b3; e15's shared phone number, b18; cosine 0.69 and
0.70), seen only after the run in held-out2's misses; kept, so the blind figure is that of the set as
written. First blind run, on main b5add88, nothing changed for it: 26/40 = 0.65, 0 in-scope refused, 0/8 out
of scope answered (same run: dev 34/35, held-out 33/36, held-out2 34/40, held-out3 31/40, held-out4 24/40
with 1 refused, stories 13/25; out of scope 0 answered on every set). Its misses are not read until the
extraction work below is done.

Direct legal questions, extraction pass (2026-12-04, issue #14, 2-core shared sandbox, AMD EPYC; designed on
the cached passages of dev, held-out, held-out2-4 and stories; held-out5 not run while tuning). The misses
of held-out2, held-out3 and held-out4 on main b5add88, classified from the five passages each question
retrieved (is a form of the missing fact in one of them?): retrieval 8 (b3, b18, b37; c1; d2, d7, d29, d37),
scope refusal 1 (d15), extraction 22 (b22, b25, b28; c2, c4, c8, c11, c18, c30, c33, c39; d3, d4, d5, d20,
d22, d24, d26, d30, d35, d39, d40), of which some are right in other words (b25's "printed on the pack
(MRP)", c11's glossary "hides important information") or hold the fact's words about something else (d22's
adequate instructions of a service provider). General causes found and fixed in llm_connector, each checked
on every set: a redacted name's placeholder counted as words (c2's "dealer <PERSON_1>" matched the Act's
"person" and quoted section 90); Hinglish function words were a question's topic ("sach hai kya?": hai, kya,
sach) and "maine" stemmed to "main" (matched "the main purpose"): they are stop words now; short names did
not meet the words they stand for (NCDRC, SCDRC, DCDRC, CCPA, RBI, MRP, NCH; c33's RBI route, d26's "which
authority" and the CCPA guide); a story's word asked for a figure ("charged Rs 15,000 penalty ... is such a
clause unfair?" lifted sentences stating fines: only the asking sentence asks now) and a band holding the
story's sum let a fine's ceiling lead (a band may lead without a figure asked only when it names a
commission or a fee; d5 is led by the unfair-contracts guide now, still without 2(46)(ii)); "what counts as
X" / "does Y count as X" did not ask for X's definition (c4, d4); and a definition's lead-in over 300
characters was not carried into its items, so 2(11)(ii) "deliberate withholding of relevant information" did
not say it is part of "deficiency": such an item now carries the lead-in abridged ("(11) “deficiency” means
any fault, ... … in relation to any service and includes— (ii) ..."), the lead-in still a sentence of its
own (definitions only: every long lead-in, 39(1)'s too, changed 17 answers for the same gains). Full runs,
main a01d951 (with the stories work landed meanwhile) -> with these rules: dev 34/35 -> 34/35, held-out
33/36 -> 33/36, held-out2 34/40 -> 34/40, held-out3 31/40 -> 35/40 (c2, c4, c33, c39), held-out4 24/40 ->
26/40 (d4, d26), stories 16/25 -> 16/25; refused 0, 0, 0, 0, 1 (d15), 0 and out of scope answered 0 on every
set, both sides. Tried and dropped: a guide's summary line (opening "What ..." or "How ...", "What counts as
a defect, when a seller must ...") never quoted (c4's and d35's leads were that line; stories 16 -> 15: s6's
grievance-officer step, ranked on the story's word "one", fell 0.013 below another step once the candidates
changed); a guide's bullet ended at its line when prose follows (the chunker joins a guide's paragraphs with
one line break; c2 +1, held-out2 -1: b5's second law line became section 41's proviso, 0.003 above the
cut-off; with the Hinglish stop words c2 passes without it); sums of money left out of the words on both
sides (dev -2: 1 and 10 lost their fee and commission bands); the second law line from another section only
at half the best score (held-out -1: h5) or only when it shares the asking sentence's topic (held-out -1,
held-out4 -1). Misses of the extraction class left: the list questions needing a long list whole (c30's six
rights, c11's 2(28)(iv)), other words (d20 told / disclose, d39 foreign / outside India, d30 on papers /
affidavit and documentary evidence, b28 who made it / identity of the manufacturer, d3 its own brand / own
mark, c8 live / resides, c18 an NCDRC order's appeal against appeals to it), a sentence that refers back and
so is quoted only after the one before it (d40's "It must show the country of origin"), and a story holding
the answer's words when the asking sentence does not (d24's employer and workplace, b22's death).
Then (same day, same sets, held-out5 still not run): a lead candidate that refers back ("It must show the
country of origin ... before you buy") was never quoted when it was the best answer, since it may only
follow the sentence before it: it is now quoted with that sentence, both as the lead, unless the question
asks for a figure and neither states one (a fee question keeps the fee sentence:
tests/llm_connector/test_extractive.py); and people's words meet the Act's: told / disclose, hide, hid,
hidden, hiding / withhold, foreign / outside, live, lives, living / reside (with the old died / death, sold
/ seller). Full runs, main 6e9b81e -> with both: held-out4 26/40 -> 29/40 (d40; d20's duty to disclose;
d39's platforms outside India); dev 34/35, held-out 33/36, held-out2 34/40, held-out3 35/40, stories 16/25
unchanged; refused and out of scope unchanged (0 answered). The word pairs were read off held-out4's misses,
so that set no longer checks them; held-out5 does. Dropped: ordering the lead pool on the asking sentence's
words before the story's (c8's "where i live now" led by the guide's example "You live in Pune ..." for the
story's Pune): held-out -1, held-out2 -4, held-out4 -1.
Then: conceal, conceals, concealed, concealing / withhold (c11's ad that "hid the fact" meets 2(28)(iv)'s
"deliberately conceals important information") and brand, branded / mark (d3's "its own brand name" meets
2(24)(iii)'s "his own mark"). Full runs, main 6f128f2 -> with them: held-out3 35/40 -> 36/40, held-out4
29/40 -> 30/40; dev 34/35, held-out 33/36, held-out2 34/40, stories 16/25 unchanged; out of scope 0. Tried
and dropped, each alone: responsible / liable (held-out3 -1: c21), sale / sell and papers / document (no
gain; 5 and 1 answers changed), maker / manufacturer (no gain), "own" no longer a stop word (the same d3
gain as brand / mark, 2 answers changed).
Held-out5, measured again at the end of this pass (main d292dbc, the rules above; its answers not read in
between): 26/40 = 0.65 -> 26/40 = 0.65, 0 refused, 0/8 out of scope answered both times; 7 of its 48 answers
changed, none across the line (same run: dev 34/35, held-out 33/36, held-out2 34/40, held-out3 36/40,
held-out4 30/40 with d15 refused, stories 18/25 with the retrieval change of 7edb7e0, stories2 8/25 with 1
refused; out of scope 0 answered on every set). So the held-out3 +5 and held-out4 +6 of this pass are gains
on sets whose misses were read, and do not carry to an unseen set: most were word pairs or wordings read off
those misses. Held-out5's 14 misses, from its five passages: retrieval 5 (e9's 2(33) blood products, e20's
Order XXII of 38(12), e29's 39(3) split bench, e31's 86(d) unknown maker, e30's 86(b) substantial factor),
extraction 9, mostly the same kind as the word pairs, with other people's words: e1 "passed away" (a phrase;
the guide's "legal heir or legal representative of a consumer who has died" is in passage 3), e32 "drunk"
(87(2)(d)'s influence of alcohol), e14 "give a bill" (2(47)(vii)'s not issuing a bill, cash memo or receipt:
the guide's opening story sentence "a shop that refuses to give a bill" leads), e5 a photo (2(18)(ii)'s
likeness), e38 an asking sentence with no topic ("what is this under the law?", the warranty guide's
extended-warranty paragraph not quoted), e10 and e15 (another sentence of 2(41) or 2(47) quoted, the tie-in
and the personal-information clauses not), e26 (the guide's sentence on section 65's electronic means and
nodal officer not quoted); one fact of the set is too strict: e8's answer says the court may "cancel it on a
later one", not "cancel the licence" (left as written: the blind figure is the set's). The next general step
for extraction is ranking sentences by meaning (the embedding model rag_core already runs) rather than more
word pairs; not tried here.

Stories, rules pass (2026-12-04, issue #14, 2-core shared sandbox; tuned on
bench/data/key_facts_stories.csv, each rule checked on dev and the four held-out sets with the passages
cached, then by full runs). For a question asks_remedy() matches: (1) no sentence is quoted that sends the
person only to commissions whose 2021 band holds none of the story's amounts (s4's Rs 60,000 of coaching
fees was answered "file a complaint before the State Commission (or the National Commission ...)" from the
unfair-contract guide; with no amount in the story, a sentence naming commissions but not the District
Commission; an unfair-contract question keeps its State Commission); (2) a story's bare numbers are no words
("3 din", "2 mahine" met the clause labels "(3)" and "(2)": section 10(3)'s headquarters led s7, section
26's audit was quoted for s22); (3) the Act's sentences on running an authority (headquarters, audit,
appointments, salaries, meetings) are not quoted; (4) asking for the remedy itself asks what to do ("can I
get a new car / a refund / my money back", "can I claim compensation", "is there any remedy", "what legal
action"). These wordings were added after the second stories set was written by the same session, so for (4)
that set is not blind to the wording. Full runs, main 38568e1 -> with (1)-(4): dev 34/35, held-out 33/36,
held-out2 34/40, held-out3 31/40, held-out4 24/40 unchanged; stories 13/25 -> 15/25 (s4, s11); refused 0, 0,
0, 0, 1, 0 and out of scope answered 0 unchanged; 8 answers changed in all (b24 now a remedy question, its
key fact kept; d13 lost a next step to its passage's two places). Tried and dropped: an example sentence
("Example: if you paid Rs 40 lakh ...") stating no part of the remedy (stories -1: s4 lost its refund, which
only that example stated).
Then (same day): for such a question a guide's sentence telling what to do once something has happened ("If
refused, write to the platform's grievance officer; ...", "If the same fault recurs, write to the
manufacturer ...") is a next step too, though it still may lead (it is not a bare command). Full runs,
1b76a74 -> with it: stories 15/25 -> 16/25 (s6's grievance officer), dev, held-out and held-out2-4
unchanged, out of scope 0; three answers changed (s6, s11, s23). Tried and dropped: counting such a sentence
as a step for every question (held-out -1, h25) or as a step that may no longer lead (47 answers changed, no
key fact either way); the kind of wrong for the service stories missing "deficiency": the usual lead chosen
only among sentences naming a deficiency, defect, unfair practice or negligence (stories 15 -> 13, s17 and
s20; held-out2 -1, b23), or such a sentence as a fourth part of the remedy (stories 14: s17 lost its
job-sheet step to the six-sentence cap; with the usual lead then left out, held-out2 -1, b23). The passages
of s3, s12, s14, s19 and s22 seldom have a sentence saying "deficiency" about the story; the word picked is
the one sharing its words ("Not issuing a bill ... is an unfair trade practice" for a hospital's bill).
Then: a "what can I do?" story whose quoted sentences do not give the helpline ends its next steps with the
fixed helpline referral (replies.HELPLINE, already the steps of an answer with none); no key fact of dev,
the four held-out sets or stories moved (re-scored on the cached passages of a full run: 23 answers gained
the line, 16 of them stories). The second stories set has three rows asking for the helpline (t4, t17, t24),
written before this rule; the rule is the brief's ("the helpline and next steps"), not read off that set's
answers.
Then, in retrieval: when none of a "what can I do?" story's five passages says where to complain and by when
(a commission, a complaint and two years in one chunk: common.remedy.states_remedy), the best ranked other
unit with a chunk that does takes the fifth slot, that chunk first (rag_core.units.with_one; the remedy
patterns moved to common/remedy.py, shared by rag_core and llm_connector). Full runs, main 5d4b743 (which
has the direct-questions extraction pass: held-out3 35/40, held-out4 29/40) -> with it: stories 16/25 ->
18/25 (s7's Hinglish phone from a local shop now gets the two years, s23's AC the District Commission and
refund), dev 34/35, held-out 33/36, held-out2 34/40, held-out3 35/40, held-out4 29/40 unchanged, refused and
out of scope answered unchanged (0, 0, 0, 0, 1, 0; all 0); 8 questions changed passages (h20, c13 and six
stories); bench.retrieval --heldout2 identical but realistic redacted coverage@5 0.792 -> 0.793. Misses left
on stories: "deficiency" not in any passage or not said of the story (s3, s12, s14, s19, s22), the bank's
ombudsman (s16) and the telecom grievance officer (s25) as next steps.

Stories, end of the pass (2026-12-04, 2-core shared sandbox; /proc/cpuinfo here says Intel Xeon, not the AMD
EPYC of the header before this run, for every figure of this pass): main d292dbc (with the four commits
above and the other sessions' extraction and scope work) against the same tree with those four commits
reverted, both full runs: dev 34/35, held-out 33/36, held-out2 34/40, held-out3 36/40, held-out4 30/40 (1
refused), held-out5 (another session's blind set, scored only) 26/40, all the same on both sides; stories
13/25 -> 18/25; the second stories set, scored for the first time since its blind run, 6/25 -> 8/25 = 0.32
(t3, t8), 1 refused both sides (t19, the villas for Rs 2.5 crore each), out of scope answered 0 on every
set. Its key facts stated, 44/75 -> 52/75: the District Commission 16/20 -> 18/20, two years 8/12 -> 11/12,
the helpline 1/3 -> 3/3, compensation 2/3 -> 3/3; "deficiency" 1/9 and the sector's routes (ombudsman 1/4,
Insurance Ombudsman 1/2, grievance officer 0/2) unchanged: the rules place where and by when, not the kind
of wrong, which is the miss left on both stories sets. The second set is not blind to (4)'s wordings nor to
the helpline rule (above), so 8/25 is an optimistic figure for unseen stories, and 6/25 the blind one. Tried
after it and dropped: a remedy sentence saying "deficiency" or "defect" preferred among those stating the
same parts (no key fact moved on any set, 11 answers changed).
Tried and dropped (2026-12-04, issue #14, 2-core shared sandbox, /proc/cpuinfo Intel Xeon, load average
3-4 from other sessions): ranking candidate sentences by meaning, the general fix suggested for held-out5's
misses in people's words ("passed away", "drunk", "give a bill", "photo"), instead of more word pairs. The
cosine (all-MiniLM-L6-v2, ONNX fp32, the index's model) between each candidate sentence and the whole
redacted question (q), its asking sentence (a) or their mean (b), all of a question's sentences embedded in
one call, used in compose: lead only (the lead pool reordered by lexical + w x best lexical x cosine), lead
only by cosine alone (replace), before the lead pool's topic filter, everywhere the main ranking is used
(lead, second lead sentence, law lines: + w x best x cosine on matching sentences, or also on unmatched
ones above cosine 0.5), or multiplied in (x (1 + w cosine)). Re-scored on the cached passages of one run
(baseline identical to main 9aaac8e's full run): dev 34/35, held-out 33/36, held-out2 34/40, held-out3
36/40, held-out4 30/40, held-out5 26/40, stories 18/25, stories2 8/25 = 219/281.

| variant | dev | h1 | h2 | h3 | h4 | h5 | st | st2 | sum |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
| main | 34 | 33 | 34 | 36 | 30 | 26 | 18 | 8 | 219 |
| lead, w 0.25 / 0.5 / 1 / 2 / 4, q | 34 | 33/33/33/32/32 | 33/33/32/32/32 | 36 | 30 | 26 | 18/18/18/18/17 | 8 | 218/218/217/216/215 |
| lead, w 1, a | 34 | 33 | 32 | 36 | 30 | 25 | 17 | 8 | 215 |
| lead by cosine alone, q / a / b | 34 | 32/29/32 | 32/30/31 | 37/36/37 | 30 | 28/25/27 | 18 | 8 | 219/210/217 |
| before the topic filter, w 1, a | 34 | 33 | 32 | 36 | 30 | 25 | 17 | 8 | 215 |
| everywhere, w 0.15 / 0.3 / 0.6, q | 34 | 33 | 32/32/31 | 36 | 30 | 27 | 18 | 8 | 218/218/217 |
| everywhere, w 0.3, b | 34 | 33 | 33 | 36 | 30 | 27 | 18 | 8 | 219 |
| everywhere, w 1, a | 34 | 33 | 32 | 35 | 30 | 27 | 17 | 8 | 216 |
| everywhere + unmatched above 0.5, w 0.3 / 0.6 / 1, q | 34 | 33/33/32 | 32/31/31 | 36 | 30 | 27 | 18 | 8 | 218/217/216 |
| multiplied, w 1, a | 33 | 33 | 31 | 35 | 30 | 26 | 17 | 8 | 213 |

No variant gains on both held-out5 and stories2: stories2 never moves (its misses are the kind of wrong,
"deficiency", and the sector's routes, which the remedy lead and the passages decide, not the ranking), and
the best held-out5 gains trade against held-out2 (everywhere, w 0.3, b: held-out5's e14, the bill, gained;
held-out2's b25 gained and b5, b10 lost; the cosine alone: c18, d30, e8, e10, s3 gained, h27, b10, b15, d33,
s5 lost), as in the 2026-12-03 try above. Cost, against compose's 2.8 ms and the end-to-end p50 of 25 ms: embedding the question, its
asking sentence and its candidates (39 sentences on average, 70 at most) took 457-467 ms per question (mean;
median 438-451, p90 686-712) with 2 threads on this loaded machine, and a batch of 40 / 70 / 100 guide
sentences 801 / 1442 / 2099 ms (median of 8). Nothing landed, so the llm_connector image and message
contract are unchanged.

Stories, sector routes (2026-12-04, issue #14, 2-core shared sandbox, /proc/cpuinfo: Intel Xeon; tuned on
bench/data/key_facts_stories.csv, each variant checked on dev and held-out to held-out5 with the passages
cached, then by a full run). Why the earlier fourth remedy part lost a fact: the extractive answer quotes at
most six sentences (LlmSettings.extractive_max_sentences, the `take` cap in compose), and the remedy lead (up to
three), the usual lead, two law lines and two steps already fill it, so any sentence added inside the cap
pushes out the last step (s17's job sheet). Now (llm_connector/extractive.py `_sector_route`,
llm_connector/remedy.py `sector_routes`): for a "what can I do?" story, a guide's sentence naming an
ombudsman or a grievance (or nodal) officer that the answer does not name yet is one more next step, beyond
the cap (one sentence more, so seven at most; its guide may give a third sentence), ranked on the story's
telling words: not the asking sentence's (b18's "can i complain under consumer law?" met a bank guide's
"choose the ombudsman or the consumer commission"), not its counts (s19's "6 months" met an e-commerce
platform's "redress it within one month"; day, week, month, year, hour, number), and never from a passage on
e-commerce for a story with no sign of buying online. Before (main 9aaac8e) -> after, full runs: stories
18/25 -> 20/25 (s16's bank story now told "the RBI ombudsman for banks, the Insurance Ombudsman for
insurers", s25's landline bills "Complain to the company's grievance officer"; s20 gained "Email the grievance
officer ...", passing before only through its source's title); dev 34/35, held-out 33/36, held-out2 34/40,
held-out3 36/40, held-out4 30/40 (1 refused, d15), held-out5 26/40 unchanged; out of scope answered 0 on
every set; 3 answers changed in all (s16, s20, s25). The second stories set, measured once at the end:
bench/data/key_facts_stories2.csv 8/25 -> 11/25 (t11's electricity bill told "Many States also have electricity
consumer grievance forums and an electricity ombudsman", t16's and t21's banks the RBI ombudsman), 1 refused
(t19) and 0/6 out of scope answered both sides; 6 of its answers changed. One of them is wrong in kind: t24's
mobile operator is told "Complain in writing to the bank's or insurer's grievance officer", met through the
story's "keep" (they keep blocking it) and the step's "keep the reference number". Leaving the verbs of doing
out of the match too (read off t24, so not blind) moved stories 20 -> 19 (s25's "i complained many times"
then met the electricity ombudsman through "many"): word overlap is too weak a test of the sector; dropped.
The sector test (2026-12-04, same machine; tuned on the cached passages of all eight sets, then one full run
of dev, held-out to held-out5, stories and stories2): the route's guide must name the story's sector
(llm_connector/extractive.py `_sector_words`): of the story's telling words the guide passage uses, at least
one must be used by at most half of the retrieved guide passages (not the Act's sections), and guides are
ranked by those words, each weighed log(N/df), so a word every guide says (t24's "keep": "keep the
receipt", "keep the reference number") weighs nothing; the route sentence must still share a telling word
of the story, and the best-naming guide's route comes first. Before (main c55d006) -> after, full run:
t24 is told no route (its telecom guide's "Complain to the company's grievance officer" shares no word of its
story; the bank's "keep" route is gone), s16, s25, t11, t16 and t21 keep their routes; stories 20/25 ->
20/25, stories2 11/25 -> 11/25 (1 refused, t19), dev 34/35, held-out 33/36, held-out2 34/40, held-out3 36/40,
held-out4 30/40 (1 refused, d15), held-out5 26/40 unchanged; out of scope answered 0 on every set; 3 answers
changed (t24; s20 now "If refused, write to the platform's grievance officer" of its returns guide instead of
"Email the grievance officer ..."; t21 now the bank guide's own "the Reserve Bank - Integrated Ombudsman
Scheme, 2021 for complaints against banks" instead of the deficiency guide's "RBI ombudsman for banks, the
Insurance Ombudsman for insurers"), both still stating their facts. Every route step of the stories and
stories2 answers read by eye: each names the story's sector or a generic provider's officer (s24's car
service centre and t4's postpaid bill "the provider's grievance or nodal officer", s12's courier "the
company's grievance officer"), but for s7 (a mobile bought at a local shop, answered from the bank guide
throughout: "Commissions regularly order insurers to pay ...") told "the bank's or insurer's grievance
officer" by the ordinary next step (`_next_steps`, there before the routes), not by `_sector_route`. Weak
spot: s25 (landline and broadband) passes only through "use" (2 of 5 guides), as its telecom guide never says
landline, broadband or bill apart from the others; with one guide retrieved no word is rare, so no route.
Tried and dropped: the sector test alone, with no word of the route sentence itself needed, stories 20 -> 21
(s3's hospital told "the provider's grievance or nodal officer") but s22's internet connection was told the
electricity ombudsman, s24's car service centre and t4's postpaid bill the RBI ombudsman, held-out2's b18
(a mobile shop) and b23 (a laptop's warranty) the bank's grievance officer, t16 lost "deficiency", stories2
11 -> 11; the route only from the guide naming the story's sector best of all retrieved guides, stories
20 -> 19 (s25), stories2 11 -> 9 (t16, t21); the route sentence itself sharing a
rare word, stories 20 -> 19 (s25: "company" is in 3 of 5 guides), stories2 11 -> 10 (t16); the other sets
unchanged in all three (cached passages).
These figures count a fact named in the Sources line, as the scorer did before d42de86; the same cached
answers re-scored without it (main d42de86's scorer), before -> after: dev 34/35, held-out 31/36, held-out2
31/40, held-out3 35/40, held-out4 30/40, held-out5 25/40, stories 20/25, stories2 7/25 on both sides.
The ordinary next steps too (2026-12-04, same machine, one full run each of main 34135cb and the change, with
d42de86's scorer): a story's step naming a sector's route (`sector_routes`: an ombudsman, a grievance or nodal
officer) is taken by `_next_steps` only from a guide that names the story's sector, by the same
`_sector_words` test on the same telling words (one helper, `_telling_words`, for both). s7's phone from a
local shop, whose only step came from the bank guide it cites (no step shared a word of its Hinglish story),
is no longer told "the bank's or insurer's grievance officer"; its step is now that guide's "Collect the
policy or loan documents, statements, claim forms and rejection letter" (no route, but still a bank's step).
Before -> after: dev 34/35, held-out 31/36, held-out2 31/40, held-out3 35/40, held-out4 30/40 (1 refused,
d15), held-out5 25/40, stories 20/25, stories2 7/25 (1 refused, t19) unchanged; out of scope answered 0 on
every set; one answer changed in all (s7). Every step of the stories and stories2 answers read by eye: each
route names the story's sector (s10, t5 the Insurance Ombudsman; s16, t6, t16, t21 the bank's officer or RBI
ombudsman; t11 the electricity ombudsman; s6, s20, t18 the platform's grievance officer, online stories) or
a generic one (s12, s25 "the company's grievance officer"; s16, s24, t4 "the provider's grievance or nodal
officer"). Left: steps naming no route can still come from another sector's guide (s7's bank documents, t2's
flat and t10's banquet hall "Keep the ticket ... boarding pass", s11's car "Get medical treatment first").
Tried and dropped, the sector test on every step (2026-12-04, same machine, one full run each of main
1890f93 and the change, d42de86's scorer): for a story, `_next_steps` kept any step, the fallback from a cited
passage too, only from a guide passing `_sector_words`. Before -> after: stories 20/25 -> 19/25 (s5's gym lost
"District Commission": the refund guide's generic "File a complaint under section 35 before the District
Commission" shares no rare word of the story), stories2 7/25 -> 7/25, dev 34/35, held-out 31/36, held-out2
31/40, held-out3 35/40, held-out4 30/40, held-out5 25/40 unchanged; out of scope answered 0 on every set; 18
answers changed (15 stories, h20, b23, c13). It did not fix what it aimed at: s7 lost the bank guide's step
but t2, t10 (the airline, railways, travel, telecom and utilities guide) and s11 (the product liability
guide) keep theirs, their guides passing the test, and t24's mobile operator was told "Keep the ticket ...
boarding pass" of that same many-sector guide instead of the helpline guide's "Keep your bill, order number";
generic and fitting steps went (h20's misleading ad lost "Save the ad: screenshot, link, date ..."; s22's
internet connection "Keep the bill, warranty and instructions"). A guide that names the story's sector can
still hold another sector's step, and a generic guide names no sector: the test is of the guide, the wrong
is in the step's own words.
Tried and dropped, the kind of wrong (the same extra-sentence way, in the lead, when no quoted sentence names
it): any sentence naming a deficiency or a defect and sharing a telling word of the story, stories 20 -> 21,
but the words shared were the remedy's (s14's dry cleaner told section 2(47)(viii) on defective goods for
"refusing", s16's bank "No proof of a defect is needed: charging above one of these prices" for "charges");
"deficiency" only, stories 20 -> 23, but a fridge (s1) and a sofa (s18) were told "that can be a deficiency
in service" and "remove the deficiency" through "refund", "refuses" and "compensation": the wrong kind for
goods; with the remedy's words (refund, refuse, compensation, repair, charges, paid, service, provider,
company, claim) left out of the match, no answer changed on any set (the other sets unchanged in all three
variants, on the cached passages). So no retrieved sentence says
"deficiency" of the story's own service (hospital, courier, dry cleaner, photographer, internet): that needs
retrieval (the deficiency-in-service guide brought the way rag_core.units.with_one brings the remedy, and its
sentence listing the services read with the one after it, "The Act calls a poor service a deficiency");
not tried here for lack of time.

Stories, the kind of wrong (2026-12-04, issue #14, 2-core shared sandbox, /proc/cpuinfo: Intel Xeon; tuned
on stories, then full runs of dev, held-out to held-out5 and stories, stories2 measured once at the end). A
"what can I do?" story about a service is now brought one passage more, beyond the five, naming the wrong by
the Act's word (common.remedy.names_deficiency: "calls / termed ... a deficiency", so not "remove the
deficiency"; rag_core.units.with_extra, searched beyond the fused candidates by cosine: rag_core/kinds.py
`with_rest`), and the answer quotes that sentence with the one before it (what it is said of: "Most consumer
complaints in India are about services: banks, insurers, ... hospitals, electricity boards. The Act calls a
poor service a "deficiency"."), beyond the sentence cap, when no quoted sentence says "deficiency"
(llm_connector/extractive.py `_kind_of_wrong`). A story is about a service when its vector is nearer the Act's
definitions of "service" (2(42)) and "deficiency" (2(11)) than of "goods" (2(21)) and "defect" (2(10)),
cosines summed, by more than 0.15 (RagSettings.service_margin; rag_core/kinds.py `about_service`). Full runs,
before (main 34135cb / 1890f93) -> after: stories 20/25 -> 22/25 (s3's hospital, s19's wedding
photographer), dev 34/35, held-out 31/36, held-out2 31/40, held-out3 35/40, held-out4 30/40 (1 refused,
d15), held-out5 25/40 unchanged; out of scope answered 0 on every set; `python -m bench.retrieval --heldout2`
identical to main 1890f93 but for the naive pipeline's p50 (7.3 -> 7.1 ms). The sentence was added to 5
stories answers (s3, s10 insurer, s19, s25 landline, all services) and to held-out4's d13 (a hospital); no
goods story was told it (read by eye). The second stories set,
measured once at the end: stories2 7/25 -> 9/25 (t6's bank and t24's mobile operator, both services), 1
refused (t19) and 0/6 out of scope answered both sides; t3's hospital and t22's salon were told it too but
still miss "negligence"; no goods story of stories2 (t1, t12, t17, t25) was told it.
Margin 0.1 first: the same numbers, but held-out's h20 (a misleading ad harming a town) and held-out2's b18
(a mobile shop leaking a phone number) were told it too (sums 0.128 and 0.135), neither a poor service; 0.15
was chosen after reading them, so held-out and held-out2 are not blind to the margin. Still missed: s12's
courier (0.040: "a parcel with a laptop inside" is near goods), s14's dry cleaner (-0.036: "silk saree"), s22's
internet connection (0.082, Hinglish); goods stories reach up to 0.080 (s7's mobile), so no margin separates
them: the definitions' embedding tells a service from goods only where the story names no goods. Also
measured, not used: the story's cosine to the deficiency guide minus the defective-goods guide (best chunk
each) puts s12 at -0.185 and s14 at -0.137, below goods stories such as s7 (+0.100); 2(42) minus 2(21)
alone puts s14 at -0.081. A lexical test on the guide's list of services would meet goods stories' "service
centre" through "coaching centres" (the word "centre" is in 5 of 543 chunks, as "airline" is).

Stories, the wrong named by the guide about it (2026-12-06, issue #14, 2-core shared sandbox, AMD EPYC;
tuned on stories and stories2 with the passages cached, then full runs of every set). A "what can I do?"
story's answer that does not yet use the Act's word for a wrong is given, beyond the sentence cap, the
sentence of a retrieved guide about that wrong which names it: a guide whose title names a wrong by the
Act's word ("... for medical negligence", "Misleading advertisements ...", "... defective goods"; the words
in llm_connector/kinds.py) and shares a word of the story other than the remedy's (complaint, consumer,
refund, compensation, service, company: kinds.GENERAL_WORDS), its sentence sharing most story words first;
and a guide on a sector whose title names no wrong (banks and insurers, airlines and telecom) gives its
sentence calling the wrong a deficiency and nothing else, only to an answer naming no wrong yet
(llm_connector/extractive.py `_named_kind`). Full runs, main 82f606b -> after: stories2 9/25 -> 13/25 (t3's
hospital told "negligence", t7's airline, t16's bank and t18's resort told their deficiency), stories 22/25,
dev 34/35, held-out 31/36, held-out2 31/40, held-out3 35/40, held-out4 30/40 (1 refused, d15), held-out5
25/40 unchanged; out of scope answered 0 on every set. Added sentences read by eye on every set: s3 (a
hospital's bill) and held-out4's d13 (a hospital) told negligence, s16 (a bank) its deficiency, t13 (a
weight-loss ad) section 89 on "misleading advertisement" (still without the CCPA); no goods story told a
deficiency. The third stories set, measured once at the end: stories3 5/25 -> 5/25, 2 refused (u3, u17),
0/6 answered; not one of its answers changed: its hospital stories are a dentist and a nursing home (no word
of the hospital guide's title), its ads retrieve no guide titled on ads, and its services (courier, tailor,
parlour, caterer, repair shop) are not brought the deficiency guide (rag_core/kinds.py). So the gain is
the two sets tuned on; the blind set says the retrieval of the kind's guide, not its quoting, is what is
missing. Tried and dropped: the sentence's own words counting without the title's (s14's dry cleaner,
s15's travel agent and t18's resort told 2(47)(viii) on refusing defective goods through "refuse"); every
wrong a sector guide's sentence names, not only a deficiency (stories2 10 -> 12/25 but s3's hospital bill
told a fake "original price", s13's restaurant a tie-in, s24 and t23 product liability for a warranty); the
CCPA as a sector route beside the ombudsman and the grievance officer (llm_connector/remedy.py `_ROUTES`:
stories 22 -> 21, s25 lost its grievance officer; stories2 t21 lost its ombudsman); "advertised" and
"advertisement" read as "ad" (t13 told "Save the ad" but no CCPA, 10 ad answers of the other sets
reordered, no fact gained). Re-run after rebasing on main 6ae1036 (the sector-steps change): the same figures
on every set, and bench/data/key_facts_stories_sectors.csv 4/20 (1 refused, u16) as on main.

Scorer change (2026-12-04, 2-core shared sandbox, Intel Xeon): a fact now counts only when the answer states
it, not when the "Sources:" line does (bench/answers_keyfacts.py `said`). A guide's title names facts
("Deficiency in service and how to complain about it", "... and the grievance officer"), so an answer citing
that guide passed without saying them. Same answers (main c55d006), scored both ways in one run: dev 34/35 ->
34/35, held-out 33/36 -> 31/36, held-out2 34/40 -> 31/40, held-out3 36/40 -> 35/40, held-out4 30/40 -> 30/40,
held-out5 26/40 -> 25/40, stories 20/25 -> 20/25, stories2 11/25 -> 7/25; refused and out of scope answered
unchanged. Every figure above this paragraph was scored the old way; the tables below are the new way.

Stories, steps of another sector (2026-12-06, issue #14, 2-core shared sandbox, /proc/cpuinfo: AMD EPYC;
tuned on stories and stories2, the blind set measured once before and once after). A "what can I do?" story's
next step is no longer quoted when the step itself is tied to a sector the story is not in: it uses sector
words the story shares none of, and the story uses no word of those words' guides
(llm_connector/extractive.py `_other_sector`, in `_next_steps` before the ranking and the fallback alike).
The sector words are learned from knowledge/ (llm_connector/sector_words.py, built into sector_words.json, a
test keeps it current): a guide about a kind of goods or service is one whose front matter cites the Act's
definition of a defect or a deficiency (2(10), 2(11)); a stem used at least 3 times, by at most a third of
the guides, at least half of its uses in one such guide, is that guide's word (54 stems: "board", "doctor",
"hospit", "medica", "builde", "flat", "posses", "dealer", "job", "sheet", "warran", "policy", "loan",
"ombuds", "mrp", ...). So a flat's booking (t2) and a banquet hall (t10) are not told the airline guide's
"keep the ticket ... boarding pass" (met through "booking" and "emails"), a car's gearbox (s11) not "get
medical treatment first", a mobile from a local shop (s7) not "collect the policy or loan documents". Counted
with bench/wrong_sector_steps.py (fixed hand-written sector words, written for the count before the code was
read and not used by the assistant: a step naming a sector the story shares no word of): stories + stories2
12 -> 8 wrong-sector steps (of 87 -> 82, the helpline line left out); the blind set
bench/data/key_facts_stories_sectors.csv (20 stories across sectors, written 2026-12-06 before reading the
extractive code; u1 and u2 echo the brief's banquet hall and gearbox, close to t10 and s11) 9 -> 6 (of 29 ->
27). Key facts unchanged on every set, question by question: blind 4/20 (1 refused, u16), dev 34/35, held-out
31/36, held-out2 31/40, held-out3 35/40, held-out4 30/40 (1 refused, d15), held-out5 25/40, stories 22/25,
stories2 9/25 (1 refused, t19); out of scope answered 0 on every set. What is left: the goods guide's "Write
to the seller (and the manufacturer) asking for repair, replacement or refund" (seller, manufacturer, repair,
replacement: each in 8 or more guides, so no guide's word) is still told to service stories (s8, s15, t18;
blind u1, u4, u11, u12, u18) and now fills a freed place (s25, t21; blind u15); t18's resort shares "travel"
with the airline guide, so it keeps the boarding pass; coaching "centre" meets the warranty guide's "service
centre" (s4 keeps the warranty card). Steps of the right sector lost: s1's fridge the warranty guide's job
sheet, t1's laptop its warranty card (neither story says a warranty word). Tried and dropped: the same test
on `_sector_route`'s route too, stories2 9/25 -> 7/25 (t11's electricity ombudsman and t21's bank ombudsman
lost); the shares counted among the sector guides only (114 stems, with "car" from "care", "book", "family",
"back": not run).

Direct questions (2026-12-06, issue #14, 2-core shared sandbox, Intel Xeon; tuned on dev and held-out to
held-out5, held-out6 measured once before and once after). bench/data/key_facts_heldout6.csv is a new blind set,
written before the extractive code was read: 40 direct questions as people type them (Hinglish, lowercase, a
name and phone, "ncdrc", marketplace names), 34 in scope across money limits, fees, time limits, appeals,
mediation, product liability, e-commerce, CCPA, who is a consumer, unfair contracts, execution, penalties and
the helpline, 6 out of scope; on unchanged main 82f606b it scored 20/34 = 0.59, 2 refused (f5, f11: the scope
decision), 0/6 out of scope answered. The misses of dev and held-out to held-out5 on main, classified with
the retrieved passages: 16 the passage holding the fact was not retrieved (dev 23, h7, h23, h30, b3, b18,
b37, c1, d2, d7, d29, d37, e9, e20, e29, e31), 29 it was retrieved and a quotable sentence stated the fact
but another was chosen (mostly people's words against the Act's: "passed away" / "death", "raid" / "search
and seize", "drunk" / "alcohol", "time limit" / "within two years", "sharing my info" / "disclosing personal
information"), none was lost to a cut sentence. Changed (llm_connector/extractive.py, remedy.py): a direct
question showing no online purchase and naming no platform's route is not sent to a platform's grievance
officer (remedy.platform_route; h25's gym was told "If refused, write to the platform's grievance officer");
marketplaces people name (amazon, flipkart, myntra, ...) are online cues; a definition's clause quoted alone
names the term it defines ('Section 2(47) (“unfair trade practice”): "(vii) not issuing bill ..."', from the
passage title); a definition "in relation to" something ("(18) “endorsement”, in relation to an advertisement,
means") leads a meaning question like "(7) “consumer” means" (e5 now leads with 2(18), still clause (i));
a Hinglish question word anywhere makes a sentence ask ("time limit kya hai", "fee kitni lagegi");
a word ending in "rs" before "." or "," ("matters.") is no longer a sum of money. Before (main 46f1474,
same run conditions) -> after: dev 34/35 -> 34/35, held-out 31/36 -> 31/36, held-out2 31/40 -> 32/40 (b2),
held-out3 35/40 -> 35/40, held-out4 30/40 -> 30/40, held-out5 25/40 -> 26/40 (e13), stories 22/25 -> 22/25,
stories2 13/25 -> 13/25, stories3 5/25 -> 5/25, stories_sectors 4/20 -> 4/20; no question lost on any set,
out of scope answered 0 everywhere. held-out6 at the end: 20/34 -> 20/34 (the same in a run before the last
rebase), the same questions right, so
the blind set shows no gain: the changes fixed wording bugs the held-out sets had, not the kinds of miss
held-out6 has (f22 resale and f25 a gift's user not retrieved, as dev 23 and h30; f5 and f11 refused).
Tried and dropped (on main 82f606b with the first changes): a passage-rank prior on sentence scores
(x(1 + 0.3/rank)): held-out 31 -> 29, held-out4
30 -> 29, stories 22 -> 21, held-out5 +1; the passage title's words counted for its sentences at half weight
(the Act's titles say "Limitation period", "Search and seizure" in plain words): dev 34 -> 33, held-out 31 ->
27, stories 22 -> 19 (a generic guide titled "Defective goods" outranked the answering clause). Not done: a
lexicon of people's words for the Act's (each entry would come from one miss), sentence embeddings in
llm_connector (the model is rag_core's; a cross-service change).

Sample letters (2026-12-06, issue #14, 2-core shared sandbox, /proc/cpuinfo: AMD EPYC; one full run each of
main 4ae7856 and the change, scored the new way). knowledge/'s only template form is the blockquote of
legal-notice-and-sample-complaint.md (its sample legal notice and complaint outline; no bracketed blank such
as "[Name of company]" stands outside it). The chunker joined the quote's lines into one paragraph and split it
at sentence ends, so the "> " mark was lost, and a sample sentence with no blank ("If you fail, I will file
a complaint before the appropriate Consumer Disputes Redressal Commission, ... entirely at your risk as to
costs.") was quoted as the lead for "if the company fails to refund, can I claim compensation and costs under
section 39?" (found with 22 ad-hoc questions on notices and complaint drafting; no answer of the eight sets
quoted a sample sentence, before or after). Now each quoted line is its own piece keeping "> " and makes its
chunk `sample` (common/samples.py; Chunk, index record, Passage); the extractive answer quotes no marked line
of a sample passage (the guide's own sentences, "Fill in the notice, ...", still cite it), the prompt for the
model shows them inside `<sample note="a sample letter or form to fill in, not a statement of law or
advice">`, and a sentence with a "[ ]" or "___" blank is no answer either. With shorter chunks the sample
guide's passage also holds its "Fill in the notice ... which replaced e-Daakhil ..." sentence, which
llm_connector.remedy.RELIEF took for relief ("replace\\w*"): it displaced the builder guide's section 39 relief in
stories2 t2 (lost refund, interest; the marks alone scored stories2 9/25, t2 lost and t3 gained, the other
sets unchanged) until "replaced" stopped counting as relief. Before -> after: dev 34/35, held-out 31/36,
held-out2 31/40, held-out3 35/40, held-out4 30/40 (1 refused), held-out5 25/40, stories 22/25 unchanged;
stories2 9/25 -> 10/25 (t3: the sample chunks' new vectors changed its guides, and section 39's relief sentence
took the place of the which-commission guide's Rs 40 lakh example); out of scope answered 0 on every set. 17 of
341 answers changed, most through RELIEF (a fee or portal sentence no longer stands for the relief in a story's
remedy lead). Again after rebasing on main 5dac6c1 (73c7089's sector steps; one full run each of it and the
change, the tables below): the same figures on every set, and key_facts_stories_sectors.csv 4/20 (1 refused)
unchanged; wrong-sector steps (bench.wrong_sector_steps, all nine sets) 23 of 352 -> 22 of 349. stories2 t17,
a miss both ways, lost its 1915 step too: the sample guide's new chunks moved rag_core's candidates, and the
helpline guide's passage lost the chunk holding "Register the complaint by phone (1915 or 1800-11-4000)".
Last, on main 5583fd0 (its own stories steps: stories2 13/25 there) and the rebased change, one full run each
(the tables below): every question of every set scores the same both ways, dev 34/35, held-out 31/36,
held-out2 31/40, held-out3 35/40, held-out4 30/40, held-out5 25/40, stories 22/25, stories2 13/25, stories3
5/25 (3 refused), stories_sectors 4/20; out of scope answered 0 on every set; wrong-sector steps 26 of 389 ->
25 of 385. Not re-measured on main 44ee70f (b1682f6 and 9a32f43 changed the extractive answer for direct
questions; heldout6 added) for lack of time before the landing deadline: the tables below are main's.

Stories about a service, the goods guide's steps (2026-12-06, issue #14, 2-core shared sandbox, AMD EPYC;
tuned on stories and stories2, then full runs of every set on main 5dac6c1 and again rebased on main
5583fd0). A "what can I do?" story that says nothing of buying (the Act's consumer of goods "buys" them,
section 2(7)(i); one of a service "hires or avails of" it, 2(7)(ii): no stem of buy, sell, purchase, order,
with bought, sold, seller read as buy and sell) is not told a next step of a guide about goods, one whose
front matter (its passages' `section`) cites the definition of a defect, 2(10), and not that of a
deficiency, 2(11) (today only refund-for-defective-goods.md), except a step naming the Act's forum ("File a
complaint under section 35 before the District Commission": without that exception s5's gym lost its
District Commission, stories 22 -> 21/25) (llm_connector/extractive.py `about_goods`, `_BUYING_STEMS`, in
`_next_steps` beside `_other_sector`). The answer stage cannot use rag_core/kinds.py `about_service`: the
messages carry no kind, and its cosine margin is not a divide here (a banquet hall u1 +0.037, a flight s8
+0.023, a tour package s15 +0.075, a resort t18 +0.136 against a mobile from a shop s7 +0.080, summed as
kinds.py sums them; 18 of the 82 rows of those three sets pass its 0.15), so no field was added to GroundedPrompt. Counted
with bench/wrong_sector_steps.py on the rebased main -> after: stories 5 -> 2 wrong-sector steps (of 39 ->
38), stories2 3 -> 1 (43 -> 42), stories3 3 -> 1 (37 -> 36), the blind bench/data/key_facts_stories_sectors.csv
6 -> 1 (27 -> 25; measured once before and once after), dev and held-out to held-out5 unchanged (1, 1, 4, 1,
2, 0). The goods guide's steps no longer told: s8, s15, s24, s25, t18, t21, stories3 u13 (a course), blind
u1, u4, u12, u15, u18; still told: blind u11 ("tour operator sold us a package": "sold"), u19 (an AC repaired,
no remedy filter: not a "what can I do?" story). Lost by goods stories that name no buying: held-out2 b24 (a
new car's gearbox under warranty) and stories3 u4 (a hair oil seen in an ad, "paid rs 2400"); no key fact
rode on either. Key facts unchanged question by question on every set: dev 34/35, held-out 31/36, held-out2
31/40, held-out3 35/40, held-out4 30/40 (1 refused, d15), held-out5 25/40, stories 22/25, stories2 13/25 (1
refused), stories3 5/25 (3 refused), blind sectors 4/20 (1 refused, u16); out of scope answered 0 on every
set. Tried and dropped: every step of the goods guide (s5 above); not tried: "warranty" or "defect" as signs
of goods (would give b24 back, but b24 is a held-out question). Re-run rebased on main 82ac109 (direct
questions, sample letters), main and after in one run each, with --heldout6: every question of every set
the same (held-out2 32/40, held-out5 26/40, held-out6 20/34, stories3 5/25 with u2 refused as on main
since its scope change), out of scope answered 0; wrong-sector steps over those ten sets 20 of 383 -> 14 of
380."""  # noqa: E501 (a table of variants)


def shown(path: Path) -> str:
    """The path as a report names it: relative to the repository when inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def report(outcomes: list[Outcome], *, provider: str, path: Path = KEY_FACTS) -> str:
    inside = [o for o in outcomes if not o.out_of_scope]
    outside = [o for o in outcomes if o.out_of_scope]
    share = sum(o.correct for o in inside) / len(inside) if inside else 0.0
    lines = [
        f"Provider `{provider}`, index = the Act + knowledge/. {len(inside)} in-scope questions, "
        f"{len(outside)} out of scope ({shown(path)}).",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| in-scope answers stating every key fact | {sum(o.correct for o in inside)}/{len(inside)}"
        f" = {share:.2f} |",
        f"| in-scope questions refused | {sum(not o.answered for o in inside)}/{len(inside)} |",
        f"| out-of-scope questions answered | {sum(o.answered for o in outside)}/{len(outside)} |",
    ]
    misses = [o for o in outcomes if not o.correct]
    if misses:
        lines += ["", "Misses:"]
        for o in misses:
            what = (
                "answered"
                if o.out_of_scope
                else ("refused" if not o.answered else "missing " + ", ".join(o.missing))
            )
            lines.append(f"- {o.row['id']}: {what} — {o.row['question'][:90]}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.answers_keyfacts", description=__doc__)
    parser.add_argument("--provider", default="extractive", help="LLM_PROVIDER for the run")
    parser.add_argument("--backend", default=os.environ.get("EMBEDDING_BACKEND", DEFAULT_EMBEDDING_BACKEND))
    parser.add_argument(
        "--facts",
        type=Path,
        action="append",
        help=f"a key-facts CSV (repeatable; default {KEY_FACTS.relative_to(ROOT)})",
    )
    parser.add_argument("--heldout", action="store_true", help=f"also score {HELD_OUT.relative_to(ROOT)}")
    parser.add_argument("--heldout2", action="store_true", help=f"also score {HELD_OUT_2.relative_to(ROOT)}")
    parser.add_argument("--heldout3", action="store_true", help=f"also score {HELD_OUT_3.relative_to(ROOT)}")
    parser.add_argument("--heldout4", action="store_true", help=f"also score {HELD_OUT_4.relative_to(ROOT)}")
    parser.add_argument("--heldout5", action="store_true", help=f"also score {HELD_OUT_5.relative_to(ROOT)}")
    parser.add_argument("--heldout6", action="store_true", help=f"also score {HELD_OUT_6.relative_to(ROOT)}")
    parser.add_argument("--stories", action="store_true", help=f"also score {STORIES.relative_to(ROOT)}")
    parser.add_argument("--stories2", action="store_true", help=f"also score {STORIES_2.relative_to(ROOT)}")
    parser.add_argument("--stories3", action="store_true", help=f"also score {STORIES_3.relative_to(ROOT)}")
    parser.add_argument("--show", action="store_true", help="print every answer")
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    from llm_connector.settings import LlmSettings
    from rag_core.settings import RagSettings

    with tempfile.TemporaryDirectory() as tmp:
        build_ours(Path(tmp), [str(ACT), str(ROOT / "knowledge")], args.backend)
        pipeline = Pipeline.build(
            rag=RagSettings(index_dir=tmp, embedding_backend=args.backend),
            llm=LlmSettings(llm_provider=args.provider),
        )
        held_out = (
            (HELD_OUT, args.heldout),
            (HELD_OUT_2, args.heldout2),
            (HELD_OUT_3, args.heldout3),
            (HELD_OUT_4, args.heldout4),
            (HELD_OUT_5, args.heldout5),
            (HELD_OUT_6, args.heldout6),
            (STORIES, args.stories),
            (STORIES_2, args.stories2),
            (STORIES_3, args.stories3),
        )
        extra = [path for path, wanted in held_out if wanted]
        paths = [path.resolve() for path in args.facts or [KEY_FACTS]] + extra
        results = [(path, evaluate(pipeline, rows(path))) for path in paths]
    reports = []
    for path, outcomes in results:
        if args.show:
            for o in outcomes:
                print(f"=== {o.row['id']} {'OK ' if o.correct else 'MISS'} {o.row['question']}\n{o.answer}\n")
        reports.append(report(outcomes, provider=args.provider, path=path))
    text = "\n\n".join(reports)
    print(text)
    if args.write_docs:
        update_section("Answer key facts (bench.answers_keyfacts)", NOTES + "\n\n" + text)


if __name__ == "__main__":
    main()
