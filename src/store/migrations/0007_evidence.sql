-- Evidence and what tells a claim from proof; series kept per source.
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

-- One row per series — a metric's live readings from one source — with how
-- many there are and the newest (by time, then id): what `status` lists per
-- series, what a task's acceptance is judged on (the newest measured one) and
-- which series the gate judges, without a scan of the readings. Kept by the
-- write path; replaces the per-metric counts.
CREATE TABLE series_stats (
    metric       TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    readings     INTEGER NOT NULL,
    latest_at    TEXT,
    latest_id    TEXT,
    latest_value REAL,
    PRIMARY KEY (metric, source)
) WITHOUT ROWID;
INSERT INTO series_stats (metric, source, readings, latest_at, latest_id, latest_value)
    SELECT metric, source, count(*), NULL, NULL, NULL
    FROM reading WHERE retracted_at IS NULL GROUP BY metric, source;
UPDATE series_stats SET
    (latest_at, latest_id, latest_value) = (
        SELECT at, event_id, value FROM reading
        WHERE reading.metric = series_stats.metric AND reading.source = series_stats.source
          AND retracted_at IS NULL
        ORDER BY at DESC, event_id DESC LIMIT 1);
DROP TABLE metric_stats;

-- The trend of a series (its last readings) without a look into the table
-- for each reading's source.
DROP INDEX reading_trend;
CREATE INDEX reading_trend ON reading (metric, at, event_id, value, source) WHERE retracted_at IS NULL;

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
