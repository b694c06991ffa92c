//! HTML and MHTML notes under any name: Word's "save as web page" (filtered or not), LibreOffice's
//! HTML export, a web page saved as `.doc` by a government site, and the single-file web archive
//! (MHTML, `multipart/related`). Parsed with html5ever (through `scraper`) — the browsers'
//! parsing algorithm, so Word's conditional comments and unclosed tags come out as a browser
//! shows them — then reduced to the paragraphs and tables every word-processor reader hands on.
//!
//! Read: paragraphs (`p`, `div`, `li`, headings, …), `br` as a line break, tables (nested ones
//! flattened into their cell), `<ol>` numbering (`start`, `value`, `type="1"`; letters and roman
//! numerals give no number), `<ins>`. Not read: `<del>`, `<s>`/`<strike>` inside `<del>`-less
//! markup are kept (they are formatting), elements with `display:none` or `mso-hide:all` (hidden
//! text), `head`, `script`, `style`, `template`, `noscript`.
use super::Part;
use scraper::node::Node;
use scraper::{ElementRef, Html};

/// Whether the bytes are HTML or MHTML (by content only).
pub(crate) fn is_markup(bytes: &[u8]) -> bool {
    is_mhtml(bytes) || is_html(bytes)
}

fn head_text(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(4096)];
    let text = if head.starts_with(b"\xFF\xFE") {
        encoding_rs::UTF_16LE.decode(head).0
    } else if head.starts_with(b"\xFE\xFF") {
        encoding_rs::UTF_16BE.decode(head).0
    } else {
        String::from_utf8_lossy(head)
    };
    text.to_ascii_lowercase()
}

fn is_html(bytes: &[u8]) -> bool {
    let text = head_text(bytes);
    let start = text.trim_start_matches(['\u{FEFF}', ' ', '\t', '\r', '\n']);
    start.starts_with('<')
        && (start.contains("<html") || start.starts_with("<!doctype html") || is_fragment(start))
}

/// A fragment of a page without `<html>` (a copied `<base href…>` and `<p>`s): it opens with a
/// tag of an HTML element that only pages have.
fn is_fragment(start: &str) -> bool {
    const TAGS: [&str; 14] = [
        "<base", "<head", "<body", "<meta", "<title", "<p", "<div", "<table", "<span", "<font",
        "<br", "<ol", "<ul", "<h1",
    ];
    TAGS.iter().any(|t| {
        start.strip_prefix(t).is_some_and(|rest| {
            rest.starts_with(|c: char| c == '>' || c == '/' || c.is_ascii_whitespace())
        })
    }) || (start.starts_with("<!--") && TAGS.iter().any(|t| start.contains(&format!("{t}>"))))
}

/// An MHTML archive: a MIME header block naming `multipart/related` before the first blank line.
fn is_mhtml(bytes: &[u8]) -> bool {
    let text = head_text(bytes);
    let header = text.split("\n\n").next().unwrap_or("");
    let header = header.split("\r\n\r\n").next().unwrap_or("");
    header.contains("mime-version:") && header.contains("multipart/related")
}

/// Paragraphs and tables of an HTML or MHTML file.
pub fn read(bytes: &[u8]) -> Result<Vec<Part>, String> {
    let html = if is_mhtml(bytes) {
        mhtml_page(bytes)?
    } else {
        decode(bytes)
    };
    Ok(parts(&html))
}

/// The first `text/html` part of an MHTML archive, decoded (transfer encoding and charset).
fn mhtml_page(bytes: &[u8]) -> Result<String, String> {
    let mail =
        mailparse::parse_mail(bytes).map_err(|e| format!("a damaged web archive (MHTML): {e}"))?;
    let mut stack = vec![&mail];
    while let Some(part) = stack.pop() {
        if part.ctype.mimetype.eq_ignore_ascii_case("text/html") {
            return part
                .get_body()
                .map_err(|e| format!("a damaged web archive (MHTML): {e}"));
        }
        stack.extend(part.subparts.iter().rev());
    }
    Err("a web archive (MHTML) without an HTML page in it".into())
}

