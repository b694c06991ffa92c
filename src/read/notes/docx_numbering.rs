//! Word's automatic paragraph numbering in `.docx`: the number Word draws in front of a
//! paragraph (`1.`, `（3）`), computed from `word/numbering.xml` and `word/styles.xml` as Word
//! does, so a drawn number counts exactly as a typed one.
//!
//! Supported: `w:numPr` on the paragraph or on its paragraph style (following `w:basedOn`);
//! `w:num` → `w:abstractNum` with `w:lvlOverride/w:startOverride`; levels 0–8 with `w:start`,
//! `w:numFmt` (`decimal`, `decimalZero`, `decimalFullWidth`, `decimalEnclosedCircle`,
//! `decimalEnclosedParen`, Chinese counting, letters, roman numerals, `bullet`, `none`) and
//! `w:lvlText` (`%1.`, `（%1）`, `%1.%2`); deeper levels restart when a shallower one counts;
//! paragraphs of different `w:num`s on the same abstract list share its counters (Word's rule)
//! unless the `w:num` restarts it. `numId` 0 switches numbering off.
//! Not supported: `w:lvlRestart`, `w:isLgl`, `w:numStyleLink` / `w:styleLink` indirection,
//! `w:legacy`; such paragraphs get the label as far as it can be computed.
use quick_xml::events::{BytesStart, Event};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Default)]
struct Level {
    start: i64,
    format: String,
    text: String,
}

#[derive(Debug, Clone, Default)]
struct Num {
    abstract_id: u32,
    /// Level → start value this list instance restarts at.
    overrides: HashMap<u8, i64>,
}

#[derive(Debug, Clone, Default)]
struct Style {
    num_id: Option<u32>,
    level: Option<u8>,
    based_on: Option<String>,
}

/// Numbering definitions of one document and the counters while reading it.
#[derive(Debug, Default)]
pub(crate) struct Numbering {
    abstracts: HashMap<u32, HashMap<u8, Level>>,
    nums: HashMap<u32, Num>,
    styles: HashMap<String, Style>,
    counters: HashMap<u32, [Option<i64>; 9]>,
    seen: HashSet<u32>,
}

/// `w:val` (or another attribute) of an element.
pub(crate) fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.unescape_value().ok())
        .map(|v| v.into_owned())
}

fn number<T: std::str::FromStr>(e: &BytesStart, name: &[u8]) -> Option<T> {
    attr(e, name).and_then(|v| v.trim().parse().ok())
}

impl Numbering {
    /// From the texts of `word/numbering.xml` and `word/styles.xml` (either may be empty). A
    /// damaged part gives no numbering from that part, never an error: the text is still read.
    pub(crate) fn new(numbering: &str, styles: &str) -> Self {
        let mut n = Numbering::default();
        n.read_numbering(numbering);
        n.read_styles(styles);
        n
    }

