-- The status screen reads the last few values of every metric. With the
-- values in the index those come from a handful of index pages instead of one
-- table page per reading, so the cost does not grow with the history.
DROP INDEX reading_by_metric;
CREATE INDEX reading_trend ON reading (metric, at, id, value);