/// HTML bytes → text: a BOM, else the `charset` the page declares in its first 4 KB, else
/// UTF-8 when valid, else the report decoder's guess (GB18030, Big5, …).
fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    let head = head_text(bytes);
    if let Some(at) = head.find("charset=") {
        let label: String = head[at + 8..]
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect();
        if let Some(encoding) = encoding_rs::Encoding::for_label(label.as_bytes()) {
            // A page that says UTF-16 in an ASCII-readable meta is not UTF-16.
            if encoding != encoding_rs::UTF_16LE && encoding != encoding_rs::UTF_16BE {
                return encoding.decode_without_bom_handling(bytes).0.into_owned();
            }
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
            let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            let guess = detector.guess(None, Utf8Detection::Deny);
            // GBK pages are decoded as their superset GB18030.
            let encoding = if guess == encoding_rs::GBK {
                encoding_rs::GB18030
            } else {
                guess
            };
            encoding.decode_without_bom_handling(bytes).0.into_owned()
        }
    }
}

/// HTML text → paragraphs and tables in document order.
pub fn parts(html: &str) -> Vec<Part> {
    let doc = Html::parse_document(html);
    let mut out = Walk::default();
    out.element(doc.root_element(), None);
    out.flush();
    out.parts
}

#[derive(Default)]
struct Walk {
    parts: Vec<Part>,
    /// Text of the paragraph being read (raw, whitespace collapsed at the end).
    para: String,
    /// Tables being read, innermost last.
    tables: Vec<Table>,
    /// The number of a list item, waiting for the item's first text.
    label: Option<String>,
}

#[derive(Default)]
struct Table {
    rows: Vec<Vec<String>>,
    row: Vec<String>,
    /// Paragraphs of the cell being read.
    cell: Vec<String>,
}

/// A `<br>` while its paragraph's whitespace is collapsed.
const LINE_BREAK: char = '\u{2028}';

/// Elements whose content is never shown.
const UNSHOWN: [&str; 8] = [
    "head", "script", "style", "template", "noscript", "del", "title", "iframe",
];

/// Elements that end the paragraph before them and start a new one.
const BLOCKS: [&str; 20] = [
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "dt",
    "dd",
    "section",
    "article",
    "header",
    "footer",
    "address",
    "ul",
    "ol",
];

fn hidden(e: &ElementRef) -> bool {
    let name = e.value().name();
    if UNSHOWN.contains(&name) || e.value().attr("hidden").is_some() {
        return true;
    }
    e.value().attr("style").is_some_and(|style| {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        style.contains("display:none") || style.contains("mso-hide:all")
    })
}

impl Walk {
    /// Read `e`; `label` is the number `<ol>` gives it when it is a list item.
    fn element(&mut self, e: ElementRef, label: Option<String>) {
        if hidden(&e) {
            return;
        }
        let name = e.value().name();
        match name {
            "table" => {
                self.flush();
                self.tables.push(Table::default());
                self.children(e);
                self.flush();
                if let Some(done) = self.tables.pop() {
                    let mut rows = done.rows;
                    if !done.row.is_empty() {
                        rows.push(done.row);
                    }
                    match self.tables.last_mut() {
                        Some(outer) => outer.cell.extend(rows.into_iter().flatten()),
                        None => self.parts.push(Part::Table(rows)),
                    }
                }
                return;
            }
            "tr" => {
                self.flush();
                if let Some(t) = self.tables.last_mut() {
                    t.row.clear();
                }
                self.children(e);
                self.flush();
                if let Some(t) = self.tables.last_mut() {
                    let row = std::mem::take(&mut t.row);
                    t.rows.push(row);
                }
                return;
            }
            "td" | "th" => {
                self.flush();
                if let Some(t) = self.tables.last_mut() {
                    t.cell.clear();
                }
                self.children(e);
                self.flush();
                if let Some(t) = self.tables.last_mut() {
                    let text = std::mem::take(&mut t.cell).join("\n");
                    t.row.push(text);
                }
                return;
            }
            "ol" => {
                self.flush();
                self.list(e);
                self.flush();
                return;
            }
            "br" => {
                self.para.push(LINE_BREAK);
                return;
            }
            _ => {}
        }
        let block = BLOCKS.contains(&name);
        if block {
            self.flush();
        }
        if label.is_some() {
            self.label = label;
        }
        self.children(e);
        if block {
            self.flush();
        }
    }

