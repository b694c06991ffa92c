//! Structure pass.
use super::Pass;
use crate::error::Result;
use crate::model::Document;
use crate::report::Report;

pub struct Structure;

impl Pass for Structure {
    fn name(&self) -> &'static str {
        "structure"
    }
    fn run(&self, _doc: Document, _report: &mut Report) -> Result<Document> {
        todo!("foundation issue")
    }
}
