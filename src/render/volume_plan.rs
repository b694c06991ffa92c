//! What a session pack's volume binds: its volume plan (cover and contents, each line's role),
//! its documents with their presentation plans, in the order they are bound. Every writer's
//! volume module reads it; [`super::volume`] calls them.
use super::RenderContext;
use crate::layout::volume::Part;
use crate::model::{Document, Script};
use crate::present::volume::VolumePlan;
use crate::present::Plan;

/// What a volume holds, in the order it is bound.
pub struct Volume {
    pub title: String,
    pub subtitle: Option<String>,
    pub issuer: Option<String>,
    /// Folios run on across documents (else each document starts at 1).
    pub continuous: bool,
    /// Each document with its label.
    pub documents: Vec<(Option<String>, Document)>,
    /// Each document's presentation plan (in the order of `documents`).
    pub plans: Vec<Plan>,
    /// The cover and contents: each line's text and role, for every edition.
    pub plan: VolumePlan,
}

impl Volume {
    /// The script of the volume's own words (contents heading): the first document's.
    pub fn script(&self) -> Script {
        self.documents
            .first()
            .map(|(_, d)| d.script)
            .unwrap_or(Script::Hans)
    }

    pub fn parts(&self) -> Vec<Part<'_>> {
        self.documents
            .iter()
            .zip(&self.plans)
            .zip(&self.plan.entries)
            .map(|(((_, doc), plan), entry)| Part { entry, doc, plan })
            .collect()
    }

    /// The render context of document `k`: the volume's, with that document's plan and its
    /// print layout (`layout`, for the EPUB's page list).
    pub fn context<'a>(
        &'a self,
        k: usize,
        ctx: &RenderContext<'a>,
        layout: Option<&'a crate::layout::frame::Pages>,
    ) -> RenderContext<'a> {
        RenderContext {
            style: ctx.style,
            fonts: ctx.fonts,
            plan: &self.plans[k],
            epoch: ctx.epoch,
            layout,
        }
    }
}
