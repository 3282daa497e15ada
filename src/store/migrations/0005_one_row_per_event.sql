-- One row per event. A record (completion, reading, dog-food event, benchmark
-- run) and its event were two rows in two tables, joined by `event.record`;
-- now the record's row carries its event's columns and is keyed by the event
-- id, and `correction` holds the events that are not records (undos and
-- retractions). Rebuilding the index from the log writes one B-tree entry per
-- event instead of two. The view `event` shows every event, whatever its
-- kind, as the `event` table did.
--
-- Every record row has an event since migration 0004 (and its backfill); the
-- joins below are LEFT joins onto NOT NULL columns, so a record without one
-- stops the migration rather than being dropped.
CREATE TABLE completion_new (
    event_id         TEXT    PRIMARY KEY,
    month            INTEGER NOT NULL CHECK (month BETWEEN 1 AND 48),
    week             INTEGER NOT NULL CHECK (week BETWEEN 1 AND 4),
    block_first_week INTEGER CHECK (block_first_week BETWEEN 1 AND 4),
    task_key         TEXT    NOT NULL,
    title            TEXT    NOT NULL,
    adhoc            INTEGER NOT NULL DEFAULT 0 CHECK (adhoc IN (0, 1)),
    note             TEXT,
    completed_at     TEXT    NOT NULL,
    undone_at        TEXT,
    retracted_at     TEXT,
    legacy_name      TEXT,
    -- the event's
    author           TEXT    NOT NULL,
    recorded_at      TEXT    NOT NULL,  -- RFC 3339, milliseconds, UTC: text order is time order
    retracted_by     TEXT,
    line             TEXT,
    file             INTEGER,
    offset           INTEGER
) WITHOUT ROWID;
INSERT INTO completion_new
    SELECT c.event_id, c.month, c.week, c.block_first_week, c.task_key, c.title, c.adhoc, c.note,
           c.completed_at, c.undone_at, c.retracted_at, c.legacy_name,
           e.author, e.recorded_at, e.retracted_by, e.line, e.file, e.offset
    FROM completion c LEFT JOIN event e ON e.id = c.event_id;

CREATE TABLE reading_new (
    event_id     TEXT PRIMARY KEY,
    metric       TEXT NOT NULL,
    value        REAL NOT NULL,
    at           TEXT NOT NULL,
    source       TEXT NOT NULL,
    note         TEXT,
    run_event    TEXT,
    retracted_at TEXT,
    author       TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    retracted_by TEXT,
    line         TEXT,
    file         INTEGER,
    offset       INTEGER
) WITHOUT ROWID;
INSERT INTO reading_new
    SELECT r.event_id, r.metric, r.value, r.at, r.source, r.note, r.run_event, r.retracted_at,
           e.author, e.recorded_at, e.retracted_by, e.line, e.file, e.offset
    FROM reading r LEFT JOIN event e ON e.id = r.event_id;

CREATE TABLE dogfood_new (
    event_id     TEXT    PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind IN ('improvement', 'test', 'optimization', 'doc')),
    generated    INTEGER NOT NULL CHECK (generated IN (0, 1)),
    at           TEXT    NOT NULL,
    note         TEXT,
    retracted_at TEXT,
    author       TEXT    NOT NULL,
    recorded_at  TEXT    NOT NULL,
    retracted_by TEXT,
    line         TEXT,
    file         INTEGER,
    offset       INTEGER
) WITHOUT ROWID;
INSERT INTO dogfood_new
    SELECT d.event_id, d.kind, d.generated, d.at, d.note, d.retracted_at,
           e.author, e.recorded_at, e.retracted_by, e.line, e.file, e.offset
    FROM dogfood d LEFT JOIN event e ON e.id = d.event_id;

CREATE TABLE bench_run_new (
    event_id     TEXT    PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind IN ('cache', 'routing')),
    seed         INTEGER,
    workload     TEXT    NOT NULL,
    params       TEXT    NOT NULL, -- JSON: the configurations compared
    results      TEXT    NOT NULL, -- JSON: the figures of each configuration
    recorded     TEXT    NOT NULL, -- the configuration whose figures became readings
    started_at   TEXT    NOT NULL,
    duration_ms  REAL    NOT NULL,
    retracted_at TEXT,
    author       TEXT    NOT NULL,
    recorded_at  TEXT    NOT NULL,
    retracted_by TEXT,
    line         TEXT,
    file         INTEGER,
    offset       INTEGER
) WITHOUT ROWID;
INSERT INTO bench_run_new
    SELECT b.event_id, b.kind, b.seed, b.workload, b.params, b.results, b.recorded, b.started_at,
           b.duration_ms, b.retracted_at,
           e.author, e.recorded_at, e.retracted_by, e.line, e.file, e.offset
    FROM bench_run b LEFT JOIN event e ON e.id = b.event_id;

-- Undos and retractions: `target` is the event they take back.
CREATE TABLE correction (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('undo', 'retraction')),
    author       TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    target       TEXT NOT NULL,
    retracted_by TEXT,
    line         TEXT,
    file         INTEGER,
    offset       INTEGER
) WITHOUT ROWID;
INSERT INTO correction
    SELECT id, kind, author, recorded_at, target, retracted_by, line, file, offset
    FROM event WHERE record IS NULL;

DROP TABLE event;
DROP TABLE reading;
DROP TABLE completion;
DROP TABLE dogfood;
DROP TABLE bench_run;
ALTER TABLE completion_new RENAME TO completion;
ALTER TABLE reading_new RENAME TO reading;
ALTER TABLE dogfood_new RENAME TO dogfood;
ALTER TABLE bench_run_new RENAME TO bench_run;

CREATE INDEX completion_live_task ON completion (month, block_first_week, task_key, completed_at, event_id)
    WHERE undone_at IS NULL AND retracted_at IS NULL AND adhoc = 0;
CREATE INDEX completion_live_recent ON completion (completed_at, event_id)
    WHERE undone_at IS NULL AND retracted_at IS NULL;
CREATE INDEX completion_live_adhoc ON completion (month, completed_at)
    WHERE undone_at IS NULL AND retracted_at IS NULL AND adhoc = 1;
CREATE INDEX reading_trend ON reading (metric, at, event_id, value) WHERE retracted_at IS NULL;
CREATE INDEX reading_run ON reading (run_event) WHERE run_event IS NOT NULL;
CREATE INDEX correction_target ON correction (target);

-- Every event, whatever its kind: what `beast log`, `beast export`, `beast
-- retract` and `beast undo` read. A lookup by id reaches each table's key.
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
    SELECT id, kind, author, recorded_at, target, retracted_by, line, file, offset, 0
        FROM correction;
