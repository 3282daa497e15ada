-- The floor under rebuilding the index from the log: the mixed shape's 1.1 M
-- reading rows and 1.1 M event rows inserted in plain SQL, and the trend index
-- built, with the index's pragmas and no log to parse. Run on an empty file:
--   rm -f /tmp/floor.db*; sqlite3 /tmp/floor.db < benches/index-floor.sql
-- The README's speed section quotes the timings it prints.
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
PRAGMA cache_size=-65536;
PRAGMA temp_store=MEMORY;
CREATE TABLE reading (id INTEGER PRIMARY KEY, metric TEXT NOT NULL, value REAL NOT NULL, at TEXT NOT NULL, source TEXT NOT NULL, note TEXT, recorded_at TEXT NOT NULL, run_id INTEGER, event_id TEXT, retracted_at TEXT, run_event TEXT);
CREATE TABLE event (id TEXT PRIMARY KEY, kind TEXT NOT NULL, author TEXT NOT NULL, recorded_at TEXT NOT NULL, target TEXT, retracted_by TEXT, record INTEGER, line TEXT, file INTEGER, offset INTEGER) WITHOUT ROWID;
.timer on
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 1100000)
INSERT INTO reading (id, metric, value, at, source, note, recorded_at, event_id)
SELECT i, 'cacheHitRate', i*0.5, printf('2026-%02d-%02dT10:00:00Z', 1+i%12, 1+i%28), 'manual', NULL, printf('2026-%02d-%02dT10:00:00Z', 1+i%12, 1+i%28), printf('01J%023d', i) FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 1100000)
INSERT INTO event (id, kind, author, recorded_at, record, file, offset)
SELECT printf('01J%023d', i), 'reading', 'alice@example.com', printf('2026-%02d-%02dT10:00:00.000Z', 1+i%12, 1+i%28), i, 1, i*250 FROM n;
CREATE INDEX reading_trend ON reading (metric, at, event_id, value) WHERE retracted_at IS NULL;
COMMIT;
