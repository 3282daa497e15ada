-- The floor under rebuilding the index from the log: the mixed shape's
-- 1.1 M readings inserted as schema 5 stores them (one row per event, keyed
-- by its id) and the trend index built, in plain SQL, with the pragmas of a
-- new index (rollback journal, 64 MB page cache) and no log to parse. Run on
-- an empty file:
--   rm -f /tmp/floor.db*; sqlite3 /tmp/floor.db < benches/index-floor.sql
-- docs/benchmarks.md's speed section quotes the timings it prints.
PRAGMA journal_mode=DELETE;
PRAGMA synchronous=NORMAL;
PRAGMA cache_size=-65536;
PRAGMA temp_store=MEMORY;
CREATE TABLE reading (event_id TEXT PRIMARY KEY, metric TEXT NOT NULL, value REAL NOT NULL, at TEXT NOT NULL, source TEXT NOT NULL, note TEXT, run_event TEXT, retracted_at TEXT, author TEXT NOT NULL, recorded_at TEXT NOT NULL, retracted_by TEXT, line TEXT, file INTEGER, offset INTEGER) WITHOUT ROWID;
.timer on
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 1100000)
INSERT INTO reading (event_id, metric, value, at, source, author, recorded_at, file, offset)
SELECT printf('01J%023d', i), 'cacheHitRate', i*0.5, printf('2026-%02d-%02dT10:00:00Z', 1+i%12, 1+i%28), 'manual', 'alice@example.com', printf('2026-%02d-%02dT10:00:00.000Z', 1+i%12, 1+i%28), 1, i*250 FROM n;
CREATE INDEX reading_trend ON reading (metric, at, event_id, value) WHERE retracted_at IS NULL;
COMMIT;
