//! The one path every command takes: read → prepare (passes, notes, the presentation plan, the
//! glyph check) → lay out → render → write. `build` ([`batch`]), `check` ([`prepare::check`])
//! and `pack` ([`session`]) all go through it; the crate root only re-exports.
//!
//! - [`prepare`]: one report read once and passed: cleaning, structure, script, the edition
//!   title, notes attached, then the document's presentation plan, built once, which the glyph
//!   check reads and every edition is rendered from.
//! - [`editions`]: one document's editions: font subsets cut from the plan, the print layout
//!   once, the three writers in parallel, each edition written through [`written`].
//! - [`written`]: where every edition (a report's or a volume's) reaches the disk: the output
//!   folder checked before any work, stale temporary files of killed runs cleared, each edition
//!   through an exclusive temporary file renamed into place (removed on interrupt by the binary).
//! - [`batch`]: `build`, one or many reports (files or folders) into editions.
//! - [`session`]: `pack`, the documents of a manifest bound into one volume.
pub mod batch;
pub mod editions;
pub mod prepare;
pub mod session;
pub mod written;

pub use batch::{build, exit_code, Batch, Done, Observer, Outcome, PassedOver, Run};
pub use editions::{write_editions, Output, Written};
pub use prepare::{check, prepare, prepare_read, Options, Prepared};