    fn children(&mut self, e: ElementRef) {
        for child in e.children() {
            match child.value() {
                Node::Text(t) => self.para.push_str(t),
                Node::Element(_) => {
                    if let Some(el) = ElementRef::wrap(child) {
                        self.element(el, None);
                    }
                }
                _ => {}
            }
        }
    }

    /// An ordered list: each `li` child opens with its number (`3.`).
    fn list(&mut self, e: ElementRef) {
        let numbered = e.value().attr("type").is_none_or(|t| t.trim() == "1");
        let mut next: i64 = e
            .value()
            .attr("start")
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(1);
        for child in e.children() {
            match child.value() {
                Node::Element(el) if el.name() == "li" => {
                    if let Some(v) = el.attr("value").and_then(|s| s.trim().parse().ok()) {
                        next = v;
                    }
                    let label = (numbered && next >= 0).then(|| format!("{next}."));
                    if let Some(li) = ElementRef::wrap(child) {
                        if !hidden(&li) {
                            self.element(li, label);
                        }
                    }
                    next += 1;
                }
                Node::Element(_) => {
                    if let Some(el) = ElementRef::wrap(child) {
                        self.element(el, None);
                    }
                }
                Node::Text(t) => self.para.push_str(t),
                _ => {}
            }
        }
    }

    /// End the paragraph being read: into the current cell, or into the document.
    fn flush(&mut self) {
        let mut text = collapse(&std::mem::take(&mut self.para)).replace(LINE_BREAK, "\n");
        if text.is_empty() {
            return;
        }
        if let Some(label) = self.label.take() {
            text.insert_str(0, &label);
        }
        match self.tables.last_mut() {
            Some(t) => t.cell.push(text),
            None => self.parts.push(Part::Paragraph(text)),
        }
    }
}

/// Whitespace as a browser shows it: runs of HTML whitespace become one space — none at all
/// where the run holds a source line break between two non-Latin characters (Chinese text
/// wrapped in the file) — and the ends are trimmed. `<br>` breaks ([`LINE_BREAK`] until here) stay line breaks.
fn collapse(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let html_space = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{C}');
    while i < chars.len() {
        let c = chars[i];
        if !html_space(c) {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && html_space(chars[i]) {
            i += 1;
        }
        let run = &chars[start..i];
        let latin = |c: Option<&char>| {
            c.is_some_and(|c| c.is_ascii_alphanumeric() || c.is_ascii_punctuation())
        };
        let before = out.chars().last();
        let after = chars.get(i);
        if before.is_none() || after.is_none() {
            continue;
        }
        if run.contains(&'\n') && !(latin(before.as_ref()) && latin(after)) {
            continue;
        }
        out.push(' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_lists_tables_and_hidden_text() {
        let html = "<html><head><title>x</title><style>p{}</style></head><body>\
            <p>名词<b>解释</b></p>\
            <ol start=\"3\"><li>三保\u{FF1A}保基本\n民生。</li><li value=\"7\">四风\u{FF1A}形式<del>删除</del>主义。</li></ol>\
            <p style=\"display: none\">隐藏</p>\
            <table><tr><td><p>1</p></td><td>专项债</td><td>地方<br>债券</td></tr></table>\
            </body></html>";
        assert_eq!(
            parts(html),
            vec![
                Part::Paragraph("名词解释".into()),
                Part::Paragraph("3.三保\u{FF1A}保基本民生。".into()),
                Part::Paragraph("7.四风\u{FF1A}形式主义。".into()),
                Part::Table(vec![vec!["1".into(), "专项债".into(), "地方\n债券".into()]]),
            ]
        );
    }

    #[test]
    fn sniffing() {
        assert!(is_markup(b"\xEF\xBB\xBF<!DOCTYPE html><html>"));
        assert!(is_markup(
            b"<html xmlns:o='urn:schemas-microsoft-com:office:office'>"
        ));
        assert!(is_markup(
            b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n--b"
        ));
        assert!(!is_markup("1.三保\u{FF1A}<html>".as_bytes()));
    }
}
