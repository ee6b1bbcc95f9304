"""Small knowledge folders for the pipeline, embedder and rag_core tests, and ingesting them."""

from __future__ import annotations

from pathlib import Path

from chunker.settings import ChunkerSettings
from embedder.ingest import Summary, ingest
from embedder.settings import EmbedderSettings

GUIDES = {
    "limitation.md": (
        "Time limit for consumer complaints",
        ["69"],
        "A complaint must be filed within two years from the date on which the cause of action "
        "arose. A late complaint can be admitted if the commission accepts a sufficient cause.",
    ),
    "mediation.md": (
        "Mediation of consumer disputes",
        ["74", "75"],
        "The commission can refer a dispute to mediation. The panel of mediators is valid for "
        "five years and mediators must disclose any conflict of interest.",
    ),
    "refunds.md": (
        "Refunds for defective goods",
        ["2(10)"],
        "A defect is any fault, imperfection or shortcoming in quality. The commission can order "
        "the seller to replace the goods or refund the price.",
    ),
}


def write_guide(folder: Path, name: str, title: str, sections: list[str], body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(
        f"---\ntitle: {title}\nact: Consumer Protection Act, 2019\nsections: {sections}\n"
        f"summary: {title}.\n---\n# {title}\n\n## What the law says\n\n{body}\n\n"
        "## What to do\n\nKeep your invoice and write to the seller.\n",
        encoding="utf-8",
    )
    return path


def write_knowledge(folder: Path) -> Path:
    for name, (title, sections, body) in GUIDES.items():
        write_guide(folder, name, title, sections, body)
    return folder


def settings_for(index_dir: Path, **extra: object) -> EmbedderSettings:
    return EmbedderSettings(index_dir=str(index_dir), **extra)  # type: ignore[arg-type]


def ingest_paths(index_dir: Path, *paths: Path, **extra: object) -> Summary:
    return ingest(
        [str(p) for p in paths],
        settings=settings_for(index_dir, **extra),
        chunker_settings=ChunkerSettings(),
        progress=False,
    )


MIXED_GUIDE = """---
title: Refunds for defective goods
act: Consumer Protection Act, 2019
sections: ["2(10)", "35"]
summary: When a shop must repair, replace or refund defective goods.
---
# Refunds for defective goods

A short introduction to refunds.

## What the law says

A defect is any fault or shortcoming in quality. The commission can order a refund.

## How to ask for a refund

- Write to the seller.
- Keep the invoice.
"""


def write_mixed_formats(folder: Path) -> None:
    """A Markdown guide (MIXED_GUIDE), a README that is not knowledge, an HTML page and a text file."""
    folder.mkdir()
    (folder / "refunds.md").write_text(MIXED_GUIDE, encoding="utf-8")
    (folder / "README.md").write_text("# How to write guides\nNot knowledge.", encoding="utf-8")
    (folder / "page.html").write_text(
        "<html><head><title>Helpline</title><script>var x=1;</script></head><body><nav>menu</nav>"
        "<h1>Helpline</h1><p>Call 1915 for free advice.</p><h2>Hours</h2><p>Open every day.</p>"
        "</body></html>",
        encoding="utf-8",
    )
    (folder / "notes.txt").write_text(
        "First paragraph about warranties.\n\nSecond paragraph.", encoding="utf-8"
    )
