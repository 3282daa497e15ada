-- Evidence and what tells a claim from proof.
--
-- `evidence`: a record event like the others (its own columns, then the
-- event's), pointing at the completion it supports by `target`. Retracting
-- it marks it; a live row counts.
CREATE TABLE evidence (
    event_id     TEXT PRIMARY KEY,
    target       TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('commit', 'url', 'path')),
    ref          TEXT NOT NULL,
    commit_id    TEXT,
    retracted_at TEXT,
    author       TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    retracted_by TEXT,
    line         TEXT,
    file         INTEGER,
    offset       INTEGER
) WITHOUT ROWID;
CREATE INDEX evidence_target ON evidence (target) WHERE retracted_at IS NULL;

-- `Roadmap-Task:` trailers of the repository's commits, as `git log` gave
-- them at the HEAD named in index_meta (`trailers_head`): derived from git,
-- not from the log, and read again whenever HEAD moves.
CREATE TABLE commit_trailer (
    commit_id TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (commit_id, value)
) WITHOUT ROWID;

-- The newest measured reading of a metric (any source but `manual` and the
-- legacy import) in one seek: what a task's acceptance is judged on.
CREATE INDEX reading_measured ON reading (metric, at, event_id, value)
    WHERE retracted_at IS NULL AND source <> 'manual' AND substr(source, 1, 7) <> 'import:';

DROP VIEW event;
CREATE VIEW event (id, kind, author, recorded_at, target, retracted_by, line, file, offset, is_record) AS
    SELECT event_id, 'completion', author, recorded_at, NULL, retracted_by, line, file, offset, 1
        FROM completion
    UNION ALL
    SELECT event_id, 'reading', author, recorded_at, NULL, retracted_by, line, file, offset, 1
        FROM reading
    UNION ALL
    SELECT event_id, 'dogfood', author, recorded_at, NULL, retracted_by, line, file, offset, 1
        FROM dogfood
    UNION ALL
    SELECT event_id, 'bench_run', author, recorded_at, NULL, retracted_by, line, file, offset, 1
        FROM bench_run
    UNION ALL
    SELECT event_id, 'evidence', author, recorded_at, target, retracted_by, line, file, offset, 1
        FROM evidence
    UNION ALL
    SELECT id, kind, author, recorded_at, target, retracted_by, line, file, offset, 0
        FROM correction;
