//! The JSON Schema of the JSON report, generated from the report's own types
//! so that it cannot drift from what `beast report` prints. Published as
//! `beast report --schema` and as `schema/report.schema.json` (a test keeps
//! the file in step and validates real reports against it).

use super::Report;

/// The schema, as pretty JSON.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Report);
    serde_json::to_string_pretty(&schema).expect("a schema serialises")
}
