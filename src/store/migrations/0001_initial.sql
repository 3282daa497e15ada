-- Task completions. Planned tasks are identified by month, the first week of
-- their block and their normalised title; ad-hoc work has no block.
-- Undoing a completion stamps `undone_at` instead of deleting the row, so the
-- history of what was recorded is never lost.
CREATE TABLE completion (
    id               INTEGER PRIMARY KEY,
    month            INTEGER NOT NULL CHECK (month BETWEEN 1 AND 48),
    week             INTEGER NOT NULL CHECK (week BETWEEN 1 AND 4),
    block_first_week INTEGER CHECK (block_first_week BETWEEN 1 AND 4),
    task_key         TEXT    NOT NULL,
    title            TEXT    NOT NULL,
    adhoc            INTEGER NOT NULL DEFAULT 0 CHECK (adhoc IN (0, 1)),
    note             TEXT,
    completed_at     TEXT    NOT NULL,
    undone_at        TEXT
);
-- At most one live completion per planned task.
CREATE UNIQUE INDEX completion_live_task
    ON completion (month, block_first_week, task_key)
    WHERE undone_at IS NULL AND adhoc = 0;
CREATE INDEX completion_recent ON completion (completed_at);
CREATE INDEX completion_live_adhoc ON completion (month) WHERE undone_at IS NULL AND adhoc = 1;

-- Metric readings: every reading is kept; the latest by `at` is what counts.
CREATE TABLE reading (
    id          INTEGER PRIMARY KEY,
    metric      TEXT NOT NULL,
    value       REAL NOT NULL,
    at          TEXT NOT NULL,
    source      TEXT NOT NULL,
    note        TEXT,
    recorded_at TEXT NOT NULL
);
CREATE INDEX reading_by_metric ON reading (metric, at);

-- Reading counts per metric, kept by trigger so that `status` stays constant
-- time however many readings accumulate.
CREATE TABLE metric_stats (
    metric   TEXT PRIMARY KEY,
    readings INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER reading_counted AFTER INSERT ON reading BEGIN
    INSERT INTO metric_stats (metric, readings) VALUES (NEW.metric, 1)
    ON CONFLICT (metric) DO UPDATE SET readings = readings + 1;
END;
CREATE TRIGGER reading_uncounted AFTER DELETE ON reading BEGIN
    UPDATE metric_stats SET readings = readings - 1 WHERE metric = OLD.metric;
END;

-- Dog-food events: a piece of work and whether BEAST MODE generated it.
CREATE TABLE dogfood (
    id        INTEGER PRIMARY KEY,
    kind      TEXT    NOT NULL CHECK (kind IN ('improvement', 'test', 'optimization', 'doc')),
    generated INTEGER NOT NULL CHECK (generated IN (0, 1)),
    at        TEXT    NOT NULL,
    note      TEXT
);
CREATE INDEX dogfood_recent ON dogfood (at);

CREATE TABLE dogfood_stats (
    kind      TEXT    NOT NULL,
    generated INTEGER NOT NULL,
    events    INTEGER NOT NULL,
    PRIMARY KEY (kind, generated)
) WITHOUT ROWID;
CREATE TRIGGER dogfood_counted AFTER INSERT ON dogfood BEGIN
    INSERT INTO dogfood_stats (kind, generated, events) VALUES (NEW.kind, NEW.generated, 1)
    ON CONFLICT (kind, generated) DO UPDATE SET events = events + 1;
END;
CREATE TRIGGER dogfood_uncounted AFTER DELETE ON dogfood BEGIN
    UPDATE dogfood_stats SET events = events - 1 WHERE kind = OLD.kind AND generated = OLD.generated;
END;
