-- What the index needs to treat the log as other people's input.
-- A file's ctime (which no one can set back, unlike its mtime): a rewrite
-- of the same size and mtime is noticed. Existing rows get 0, so the first
-- catch-up after this migration checks every file once.
ALTER TABLE log_file ADD COLUMN ctime_ns INTEGER NOT NULL DEFAULT 0;

-- Settings of the index: the fingerprint of the rules its lines were
-- checked against (the roadmap's tasks and the catalog's metrics).
CREATE TABLE index_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Ids whose copies in the log differ: none of them is applied until all
-- but one are removed from the log.
CREATE TABLE withheld (
    id TEXT PRIMARY KEY
) WITHOUT ROWID;
