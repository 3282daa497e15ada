-- Events: every record is an event with a globally unique, time-ordered id,
-- an author and a recorded-at time, so that histories from several machines
-- merge by union. Undos and retractions point at `target`; `retracted_by`
-- marks an event a retraction took back; `record` is the row id of the
-- event's row in its kind's table. The event's line as the log format writes
-- it (what `beast export` prints) is in `line` for a personal database, and
-- at `offset` in log file `file` for a project's index, which keeps the index
-- small: the log already holds every line.
CREATE TABLE event (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    author       TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,  -- RFC 3339, milliseconds, UTC: text order is time order
    target       TEXT,
    retracted_by TEXT,
    record       INTEGER,
    line         TEXT,
    file         INTEGER,
    offset       INTEGER
) WITHOUT ROWID;
CREATE INDEX event_target ON event (target) WHERE target IS NOT NULL;

-- Each record row names its event. Retracted rows stay, flagged, and leave
-- every count, verdict and trend.
ALTER TABLE completion ADD COLUMN event_id TEXT;
ALTER TABLE completion ADD COLUMN retracted_at TEXT;
ALTER TABLE completion ADD COLUMN legacy_name TEXT;
ALTER TABLE reading ADD COLUMN event_id TEXT;
ALTER TABLE reading ADD COLUMN retracted_at TEXT;
ALTER TABLE reading ADD COLUMN run_event TEXT;
ALTER TABLE dogfood ADD COLUMN event_id TEXT;
ALTER TABLE dogfood ADD COLUMN retracted_at TEXT;
ALTER TABLE bench_run ADD COLUMN event_id TEXT;
ALTER TABLE bench_run ADD COLUMN retracted_at TEXT;

-- Two people may complete the same task on two branches; after the merge both
-- completions exist and the earliest counts. So no uniqueness here.
DROP INDEX completion_live_task;
DROP INDEX completion_recent;
DROP INDEX completion_live_adhoc;
-- Nothing reads dog-food events by time; their counts are kept apart.
DROP INDEX dogfood_recent;
CREATE INDEX completion_live_task ON completion (month, block_first_week, task_key, completed_at, event_id)
    WHERE undone_at IS NULL AND retracted_at IS NULL AND adhoc = 0;
CREATE INDEX completion_live_recent ON completion (completed_at, event_id)
    WHERE undone_at IS NULL AND retracted_at IS NULL;
CREATE INDEX completion_live_adhoc ON completion (month, completed_at)
    WHERE undone_at IS NULL AND retracted_at IS NULL AND adhoc = 1;

-- Live readings only, ties broken by event id so that every machine orders
-- them the same way.
DROP INDEX reading_trend;
CREATE INDEX reading_trend ON reading (metric, at, event_id, value) WHERE retracted_at IS NULL;
CREATE INDEX reading_run ON reading (run_event) WHERE run_event IS NOT NULL;
CREATE INDEX bench_run_event ON bench_run (event_id);

-- Counts of live records are kept by the code that applies events (the one
-- write path) rather than by triggers: a statement that fires a trigger needs
-- a statement journal, which copies every page it touches and made rebuilding
-- the index from the log several times slower.
DROP TRIGGER reading_counted;
DROP TRIGGER reading_uncounted;
DROP TRIGGER dogfood_counted;
DROP TRIGGER dogfood_uncounted;

-- Live ad-hoc completions per month, kept incrementally: counting them from
-- the index grows with the history.
CREATE TABLE adhoc_stats (
    month INTEGER PRIMARY KEY,
    count INTEGER NOT NULL
);
INSERT INTO adhoc_stats (month, count)
    SELECT month, count(*) FROM completion WHERE undone_at IS NULL AND adhoc = 1 GROUP BY month;

-- Project mode: how far each log file has been read into this index. `crc`
-- is the CRC-32 of the first `length` bytes; `size`, `mtime_ns` and `inode`
-- are the file's metadata when it was last read, so an unchanged file costs
-- one stat. `no` is what event.file refers to.
CREATE TABLE log_file (
    no       INTEGER PRIMARY KEY,
    path     TEXT NOT NULL UNIQUE,
    length   INTEGER NOT NULL,
    lines    INTEGER NOT NULL,
    crc      INTEGER NOT NULL,
    size     INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    inode    INTEGER NOT NULL
);
