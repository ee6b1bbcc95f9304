"""embedder: turns chunk batches into an immutable, versioned index snapshot and switches to it.

Snapshots. Every build writes a new directory INDEX_DIR/snapshots/<build_id>/ (Chroma persistent
dir `chroma/`, bm25s index `lexical/`, every passage in `chunks.jsonl`, `manifest.json` written last).
The directory is created with an exclusive mkdir, so exactly one process ever writes it; nobody
writes it again after the manifest exists: a reader (rag_core, or the next build reading its base) hands
Chroma a private copy of `chroma/` (common.index_layout.published_chroma), so a published snapshot
can be shared by many readers and mounted read-only. When the build is complete and verified (counts match
the end marker, Chroma and chunks.jsonl agree, sampled passages retrieve themselves), the pointer
file INDEX_DIR/current is replaced atomically (write a temp file, os.replace). rag_core stats that
file and swaps to the new snapshot without a restart. Old complete snapshots beyond KEEP_SNAPSHOTS
and failed builds are deleted; `current` never is.

What a build contains. A new snapshot starts from the current one: sources this build re-ingests
replace all of their old chunks; sources under a folder this build scanned that no longer exist
are removed (deleted documents stop showing up in answers); every other source is carried over
unchanged (so adding the Act PDF keeps the default knowledge base). A source is named relative to
the parent of the path given (`knowledge/appeals.md`, `consumer_protection_act_2019.pdf`).
Vectors of text that did not change are copied from the previous snapshot instead of re-embedded,
so re-ingesting is idempotent and cheap: same chunk ids, no duplicates.

Run one embedder consumer per index volume (ECS desired count 1): batches of a build must reach
the writer that owns its snapshot directory; a second consumer would refuse rather than corrupt.
"""
