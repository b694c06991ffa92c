//! Passes over the document model, run once per document in a fixed order, each counting what it
//! changes in the check report.
use crate::check_report::CheckReport;
use crate::error::Result;
use crate::model::Document;

pub mod attach;
pub mod clean;
pub mod glyphs;
pub mod script;
pub mod structure;

pub trait Pass {
    fn run(&self, doc: Document, report: &mut CheckReport) -> Result<Document>;
}
