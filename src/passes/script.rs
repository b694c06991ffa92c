//! Script pass: detect the body's script (Traditional or Simplified) and convert as asked.
use super::Pass;
use crate::error::Result;
use crate::model::Document;
use crate::report::Report;

/// `--script keep|hans|hant`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ScriptChoice {
    #[default]
    Keep,
    Hans,
    Hant,
}

pub struct ScriptPass {
    pub choice: ScriptChoice,
}

impl Pass for ScriptPass {
    fn name(&self) -> &'static str {
        "script"
    }
    fn run(&self, _doc: Document, _report: &mut Report) -> Result<Document> {
        todo!("foundation issue")
    }
}
