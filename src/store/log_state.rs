//! What the index knows of the log it was read from: how far each file was
//! read and what it looked like then, which ids are withheld because their
//! copies conflict, and the fingerprint of the rules the lines were checked
//! against. See `crate::log` for how a catch-up uses them.

use anyhow::Result;
use rusqlite::{params, OptionalExtension};

use super::Writer;

impl Writer<'_> {
    /// Empties the index: every event and everything derived from them, and
    /// what the log files looked like. For a rebuild from the log.
    pub fn clear(&self) -> Result<()> {
        self.tx.execute_batch(
            "DELETE FROM correction; DELETE FROM reading; DELETE FROM completion;
             DELETE FROM dogfood; DELETE FROM bench_run; DELETE FROM evidence;
             DELETE FROM commit_trailer; DELETE FROM series_stats;
             DELETE FROM dogfood_stats; DELETE FROM adhoc_stats; DELETE FROM log_file;
             DELETE FROM withheld; DELETE FROM index_meta;",
        )?;
        Ok(())
    }
    /// Records how far a log file has been read; returns its number, what
    /// events read from it refer to.
    pub fn set_log_file(&self, f: &super::LogFileState) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO log_file (path, length, lines, crc, size, mtime_ns, inode, ctime_ns)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (path) DO UPDATE SET length = ?2, lines = ?3, crc = ?4, size = ?5,
                                                  mtime_ns = ?6, inode = ?7, ctime_ns = ?8",
            )?
            .execute(params![
                f.path,
                f.length as i64,
                f.lines as i64,
                i64::from(f.crc),
                f.size as i64,
                f.mtime_ns,
                f.inode as i64,
                f.ctime_ns
            ])?;
        Ok(self
            .tx
            .query_row("SELECT no FROM log_file WHERE path = ?1", [&f.path], |r| {
                r.get(0)
            })?)
    }

    pub fn forget_log_file(&self, path: &str) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM log_file WHERE path = ?1")?
            .execute([path])?;
        Ok(())
    }

    /// Remembers the fingerprint of the rules the log's lines were checked
    /// against (see `crate::domain::validate::Rules`).
    pub fn set_rules_fingerprint(&self, fingerprint: u64) -> Result<()> {
        self.tx.execute(
            "INSERT INTO index_meta (key, value) VALUES ('rules', ?1)
             ON CONFLICT (key) DO UPDATE SET value = ?1",
            [format!("{fingerprint:016x}")],
        )?;
        Ok(())
    }

    /// Withholds an id whose copies in the log conflict.
    pub fn withhold(&self, id: &str) -> Result<()> {
        self.tx
            .prepare_cached("INSERT OR IGNORE INTO withheld (id) VALUES (?1)")?
            .execute(params![id])?;
        Ok(())
    }
}

impl super::Reader<'_> {
    /// The fingerprint of the rules the indexed lines were checked against.
    pub fn rules_fingerprint(&self) -> Result<Option<u64>> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM index_meta WHERE key = 'rules'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok(text.and_then(|t| u64::from_str_radix(&t, 16).ok()))
    }

    /// Whether any id is withheld.
    pub fn has_withheld(&self) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM withheld LIMIT 1")?
            .exists([])?)
    }

    /// Whether an id is withheld because its copies conflict.
    pub fn is_withheld(&self, id: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM withheld WHERE id = ?1")?
            .exists([id])?)
    }
}
