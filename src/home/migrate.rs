//! Moving a log committed in the working tree (`.beast/events/`, from
//! before the history had its own ref) onto the ref, at the first command
//! that finds one.

use std::path::Path;

use anyhow::Result;

use super::team::{safe_name, Team, HISTORY_REF, IN_TREE_DIR};
use crate::files;

impl Team {
    /// Moves `.beast/events/*.jsonl` of the working tree into the history
    /// (every line the local files lack), commits it onto the ref, then
    /// removes those files — the removal is for the user to commit.
    /// A file it cannot read is left where it is, and said.
    pub(super) fn move_in_tree(&self, root: &Path, warn: &mut dyn FnMut(String)) -> Result<()> {
        let _lock = self.lock()?;
        let dir = root.join(IN_TREE_DIR);
        // Lines found, of them lines the history lacked, and files moved.
        let (mut lines, mut added, mut moved) = (0u64, 0u64, 0usize);
        let mut done = Vec::new();
        let entries = match files::real_dir(&dir) {
            Ok(true) => std::fs::read_dir(&dir).or_else(|e| self.read_fail(&dir, e))?,
            _ => return Ok(()),
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if name == ".gitkeep" {
                done.push(path);
                continue;
            }
            if !name.ends_with(".jsonl") {
                continue;
            }
            if !entry.file_type().is_ok_and(|t| t.is_file()) || !safe_name(&name) {
                warn(format!(
                    "{IN_TREE_DIR}/{name} is not a regular log file; it is left where it is (remove it)"
                ));
                continue;
            }
            // Only what was read whole leaves the working tree.
            let bytes = match files::read_inside(&path, files::MAX_BYTES) {
                Ok(Some(bytes)) => bytes,
                Ok(None) => continue,
                Err(e) => {
                    warn(format!(
                        "{IN_TREE_DIR}/{name} cannot be read ({e}); it is left where it is and not moved onto {HISTORY_REF}"
                    ));
                    continue;
                }
            };
            lines += bytes
                .split(|b| *b == b'\n')
                .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
                .count() as u64;
            added += self.union_into(&name, &bytes, 0)?.added;
            moved += 1;
            done.push(path);
        }
        if moved > 0 {
            // On the ref before anything leaves the working tree.
            self.take_in_head()?;
            self.commit_local("beast: the log from .beast/events/")?;
        }
        for p in &done {
            let _ = std::fs::remove_file(p);
        }
        let _ = std::fs::remove_dir(&dir);
        if !done.is_empty() {
            warn(format!(
                "moved {} event lines ({} new) from {IN_TREE_DIR}/ onto {HISTORY_REF} and removed the files; commit their removal (`git add -A {IN_TREE_DIR} && git commit -m \"beast: history on its own ref\"`) and share the history with `beast sync --push`",
                lines, added
            ));
        }
        Ok(())
    }
}
