//! Named Word styles for the report's hierarchy, built through docx-rs. Every style that draws
//! text names its role's family in all `w:rFonts` slots, so Word and LibreOffice find the
//! embedded face whatever the character.
use crate::fonts::Subsets;
use crate::present::roles::RolePlan;
use crate::style::{Role, Style as Layout};
use docx_rs::{
    AlignmentType, LineSpacing, RunFonts, RunProperty, Style, StyleType, Styles, VertAlignType,
};

pub const NORMAL: &str = "Normal";
pub const BODY: &str = "BodyText";
pub const TITLE: &str = "Title";
pub const SUBTITLE: &str = "Subtitle";
pub const SALUTATION: &str = "Salutation";
pub const ATTACHMENT_NOTE: &str = "AttachmentNote";
pub const ANNEX_LABEL: &str = "AnnexLabel";
pub const ANNEX_TITLE: &str = "AnnexTitle";
pub const ANNEX_ENTRY: &str = "AnnexEntry";
/// Character style of an annex entry's term.
pub const ANNEX_TERM: &str = "AnnexTerm";
pub const FOOTNOTE_TEXT: &str = "FootnoteText";
pub const FOOTNOTE_REFERENCE: &str = "FootnoteReference";
pub const FOOTER: &str = "Footer";

/// Paragraph style id of a heading level (1–4).
pub fn heading(level: u8) -> String {
    format!("Heading{}", level.clamp(1, 4))
}

/// `w:outlineLvl` of a heading level (1–4): 0–3.
pub fn outline_level(level: u8) -> usize {
    usize::from(level.clamp(1, 4)) - 1
}

/// Character style id of a run-in lead of this level (2–4).
pub fn lead(level: u8) -> String {
    format!("RunInHeading{}", level.clamp(2, 4))
}

/// The family drawing `role`: its own face, else the first face of its fallback chain; with its
/// boldness.
pub fn family(fonts: &Subsets, role: Role) -> Option<(&str, bool)> {
    fonts
        .face(role)
        .or_else(|| fonts.chain(role).iter().find_map(|r| fonts.face(*r)))
        .map(|f| (f.family.as_str(), f.bold))
}

pub fn run_fonts(name: &str) -> RunFonts {
    RunFonts::new()
        .ascii(name)
        .hi_ansi(name)
        .east_asia(name)
        .cs(name)
}

/// Twentieths of a point in one character of `size_pt`, times `chars`.
pub fn chars_twips(size_pt: u8, chars: i32) -> i32 {
    i32::from(size_pt) * 20 * chars
}

fn with_role(mut s: Style, fonts: &Subsets, role: Role) -> Style {
    if let Some((name, bold)) = family(fonts, role) {
        s = s.fonts(run_fonts(name));
        if bold {
            s = s.bold();
        }
    }
    s
}

fn para(id: &str, name: &str, fonts: &Subsets, role: Role, size_pt: u8) -> Style {
    let s = Style::new(id, StyleType::Paragraph)
        .name(name)
        .based_on(NORMAL)
        .size(usize::from(size_pt) * 2);
    with_role(s, fonts, role)
}

fn first_line(s: Style, size_pt: u8) -> Style {
    s.indent(
        None,
        Some(docx_rs::SpecialIndentType::FirstLine(chars_twips(
            size_pt, 2,
        ))),
        None,
        None,
    )
}

/// The style sheet of the edition.
pub fn styles(layout: &Layout, fonts: &Subsets, r: &RolePlan) -> Styles {
    let sz = &layout.sizes;
    let body = sz.body;
    let normal = with_role(
        Style::new(NORMAL, StyleType::Paragraph)
            .name("Normal")
            .size(usize::from(body) * 2)
            .align(AlignmentType::Both),
        fonts,
        r.body,
    );
    let mut normal = normal;
    let spacing = super::char_spacing(layout);
    if spacing != 0 {
        normal.run_property = normal.run_property.spacing(spacing);
    }
    let mut styles = Styles::new().add_style(normal);
    styles =
        styles.add_style(first_line(para(BODY, "Body Text", fonts, r.body, body), body).next(BODY));
    styles = styles.add_style(
        para(TITLE, "Title", fonts, r.title, sz.title)
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().after_lines(100))
            .next(SUBTITLE),
    );
    styles = styles.add_style(
        para(SUBTITLE, "Subtitle", fonts, r.subtitle, body)
            .align(AlignmentType::Center)
            .next(SALUTATION),
    );
    styles = styles.add_style(para(SALUTATION, "Salutation", fonts, r.salutation, body).next(BODY));
    for (i, role) in r.headings.into_iter().enumerate() {
        let level = i as u8 + 1;
        let mut h = first_line(
            para(
                &heading(level),
                &format!("heading {level}"),
                fonts,
                role,
                sz.heading,
            ),
            sz.heading,
        )
        .outline_lvl(outline_level(level))
        .next(BODY);
        h.paragraph_property = h.paragraph_property.keep_next(true);
        styles = styles.add_style(h);
        if level >= 2 {
            let c = Style::new(lead(level), StyleType::Character)
                .name(format!("Run-in Heading {level}"));
            styles = styles.add_style(with_role(c, fonts, role));
        }
    }
    styles = styles.add_style(
        first_line(
            para(ATTACHMENT_NOTE, "Attachment Note", fonts, r.body, body),
            body,
        )
        .line_spacing(LineSpacing::new().before_lines(100)),
    );
    let mut label = para(ANNEX_LABEL, "Annex Label", fonts, r.annex_label, sz.heading);
    label.paragraph_property = label.paragraph_property.page_break_before(true);
    styles = styles.add_style(label.next(ANNEX_TITLE));
    styles = styles.add_style(
        para(ANNEX_TITLE, "Annex Title", fonts, r.annex_title, sz.title)
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().before_lines(100).after_lines(100))
            .next(ANNEX_ENTRY),
    );
    styles = styles.add_style(first_line(
        para(ANNEX_ENTRY, "Annex Entry", fonts, r.body, body),
        body,
    ));
    if layout.attachment.append {
        let term = Style::new(ANNEX_TERM, StyleType::Character).name("Annex Term");
        styles = styles.add_style(with_role(term, fonts, r.annex_term));
    }
    styles = styles.add_style(
        para(FOOTNOTE_TEXT, "footnote text", fonts, r.note, sz.note).snap_to_grid(false),
    );
    let mut fref = Style::new(FOOTNOTE_REFERENCE, StyleType::Character).name("footnote reference");
    fref.run_property = RunProperty::new().vert_align(VertAlignType::SuperScript);
    styles = styles.add_style(with_role(fref, fonts, r.mark));
    styles = styles.add_style(para(FOOTER, "footer", fonts, r.folio, sz.folio).snap_to_grid(false));
    styles
}
