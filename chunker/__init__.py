"""chunker: turns statutes, guides and web pages into citable chunks that fit the embedding model.

Readers (PDF, Markdown with YAML front matter, HTML, plain text) produce text with page numbers;
the statute parser recognises Chapter -> Section -> sub-section / clause and drops page numbers,
footnotes and the arrangement-of-sections table; the splitter packs units up to a token budget
measured with the model's own tokenizer and splits longer ones with overlap. `python -m chunker`
publishes ChunkBatch messages for the embedder and can also write JSON lines.
"""
