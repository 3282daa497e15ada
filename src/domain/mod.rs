//! The pure domain: what the roadmap is, where the calendar puts us, how titles
//! are matched and how progress and targets are computed.
//!
//! Nothing in here does I/O. Everything the commands print is derived from these
//! types, so the arithmetic that decides "met" or "behind" can be tested without a
//! database or a terminal.

pub mod calendar;
pub mod catalog;
pub mod claims;
pub mod dogfood;
pub mod event;
pub mod forecast;
pub mod gate;
pub mod matching;
pub mod progress;
pub mod roadmap;
pub mod validate;

pub use calendar::Position;
pub use catalog::{Catalog, Direction, MetricDef, Target, Verdict};
pub use dogfood::DogfoodKind;
pub use roadmap::{Block, Month, Quarter, Roadmap, Task, TaskRef, Timing, WeekRange, Year};
