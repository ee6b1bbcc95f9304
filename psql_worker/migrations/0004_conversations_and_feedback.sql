-- Conversations and feedback (issue 18). 0002 stays unused (an old branch's number).
--
-- A conversation is the queries that share a conversation_id: the gateway issues the id with the
-- first question and sends it with each follow-up; psql_worker stores it with the accepted query.
-- Its turns are these rows, so they hold only what a query row holds: the redacted question and the
-- answer with placeholders, never personal data. NULL for queries from before this migration.
ALTER TABLE queries ADD COLUMN conversation_id uuid;
CREATE INDEX queries_conversation_idx ON queries (conversation_id, submitted_at)
    WHERE conversation_id IS NOT NULL;

-- Whether an answer helped, one row per query (asking again replaces it). Written by the gateway
-- itself (POST /queries/{id}/feedback answers 201 once the row is committed); the comment is stored
-- only after the gateway's redaction, with the types of what it removed.
CREATE TABLE feedback (
    query_id          uuid PRIMARY KEY REFERENCES queries (query_id) ON DELETE CASCADE,
    helpful           boolean NOT NULL,
    comment           text,
    comment_pii_found text[] NOT NULL DEFAULT '{}',
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
