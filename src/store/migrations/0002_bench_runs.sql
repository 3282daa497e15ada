-- Benchmark runs: what `beast bench` ran, on which workload, with which seed,
-- and every configuration's figures. Readings a run wrote point back to it,
-- so a measured number can always be traced to how it was measured.
CREATE TABLE bench_run (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('cache', 'routing')),
    seed        INTEGER,
    workload    TEXT    NOT NULL,
    params      TEXT    NOT NULL, -- JSON: the configurations compared
    results     TEXT    NOT NULL, -- JSON: the figures of each configuration
    recorded    TEXT    NOT NULL, -- the configuration whose figures became readings
    started_at  TEXT    NOT NULL,
    duration_ms REAL    NOT NULL
);

ALTER TABLE reading ADD COLUMN run_id INTEGER REFERENCES bench_run (id);
