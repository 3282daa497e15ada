//! Importers: foreign roadmap formats → the roadmap tree. One file per format.

pub mod markdown;
pub mod mojibake;
