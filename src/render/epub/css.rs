//! The stylesheet: one `@font-face` per embedded subset, each role's font stack (the role, then
//! its fallback chain in order, so a reading system falls back as the PDF does, then a generic family for readers that ignore embedded fonts),
//! and rules for small screens from `styles/epub.css`.
use super::super::RenderContext;
use crate::style::Role;
use std::fmt::Write;

/// Rules shared by every style: no fixed widths, flowing text.
const SCREEN_RULES: &str = include_str!("../../../styles/epub.css");

/// Path of a role's subset inside `OEBPS/`.
pub fn font_file(role: Role) -> String {
    format!("fonts/{}.ttf", role.name())
}

/// The CSS family name of a role's embedded face (prefixed, so an installed font of the same
/// family never stands in for the subset).
fn family(role: Role) -> String {
    format!("bg-{}", role.name())
}

fn generic(role: Role) -> &'static str {
    match role {
        Role::Hei => "sans-serif",
        _ => "serif",
    }
}

/// `font-family` value for `role`: its face, the faces of its fallback chain, the generic family.
pub fn stack(role: Role, ctx: &RenderContext) -> String {
    let mut roles = vec![role];
    for r in ctx.fonts.chain(role) {
        if !roles.contains(r) {
            roles.push(*r);
        }
    }
    let mut parts: Vec<String> = roles
        .into_iter()
        .filter(|r| ctx.fonts.faces.contains_key(r))
        .map(|r| format!("\"{}\"", family(r)))
        .collect();
    parts.push(generic(role).to_string());
    parts.join(", ")
}

/// Note marks in the text and opening each footnote (on the note's own paragraph, which a
/// pop-up keeps).
const MARKS: &str = "sup.noteref, p.note-text a[role=\"doc-backlink\"]";

/// The whole stylesheet.
pub fn stylesheet(ctx: &RenderContext) -> String {
    let mut css = String::new();
    for (role, face) in &ctx.fonts.faces {
        let _ = writeln!(
            css,
            "@font-face {{\n  font-family: \"{}\";\n  font-weight: {};\n  font-style: normal;\n  src: url(\"{}\") format(\"truetype\");\n}}",
            family(*role),
            if face.bold { "bold" } else { "normal" },
            font_file(*role)
        );
    }
    let roles = &ctx.plan.roles;
    let rule = |css: &mut String, selector: &str, role: Role| {
        let _ = writeln!(css, "{selector} {{ font-family: {}; }}", stack(role, ctx));
    };
    let [h1, h2, h3, h4] = roles.headings;
    let selectors = [
        ("body", roles.body),
        ("h1.title", roles.title),
        (".subtitle", roles.subtitle),
        (".salutation", roles.salutation),
        (".h1, .lead-1", h1),
        (".h2, .lead-2", h2),
        (".h3, .lead-3", h3),
        (".h4, .lead-4", h4),
        (".notes, .note-text", roles.note),
        (MARKS, roles.mark),
        (".annex-label", roles.annex_label),
        (".annex-title", roles.annex_title),
        (".entry .term", roles.annex_term),
    ];
    for (selector, role) in selectors {
        rule(&mut css, selector, role);
    }
    // Bold only where the face is bold, so readers never smear a synthetic bold over CJK.
    for (selector, role) in &selectors[1..] {
        let bold = ctx.fonts.face(*role).is_some_and(|f| f.bold);
        let _ = writeln!(
            css,
            "{selector} {{ font-weight: {}; }}",
            if bold { "bold" } else { "normal" }
        );
    }
    css.push_str(SCREEN_RULES);
    css
}
