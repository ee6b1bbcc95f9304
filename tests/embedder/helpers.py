"""Shared by embedder and rag_core tests: one model per process and small knowledge folders."""

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
