"""A guide's sample letter (a Markdown blockquote) is marked line by line; its chunks say they hold one."""

from __future__ import annotations

import re
from pathlib import Path

from chunker.chunking import Sizes, chunk_document
from chunker.readers import read
from common.samples import SAMPLE_MARK, is_sample_line, sample_runs, without_samples

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge"


def _quoted_lines(path: Path) -> list[str]:
    """The words of every blockquote line of a guide, as written."""
    lines = [
        re.sub(r"^[>\s]+", "", ln)
        for ln in path.read_text(encoding="utf-8").splitlines()
        if ln.startswith(">")
    ]
    return [ln for ln in lines if ln]


def test_every_blockquote_line_of_the_guides_is_marked_and_its_chunk_is_a_sample(count) -> None:
    guides = [p for p in sorted(KNOWLEDGE.glob("*.md")) if p.name != "README.md"]
    quoting = [p for p in guides if _quoted_lines(p)]
    assert quoting, "knowledge/ has a sample letter (legal-notice-and-sample-complaint.md)"
    for path in guides:
        chunks = chunk_document(read(path, f"knowledge/{path.name}"), count=count)
        quoted = _quoted_lines(path)
        for chunk in chunks:
            lines = chunk.text.split("\n")
            assert chunk.sample == any(is_sample_line(ln) for ln in lines), chunk.heading
            own = without_samples(chunk.text)
            for words in quoted:  # no line of the guide's own words holds a sample line's words
                assert words not in own, (path.name, words)
        marked = {ln[len(SAMPLE_MARK) :] for c in chunks for ln in c.text.split("\n") if is_sample_line(ln)}
        assert marked == set(quoted), path.name


def test_the_sample_notices_last_paragraph_is_sample_text_and_the_advice_after_it_is_not(count) -> None:
    path = KNOWLEDGE / "legal-notice-and-sample-complaint.md"
    chunks = chunk_document(read(path, "knowledge/legal-notice-and-sample-complaint.md"), count=count)
    threat = next(c for c in chunks if "If you fail, I will file a complaint" in c.text)
    assert threat.sample
    line = next(ln for ln in threat.text.split("\n") if "If you fail" in ln)
    assert line.startswith(f"{SAMPLE_MARK}6. If you fail, I will file a complaint")
    advice = next(c for c in chunks if "Send by **registered post" in c.text)
    runs = sample_runs(advice.text)
    assert [sample for sample, _ in runs] == [True, False]  # the signature line, then the guide's advice
    assert runs[1][1].startswith("Send by **registered post")
    assert not next(c for c in chunks if "does **not** require a notice" in c.text).sample


def test_a_sample_line_too_long_for_one_chunk_keeps_its_mark_in_every_piece(tmp_path: Path, count) -> None:
    long_line = " ".join(
        f"Clause {n} of the sample asks the seller for a refund of the price paid." for n in range(40)
    )
    (tmp_path / "guide.md").write_text(
        "---\ntitle: Letters\n---\n## A long sample\n\nWrite it yourself.\n\n> "
        + long_line
        + "\n\nKeep a copy.\n",
        encoding="utf-8",
    )
    chunks = chunk_document(
        read(tmp_path / "guide.md", "knowledge/guide.md"), count=count, sizes=Sizes(100, 20)
    )
    assert len(chunks) > 2 and all(c.sample for c in chunks if "Clause" in c.text)
    for chunk in chunks:
        for ln in chunk.text.split("\n"):
            assert is_sample_line(ln) == ("Clause" in ln), ln
    own = " ".join(without_samples(c.text) for c in chunks)
    assert "Write it yourself." in own and "Keep a copy." in own and "Clause" not in own
