"""Sample text in a guide (a letter or form to fill in): marked by the chunker, never read as advice or law.

A guide's sample legal notice ("> 6. If you fail, I will file a complaint ...") is a Markdown blockquote;
its sentences are what the person may write, not what the law says or what they should do. The chunker
gives each such line SAMPLE_MARK and the chunk `sample=True` (common.messages.Chunk); the index keeps the
flag and rag_core hands it on in Passage.sample. In a sample passage, a line starting with SAMPLE_MARK is
sample text: the prompt for the model shows those lines as a sample, and the extractive answer quotes none
of them (it may still cite the guide, whose own sentences point to the sample).
"""

from __future__ import annotations

SAMPLE_MARK = "> "


def is_sample_line(line: str, *, mark: str = SAMPLE_MARK) -> bool:
    """A line the chunker marked as sample text (`mark`: the mark as the text spells it, escaped)."""
    return line.lstrip().startswith(mark.strip())


def sample_runs(text: str, *, mark: str = SAMPLE_MARK) -> list[tuple[bool, str]]:
    """The text as runs of consecutive lines, each (is sample text, its lines), marks removed from the
    sample runs' lines; in reading order."""
    runs: list[tuple[bool, list[str]]] = []
    for line in text.split("\n"):
        sample = is_sample_line(line, mark=mark)
        if sample:
            line = line.lstrip()[len(mark.strip()) :].strip()
        if runs and runs[-1][0] == sample:
            runs[-1][1].append(line)
        else:
            runs.append((sample, [line]))
    return [(sample, "\n".join(lines)) for sample, lines in runs]


def without_samples(text: str) -> str:
    """The text with every sample line blank: what is left is the guide's own words, and a sample between
    two paragraphs still ends the first."""
    return "\n".join("" if is_sample_line(line) else line for line in text.split("\n"))
