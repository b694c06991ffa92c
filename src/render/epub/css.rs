//! The stylesheet: one `@font-face` per embedded subset, each role's font stack (the role, then
//! the style's fallback order, then a generic family for readers that ignore embedded fonts),
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

/// `font-family` value for `role`: its face, the fallback faces, the generic family.
pub fn stack(role: Role, ctx: &RenderContext) -> String {
    let mut roles = vec![role];
    for r in &ctx.fonts.fallback {
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
    let roles = &ctx.style.roles;
    let rule = |css: &mut String, selector: &str, role: Role| {
        let _ = writeln!(css, "{selector} {{ font-family: {}; }}", stack(role, ctx));
    };
    rule(&mut css, "body", roles.body);
    rule(&mut css, "h1.title", roles.title);
    rule(&mut css, ".subtitle", roles.subtitle);
    rule(&mut css, ".salutation", roles.salutation);
    rule(&mut css, ".h1", roles.heading1);
    rule(&mut css, ".h2, .lead-2", roles.heading2);
    rule(&mut css, ".h3, .lead-3", roles.heading3);
    rule(&mut css, ".h4, .lead-4", roles.heading4);
    rule(&mut css, ".lead-1", roles.heading1);
    rule(&mut css, ".notes", roles.note);
    rule(&mut css, ".annex-label", roles.attachment_label);
    rule(&mut css, ".annex-title", roles.attachment_title);
    // Bold only where the face is bold, so readers never smear a synthetic bold over CJK.
    for (selector, role) in [
        ("h1.title", roles.title),
        (".h1, .lead-1", roles.heading1),
        (".h2, .lead-2", roles.heading2),
        (".h3, .lead-3", roles.heading3),
        (".h4, .lead-4", roles.heading4),
        (".annex-label", roles.attachment_label),
        (".annex-title", roles.attachment_title),
    ] {
        let bold = ctx.fonts.face(role).is_some_and(|f| f.bold);
        let _ = writeln!(
            css,
            "{selector} {{ font-weight: {}; }}",
            if bold { "bold" } else { "normal" }
        );
    }
    css.push_str(SCREEN_RULES);
    css
}
