//! `word/theme/theme1.xml`: the theme part Word expects beside every main document (ECMA-376
//! Part 1 §14.2.7; openxml-audit reports its relationship as required). docx-rs writes none.
//!
//! The theme is the edition's own: colours in black and greys (a 公文 prints in black), and a font
//! scheme naming the embedded families — the heading family as the major font, the body family
//! as the minor one, in the Latin, East Asian and script (`Hans`/`Hant`) slots — so that a
//! style that says "theme font" (Word's own defaults when a clerk adds a paragraph) still finds a
//! face the package carries.
use crate::model::Script;
use quick_xml::escape::escape;

/// Package path of the theme part.
pub const PATH: &str = "word/theme/theme1.xml";
/// Its relationship type (from `word/_rels/document.xml.rels`).
pub const REL_TYPE: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme";
/// Its content type.
pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.theme+xml";

/// The colour slots of `a:clrScheme` after `dk1` and `lt1` (system colours), in schema order.
const COLOURS: [(&str, &str); 10] = [
    ("dk2", "262626"),
    ("lt2", "F2F2F2"),
    ("accent1", "000000"),
    ("accent2", "404040"),
    ("accent3", "595959"),
    ("accent4", "7F7F7F"),
    ("accent5", "A6A6A6"),
    ("accent6", "C00000"),
    ("hlink", "0000FF"),
    ("folHlink", "800080"),
];

fn font(out: &mut String, tag: &str, family: &str, script: Script) {
    let f = escape(family);
    let tag_script = match script {
        Script::Hans => "Hans",
        Script::Hant => "Hant",
    };
    out.push_str(&format!(
        r#"<a:{tag}><a:latin typeface="{f}"/><a:ea typeface="{f}"/><a:cs typeface=""/><a:font script="{tag_script}" typeface="{f}"/></a:{tag}>"#
    ));
}

/// Three entries of a format-scheme list, each `item`.
fn three(out: &mut String, list: &str, item: &str) {
    out.push_str(&format!("<a:{list}>{item}{item}{item}</a:{list}>"));
}

/// The theme part: `major` draws headings, `minor` body text (family names as `fontTable.xml`
/// gives them).
pub fn theme(major: &str, minor: &str, script: Script) -> String {
    let mut x = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="baogao">"#,
        r#"<a:themeElements><a:clrScheme name="baogao">"#,
        r#"<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>"#,
        r#"<a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>"#,
    ));
    for (slot, rgb) in COLOURS {
        x.push_str(&format!(r#"<a:{slot}><a:srgbClr val="{rgb}"/></a:{slot}>"#));
    }
    x.push_str(r#"</a:clrScheme><a:fontScheme name="baogao">"#);
    font(&mut x, "majorFont", major, script);
    font(&mut x, "minorFont", minor, script);
    x.push_str(r#"</a:fontScheme><a:fmtScheme name="baogao">"#);
    let fill = r#"<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>"#;
    three(&mut x, "fillStyleLst", fill);
    three(
        &mut x,
        "lnStyleLst",
        &format!(r#"<a:ln w="6350">{fill}</a:ln>"#),
    );
    three(
        &mut x,
        "effectStyleLst",
        "<a:effectStyle><a:effectLst/></a:effectStyle>",
    );
    three(&mut x, "bgFillStyleLst", fill);
    x.push_str(
        "</a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>",
    );
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_both_families_in_every_slot() {
        let t = theme("Noto Sans SC", "Noto Serif SC", Script::Hans);
        let major = &t[t.find("<a:majorFont>").unwrap()..t.find("</a:majorFont>").unwrap()];
        assert_eq!(major.matches(r#"typeface="Noto Sans SC""#).count(), 3);
        assert!(major.contains(r#"script="Hans""#));
        let minor = &t[t.find("<a:minorFont>").unwrap()..t.find("</a:minorFont>").unwrap()];
        assert_eq!(minor.matches(r#"typeface="Noto Serif SC""#).count(), 3);
        // Twelve colours, three entries in each format list.
        let scheme = &t[..t.find("</a:clrScheme>").unwrap()];
        assert_eq!(scheme.matches("Clr val=").count(), 12);
        assert_eq!(t.matches("<a:effectStyle>").count(), 3);
    }
}
