//! Importers: foreign formats → the roadmap tree or events. One file per format.

pub mod legacy;
pub mod markdown;
pub mod mojibake;
