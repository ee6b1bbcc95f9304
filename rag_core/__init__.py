"""rag_core: retrieves passages for a redacted question and builds the grounded prompt."""
