-- Who asked each query, so that GET /queries/{id} answers only them (or an operator key): an API
-- key's caller id ('key:' + the first 12 hex digits of the key's SHA-256) or a page session. '' for
-- queries asked while the gateway ran without keys, and for rows from before this migration: with keys
-- on, only an operator key can read those. Never a key, never a client address.
-- (0002 is left to the conversations migration of the chat page.)
ALTER TABLE queries ADD COLUMN owner text NOT NULL DEFAULT '';
