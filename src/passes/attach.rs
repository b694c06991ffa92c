//! Note attachment: each entry attaches at the first occurrence of its term in the body.
use super::Pass;
use crate::error::Result;
use crate::model::{Document, Entry};
use crate::report::Report;

pub struct Attach {
    /// Entries as read from the notes file (any script).
    pub entries: Vec<Entry>,
    /// Title of the appended attachment section (the notes file's name, cleaned).
    pub annex_title: String,
}

impl Pass for Attach {
    fn name(&self) -> &'static str {
        "attach"
    }
    fn run(&self, _doc: Document, _report: &mut Report) -> Result<Document> {
        todo!("foundation issue")
    }
}
