-- Events: every record is an event with a globally unique, time-ordered id,
-- an author and a recorded-at time, so that histories from several machines
-- merge by union. `line` is the event exactly as the log format writes it
-- (what `beast export` prints). Undos and retractions point at `target`;
-- `retracted_by` marks an event a retraction took back.
CREATE TABLE event (
    id           TEXT PRIMARY KEY,
    short        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    author       TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,  -- RFC 3339, milliseconds, UTC: text order is time order
    target       TEXT,
    retracted_by TEXT,
    line         TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX event_short ON event (short);
CREATE INDEX event_target ON event (target) WHERE target IS NOT NULL;
CREATE INDEX event_by_author ON event (author, recorded_at, id);

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
CREATE INDEX completion_live_task ON completion (month, block_first_week, task_key, completed_at, event_id)
    WHERE undone_at IS NULL AND retracted_at IS NULL AND adhoc = 0;
CREATE INDEX completion_live_recent ON completion (completed_at, event_id)
    WHERE undone_at IS NULL AND retracted_at IS NULL;
CREATE INDEX completion_live_adhoc ON completion (month, completed_at)
    WHERE undone_at IS NULL AND retracted_at IS NULL AND adhoc = 1;
CREATE UNIQUE INDEX completion_event ON completion (event_id);

-- Live readings only, ties broken by event id so that every machine orders
-- them the same way.
DROP INDEX reading_trend;
CREATE INDEX reading_trend ON reading (metric, at, event_id, value) WHERE retracted_at IS NULL;
CREATE UNIQUE INDEX reading_event ON reading (event_id);
CREATE INDEX reading_run ON reading (run_event) WHERE run_event IS NOT NULL;
CREATE UNIQUE INDEX dogfood_event ON dogfood (event_id);
CREATE UNIQUE INDEX bench_run_event ON bench_run (event_id);

-- Counts kept by triggers count live records only.
DROP TRIGGER reading_counted;
DROP TRIGGER reading_uncounted;
CREATE TRIGGER reading_counted AFTER INSERT ON reading WHEN NEW.retracted_at IS NULL BEGIN
    INSERT INTO metric_stats (metric, readings) VALUES (NEW.metric, 1)
    ON CONFLICT (metric) DO UPDATE SET readings = readings + 1;
END;
CREATE TRIGGER reading_uncounted AFTER DELETE ON reading WHEN OLD.retracted_at IS NULL BEGIN
    UPDATE metric_stats SET readings = readings - 1 WHERE metric = OLD.metric;
END;
CREATE TRIGGER reading_retracted AFTER UPDATE OF retracted_at ON reading
    WHEN OLD.retracted_at IS NULL AND NEW.retracted_at IS NOT NULL BEGIN
    UPDATE metric_stats SET readings = readings - 1 WHERE metric = OLD.metric;
END;

DROP TRIGGER dogfood_counted;
DROP TRIGGER dogfood_uncounted;
CREATE TRIGGER dogfood_counted AFTER INSERT ON dogfood WHEN NEW.retracted_at IS NULL BEGIN
    INSERT INTO dogfood_stats (kind, generated, events) VALUES (NEW.kind, NEW.generated, 1)
    ON CONFLICT (kind, generated) DO UPDATE SET events = events + 1;
END;
CREATE TRIGGER dogfood_uncounted AFTER DELETE ON dogfood WHEN OLD.retracted_at IS NULL BEGIN
    UPDATE dogfood_stats SET events = events - 1 WHERE kind = OLD.kind AND generated = OLD.generated;
END;
CREATE TRIGGER dogfood_retracted AFTER UPDATE OF retracted_at ON dogfood
    WHEN OLD.retracted_at IS NULL AND NEW.retracted_at IS NOT NULL BEGIN
    UPDATE dogfood_stats SET events = events - 1 WHERE kind = OLD.kind AND generated = OLD.generated;
END;

-- Live ad-hoc completions per month, kept incrementally: counting them from
-- the index grows with the history.
CREATE TABLE adhoc_stats (
    month INTEGER PRIMARY KEY,
    count INTEGER NOT NULL
);
INSERT INTO adhoc_stats (month, count)
    SELECT month, count(*) FROM completion WHERE undone_at IS NULL AND adhoc = 1 GROUP BY month;
CREATE TRIGGER adhoc_counted AFTER INSERT ON completion
    WHEN NEW.adhoc = 1 AND NEW.undone_at IS NULL AND NEW.retracted_at IS NULL BEGIN
    INSERT INTO adhoc_stats (month, count) VALUES (NEW.month, 1)
    ON CONFLICT (month) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER adhoc_uncounted AFTER UPDATE OF undone_at, retracted_at ON completion
    WHEN NEW.adhoc = 1 AND OLD.undone_at IS NULL AND OLD.retracted_at IS NULL
     AND (NEW.undone_at IS NOT NULL OR NEW.retracted_at IS NOT NULL) BEGIN
    UPDATE adhoc_stats SET count = count - 1 WHERE month = NEW.month;
END;

-- Project mode: how far each log file has been read into this index. `crc`
-- is the CRC-32 of the first `length` bytes; `size`, `mtime_ns` and `inode`
-- are the file's metadata when it was last read, so an unchanged file costs
-- one stat.
CREATE TABLE log_file (
    path     TEXT PRIMARY KEY,
    length   INTEGER NOT NULL,
    lines    INTEGER NOT NULL,
    crc      INTEGER NOT NULL,
    size     INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    inode    INTEGER NOT NULL
) WITHOUT ROWID;
