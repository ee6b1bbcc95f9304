"""Markdown guides with front matter, HTML pages, plain text, discovery, ids, messages and JSON lines."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from chunker.chunking import chunk_document
from chunker.pipeline import Chunker, write_jsonl
from chunker.readers import discover, read
from chunker.settings import ChunkerSettings
from tests.support.knowledge import MIXED_GUIDE, write_mixed_formats


def test_markdown_front_matter_becomes_metadata(tmp_path: Path, count) -> None:
    write_mixed_formats(tmp_path / "knowledge")
    chunks = chunk_document(read(tmp_path / "knowledge" / "refunds.md", "knowledge/refunds.md"), count=count)
    assert len(chunks) == 3
    assert {c.act for c in chunks} == {"Consumer Protection Act, 2019"}
    assert {c.section for c in chunks} == {"2(10), 35"}
    assert {c.title for c in chunks} == {"Refunds for defective goods"}
    assert chunks[0].text.startswith("When a shop must repair")
    assert chunks[1].heading == "Refunds for defective goods — What the law says"
    assert "Write to the seller." in chunks[2].text and "Keep the invoice." in chunks[2].text
    assert not any("---" in c.text or "title:" in c.text for c in chunks)


def test_html_and_text_are_read(tmp_path: Path, count) -> None:
    write_mixed_formats(tmp_path / "knowledge")
    html = chunk_document(read(tmp_path / "knowledge" / "page.html", "knowledge/page.html"), count=count)
    text = " ".join(c.text for c in html)
    assert "Call 1915 for free advice." in text and "Open every day." in text
    assert "var x" not in text and "menu" not in text
    assert html[0].title == "Helpline"
    plain = chunk_document(read(tmp_path / "knowledge" / "notes.txt", "knowledge/notes.txt"), count=count)
    assert "First paragraph about warranties." in plain[0].text


def test_discover_names_sources_from_the_given_folder_and_skips_readme(tmp_path: Path) -> None:
    write_mixed_formats(tmp_path / "knowledge")
    files, roots = discover([str(tmp_path / "knowledge")])
    assert roots == ["knowledge"]
    assert sorted(source for _, source in files) == [
        "knowledge/notes.txt",
        "knowledge/page.html",
        "knowledge/refunds.md",
    ]
    with pytest.raises(FileNotFoundError):
        discover([str(tmp_path / "missing")])


def test_chunk_ids_are_stable_and_follow_content(tmp_path: Path, count) -> None:
    write_mixed_formats(tmp_path / "knowledge")
    path = tmp_path / "knowledge" / "refunds.md"
    first = [c.chunk_id for c in chunk_document(read(path, "knowledge/refunds.md"), count=count)]
    again = [c.chunk_id for c in chunk_document(read(path, "knowledge/refunds.md"), count=count)]
    assert first == again and len(set(first)) == len(first)
    changed = MIXED_GUIDE.replace("Keep the invoice.", "Keep the invoice and the box.")
    path.write_text(changed, encoding="utf-8")
    changed = [c.chunk_id for c in chunk_document(read(path, "knowledge/refunds.md"), count=count)]
    assert changed[:2] == first[:2] and changed[2] != first[2]


def test_messages_batch_sources_and_end_with_the_build_marker(tmp_path: Path) -> None:
    write_mixed_formats(tmp_path / "knowledge")
    chunker = Chunker(settings=ChunkerSettings(batch_chunks=2))
    files, roots = chunker.plan([str(tmp_path / "knowledge")])
    messages = list(chunker.messages(build_id="b1", sources=chunker.chunk_files(files), roots=roots))
    *batches, end = messages
    assert end.finished is not None and not end.chunks
    assert end.finished.batches == len(batches)
    assert end.finished.chunks == sum(len(b.chunks) for b in batches)
    assert set(end.finished.sources) == {"knowledge/refunds.md", "knowledge/page.html", "knowledge/notes.txt"}
    assert end.finished.roots == ["knowledge"]
    refunds = [b for b in batches if b.source == "knowledge/refunds.md"]
    assert [b.batch_no for b in refunds] == [0, 1] and [b.last for b in refunds] == [False, True]
    out = io.StringIO()
    for batch in batches:
        write_jsonl(batch, out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == end.finished.chunks and {"chunk_id", "text", "source", "section"} <= set(lines[0])


def test_settings_refuse_sizes_beyond_the_model() -> None:
    with pytest.raises(ValueError):
        ChunkerSettings(chunk_target_tokens=300)
    with pytest.raises(ValueError):
        ChunkerSettings(chunk_target_tokens=100, chunk_overlap_tokens=60)