    fn read_numbering(&mut self, xml: &str) {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut abstract_id = None;
        let mut num_id = None;
        let mut level: Option<u8> = None;
        let mut override_level: Option<u8> = None;
        while let Ok(event) = reader.read_event() {
            let (e, empty) = match &event {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(e) => {
                    match e.name().as_ref() {
                        b"w:abstractNum" => abstract_id = None,
                        b"w:num" => num_id = None,
                        b"w:lvl" => level = None,
                        b"w:lvlOverride" => override_level = None,
                        _ => {}
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            match e.name().as_ref() {
                b"w:abstractNum" if !empty => abstract_id = number(e, b"w:abstractNumId"),
                b"w:num" if !empty => {
                    num_id = number(e, b"w:numId");
                    if let Some(id) = num_id {
                        self.nums.entry(id).or_default();
                    }
                }
                b"w:lvl" if !empty => {
                    level = number(e, b"w:ilvl");
                    if let (Some(a), Some(l)) = (abstract_id, level) {
                        self.abstracts.entry(a).or_default().insert(
                            l,
                            Level {
                                start: 1,
                                format: "decimal".into(),
                                text: String::new(),
                            },
                        );
                    }
                }
                b"w:lvlOverride" if !empty => override_level = number(e, b"w:ilvl"),
                b"w:abstractNumId" => {
                    if let (Some(id), Some(a)) = (num_id, number(e, b"w:val")) {
                        self.nums.entry(id).or_default().abstract_id = a;
                    }
                }
                b"w:startOverride" => {
                    if let (Some(id), Some(l), Some(s)) =
                        (num_id, override_level, number(e, b"w:val"))
                    {
                        self.nums.entry(id).or_default().overrides.insert(l, s);
                    }
                }
                name @ (b"w:start" | b"w:numFmt" | b"w:lvlText") => {
                    let (Some(a), Some(l)) = (abstract_id, level) else {
                        continue;
                    };
                    let Some(lvl) = self.abstracts.get_mut(&a).and_then(|m| m.get_mut(&l)) else {
                        continue;
                    };
                    match name {
                        b"w:start" => lvl.start = number(e, b"w:val").unwrap_or(1),
                        b"w:numFmt" => lvl.format = attr(e, b"w:val").unwrap_or_default(),
                        _ => lvl.text = attr(e, b"w:val").unwrap_or_default(),
                    }
                }
                _ => {}
            }
        }
    }

    fn read_styles(&mut self, xml: &str) {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut current: Option<String> = None;
        while let Ok(event) = reader.read_event() {
            let e = match &event {
                Event::Start(e) | Event::Empty(e) => e,
                Event::End(e) if e.name().as_ref() == b"w:style" => {
                    current = None;
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            match e.name().as_ref() {
                b"w:style" => {
                    current = (attr(e, b"w:type").as_deref() == Some("paragraph"))
                        .then(|| attr(e, b"w:styleId"))
                        .flatten();
                    if let Some(id) = &current {
                        self.styles.entry(id.clone()).or_default();
                    }
                }
                name @ (b"w:basedOn" | b"w:numId" | b"w:ilvl") => {
                    let Some(style) = current.as_ref().and_then(|id| self.styles.get_mut(id))
                    else {
                        continue;
                    };
                    match name {
                        b"w:basedOn" => style.based_on = attr(e, b"w:val"),
                        b"w:numId" => style.num_id = number(e, b"w:val"),
                        _ => style.level = number(e, b"w:ilvl").or(number(e, b"w:val")),
                    }
                }
                _ => {}
            }
        }
    }

    /// The list (numId, level) a paragraph style gives, following `w:basedOn` (at most 16 deep).
    fn style_list(&self, style: &str) -> (Option<u32>, Option<u8>) {
        let (mut num, mut level) = (None, None);
        let mut at = Some(style.to_string());
        for _ in 0..16 {
            let Some(s) = at.as_ref().and_then(|id| self.styles.get(id)) else {
                break;
            };
            num = num.or(s.num_id);
            level = level.or(s.level);
            at = s.based_on.clone();
        }
        (num, level)
    }

    /// The number Word draws in front of a paragraph with these properties, counting it.
    pub(crate) fn label(
        &mut self,
        num_id: Option<u32>,
        level: Option<u8>,
        style: Option<&str>,
    ) -> Option<String> {
        let (style_num, style_level) = style.map_or((None, None), |s| self.style_list(s));
        let num_id = num_id.or(style_num).filter(|&id| id != 0)?;
        let level = level.or(style_level).unwrap_or(0).min(8);
        let num = self.nums.get(&num_id)?.clone();
        let levels = self.abstracts.get(&num.abstract_id)?.clone();
        let counters = self.counters.entry(num.abstract_id).or_insert([None; 9]);
        if self.seen.insert(num_id) {
            // A list instance that restarts: its overridden levels begin again.
            for (&l, &start) in &num.overrides {
                if let Some(c) = counters.get_mut(l as usize) {
                    *c = Some(start - 1);
                }
            }
        }
        let start_of = |l: u8| {
            num.overrides
                .get(&l)
                .copied()
                .or(levels.get(&l).map(|v| v.start))
                .unwrap_or(1)
        };
        let lv = level as usize;
        counters[lv] = Some(counters[lv].map_or(start_of(level), |c| c + 1));
        for deeper in counters.iter_mut().skip(lv + 1) {
            *deeper = None;
        }
        let this = levels.get(&level)?;
        let mut out = String::new();
        let mut chars = this.text.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek().and_then(|d| d.to_digit(10))) {
                ('%', Some(d)) if (1..=9).contains(&d) => {
                    chars.next();
                    let l = (d - 1) as u8;
                    let value = counters[l as usize].unwrap_or_else(|| start_of(l));
                    let format = levels.get(&l).map_or("decimal", |v| v.format.as_str());
                    out.push_str(&format_number(value, format));
                }
                _ => out.push(c),
            }
        }
        (this.format != "none").then_some(out)
    }
}

/// `value` in a Word number format.
fn format_number(value: i64, format: &str) -> String {
    let v = value.max(0);
    match format {
        "decimalZero" => format!("{v:02}"),
        "decimalFullWidth" | "decimalFullWidth2" => format!("{v}")
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c))
            .collect(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&v) => {
            char::from_u32(0x2460 + v as u32 - 1).map_or_else(|| v.to_string(), String::from)
        }
        "decimalEnclosedParen" => format!("({v})"),
        "decimalEnclosedFullstop" => format!("{v}."),
        "chineseCounting"
        | "chineseCountingThousand"
        | "ideographTraditional"
        | "taiwaneseCounting"
        | "chineseLegalSimplified" => chinese(v),
        "lowerLetter" | "upperLetter" if v >= 1 => {
            let base = if format == "lowerLetter" { b'a' } else { b'A' };
            let letter = (base + ((v - 1) % 26) as u8) as char;
            std::iter::repeat_n(letter, ((v - 1) / 26 + 1) as usize).collect()
        }
        "lowerRoman" | "upperRoman" if (1..4000).contains(&v) => {
            let r = roman(v);
            if format == "lowerRoman" {
                r.to_lowercase()
            } else {
                r
            }
        }
        "none" => String::new(),
        _ => v.to_string(),
    }
}

fn roman(mut v: i64) -> String {
    let table = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (n, s) in table {
        while v >= n {
            out.push_str(s);
            v -= n;
        }
    }
    out
}

/// 1–99 in Chinese counting (`一` … `九十九`); larger values in digits.
fn chinese(v: i64) -> String {
    const DIGITS: [char; 10] = [
        '\u{3007}', '\u{4E00}', '\u{4E8C}', '\u{4E09}', '\u{56DB}', '\u{4E94}', '\u{516D}',
        '\u{4E03}', '\u{516B}', '\u{4E5D}',
    ];
    const TEN: char = '\u{5341}';
    match v {
        0..=9 => DIGITS[v as usize].to_string(),
        10..=99 => {
            let mut s = String::new();
            if v / 10 > 1 {
                s.push(DIGITS[(v / 10) as usize]);
            }
            s.push(TEN);
            if v % 10 > 0 {
                s.push(DIGITS[(v % 10) as usize]);
            }
            s
        }
        _ => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NUMBERING: &str = r#"<w:numbering xmlns:w="x">
<w:abstractNum w:abstractNumId="0">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="（%2）"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"#;

    const STYLES: &str = r#"<w:styles xmlns:w="x">
<w:style w:type="paragraph" w:styleId="ListNumber"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Mine"><w:basedOn w:val="ListNumber"/></w:style>
</w:styles>"#;

    #[test]
    fn counts_levels_styles_and_restarts() {
        let mut n = Numbering::new(NUMBERING, STYLES);
        assert_eq!(n.label(Some(1), Some(0), None).as_deref(), Some("1."));
        assert_eq!(
            n.label(Some(1), Some(1), None).as_deref(),
            Some("\u{FF08}1\u{FF09}")
        );
        assert_eq!(
            n.label(Some(1), Some(1), None).as_deref(),
            Some("\u{FF08}2\u{FF09}")
        );
        assert_eq!(n.label(None, None, Some("Mine")).as_deref(), Some("2."));
        assert_eq!(
            n.label(Some(1), Some(1), None).as_deref(),
            Some("\u{FF08}1\u{FF09}")
        );
        assert_eq!(n.label(Some(0), None, Some("Mine")), None);
        assert_eq!(
            n.label(Some(3), Some(0), None).as_deref(),
            Some("\u{4E00}\u{3001}")
        );
        // numId 2 restarts the abstract list at 1.
        assert_eq!(n.label(Some(2), Some(0), None).as_deref(), Some("1."));
        assert_eq!(n.label(Some(2), Some(0), None).as_deref(), Some("2."));
        assert_eq!(n.label(Some(9), Some(0), None), None);
    }

    #[test]
    fn formats() {
        assert_eq!(format_number(12, "chineseCounting"), "\u{5341}\u{4E8C}");
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "\u{2462}");
        assert_eq!(format_number(14, "lowerRoman"), "xiv");
        assert_eq!(format_number(28, "upperLetter"), "BB");
    }
}
