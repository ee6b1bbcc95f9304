-- One row per query: created pending by the accepted event, finalised once by the first result.
-- The question is stored only in its redacted form; personal data never reaches this table.
CREATE TABLE queries (
    query_id          uuid PRIMARY KEY,
    status            text NOT NULL CHECK (status IN ('pending', 'answered', 'failed')),
    redacted_question text,
    pii_found         text[] NOT NULL DEFAULT '{}',
    top_k             integer,
    answer            text,
    answered          boolean,
    citations         jsonb NOT NULL DEFAULT '[]',
    model             text NOT NULL DEFAULT '',
    provider          text NOT NULL DEFAULT '',
    input_tokens      integer NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
    output_tokens     integer NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
    cost_usd          numeric(14, 8) NOT NULL DEFAULT 0 CHECK (cost_usd >= 0),
    error_stage       text,
    error_code        text,
    error_message     text,
    timings_ms        jsonb NOT NULL DEFAULT '{}',
    submitted_at      timestamptz,
    completed_at      timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    -- a final row always says when it finished; a pending one never does
    CONSTRAINT queries_completed_iff_final CHECK ((status = 'pending') = (completed_at IS NULL))
);

-- Spend caps sum cost_usd over a day or a month of completed queries. At a few hundred queries a
-- day this index (covering cost_usd, so the sum is an index-only scan) is enough; no rollup table.
CREATE INDEX queries_completed_at_idx ON queries (completed_at) INCLUDE (cost_usd)
    WHERE completed_at IS NOT NULL;
