//! The report as JSON, for CI jobs: `beast report > report.json`.

use std::io::Write;

use anyhow::Result;

use super::{Format, Report};

pub struct Json {
    pub pretty: bool,
}

impl Format for Json {
    fn render(&self, report: &Report, out: &mut dyn Write) -> Result<()> {
        if self.pretty {
            serde_json::to_writer_pretty(&mut *out, report)?;
        } else {
            serde_json::to_writer(&mut *out, report)?;
        }
        writeln!(out)?;
        Ok(())
    }
}
