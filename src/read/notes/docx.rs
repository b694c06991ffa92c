//! `.docx` main document (`word/document.xml`) through zip + quick-xml: paragraphs and tables.
//! Field codes (`w:instrText`), deleted revisions (`w:del`, `w:moveFrom`) and hidden runs
//! (`w:vanish` in the run's own properties) are dropped, field results and inserted revisions
//! kept; Word's automatic numbering is put in front of its paragraph (see `docx_numbering`);
//! footnotes, headers and comments live in other parts and are not read.
use super::docx_numbering::{attr, Numbering};
use super::{Part, MAX_PART};
use quick_xml::events::{BytesStart, Event};
use std::io::{Cursor, Read};

#[derive(Default)]
struct Table {
    rows: Vec<Vec<String>>,
    row: Vec<String>,
    cell: Vec<String>,
}

pub fn read(bytes: &[u8]) -> Result<Vec<Part>, String> {
    let damaged = |e: String| super::damaged("Word (.docx) document", &e);
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(e.to_string()))?;
    let xml = part_text(&mut archive, "word/document.xml")?
        .ok_or_else(|| damaged("no word/document.xml".into()))?;
    let numbering = part_text(&mut archive, "word/numbering.xml")?.unwrap_or_default();
    let styles = part_text(&mut archive, "word/styles.xml")?.unwrap_or_default();
    let mut numbering = Numbering::new(&numbering, &styles);
    numbered_parts(&xml, &mut numbering).map_err(damaged)
}

/// One part's text (`None` when the archive has no such part), bounded by [`MAX_PART`].
fn part_text(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, String> {
    let part = match archive.by_name(name) {
        Ok(p) => p,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("a damaged Word (.docx) document ({e})")),
    };
    let mut xml = String::new();
    part.take(MAX_PART + 1)
        .read_to_string(&mut xml)
        .map_err(|e| format!("a damaged Word (.docx) document ({name}: {e})"))?;
    if xml.len() as u64 > MAX_PART {
        return Err(format!(
            "a Word document whose part {name} inflates beyond {} MB: refused",
            MAX_PART >> 20
        ));
    }
    Ok(Some(xml))
}

/// `word/document.xml` → paragraphs and tables, without numbering definitions.
pub fn parts(xml: &str) -> Result<Vec<Part>, String> {
    numbered_parts(xml, &mut Numbering::default())
}

/// A paragraph's own list and style (`w:pPr`), read before its runs.
#[derive(Default)]
struct ListProps {
    num_id: Option<u32>,
    level: Option<u8>,
    style: Option<String>,
}

fn val<T: std::str::FromStr>(e: &BytesStart) -> Option<T> {
    attr(e, b"w:val").and_then(|v| v.trim().parse().ok())
}

/// `w:vanish` (and other toggles) are on unless `w:val` says 0/false/off.
fn toggle_on(e: &BytesStart) -> bool {
    !matches!(attr(e, b"w:val").as_deref(), Some("0" | "false" | "off"))
}

/// `word/document.xml` → paragraphs and tables, each numbered paragraph with Word's number.
fn numbered_parts(xml: &str, numbering: &mut Numbering) -> Result<Vec<Part>, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut list = ListProps::default();
    // Inside a paragraph's properties (`w:pPr`), inside a run's properties (`w:rPr` of a run).
    let mut in_ppr = 0usize;
    let mut in_rpr = false;
    // Inside a tracked formatting change (`w:pPrChange`, `w:rPrChange`): the old properties.
    let mut in_change = 0usize;
    let mut run_hidden = false;
    let mut parts = Vec::new();
    let mut tables: Vec<Table> = Vec::new();
    let mut para = String::new();
    let mut in_text = false;
    // Depth inside elements whose text is not shown (mc:Fallback duplicates mc:Choice).
    let mut hidden = 0usize;
    // Nesting and paragraph count bounded (a few MB can hold millions of empty paragraphs).
    let mut bounds = super::bounds::Xml::default();
    loop {
        let event = reader.read_event().map_err(|e| {
            format!(
                "word/document.xml at byte {}: {e}",
                reader.buffer_position()
            )
        })?;
        bounds.see(&event)?;
        match event {
            Event::Start(e) => match e.name().as_ref() {
                b"w:t" => in_text = true,
                b"mc:Fallback" | b"w:delText" | b"w:instrText" | b"w:del" | b"w:moveFrom" => {
                    hidden += 1
                }
                b"w:pPr" => in_ppr += 1,
                b"w:rPr" if in_ppr == 0 => in_rpr = true,
                b"w:pPrChange" | b"w:rPrChange" => in_change += 1,
                b"w:r" => run_hidden = false,
                b"w:tbl" => tables.push(Table::default()),
                b"w:tr" => {
                    if let Some(t) = tables.last_mut() {
                        t.row.clear();
                    }
                }
                b"w:tc" => {
                    if let Some(t) = tables.last_mut() {
                        t.cell.clear();
                    }
                }
                b"w:p" => {
                    para.clear();
                    list = ListProps::default();
                }
                _ => {}
            },
            // Properties before a tracked formatting change: not the document as it reads.
            Event::Empty(_) if in_change > 0 => {}
            // The paragraph's list and style.
            Event::Empty(e) if in_ppr > 0 => match e.name().as_ref() {
                b"w:numId" => list.num_id = val(&e),
                b"w:ilvl" => list.level = val(&e),
                b"w:pStyle" => list.style = attr(&e, b"w:val"),
                _ => {}
            },
            // Hidden text: the run's own `w:rPr/w:vanish` (a paragraph mark's is in `w:pPr`).
            Event::Empty(e) if in_rpr && e.name().as_ref() == b"w:vanish" => {
                run_hidden |= toggle_on(&e);
            }
            Event::Empty(e) if hidden == 0 && !run_hidden => match e.name().as_ref() {
                b"w:tab" => para.push(' '),
                b"w:br" | b"w:cr" => para.push('\n'),
                b"w:p" => end_paragraph(String::new(), &mut tables, &mut parts),
                _ => {}
            },
            Event::Empty(e) if e.name().as_ref() == b"w:p" => {
                end_paragraph(String::new(), &mut tables, &mut parts)
            }
            Event::Text(t) if in_text && hidden == 0 && !run_hidden => {
                para.push_str(&t.unescape().map_err(|e| e.to_string())?);
            }
            Event::CData(t) if in_text && hidden == 0 && !run_hidden => {
                para.push_str(&String::from_utf8_lossy(&t));
            }
            Event::End(e) => match e.name().as_ref() {
                b"w:t" => in_text = false,
                b"mc:Fallback" | b"w:delText" | b"w:instrText" | b"w:del" | b"w:moveFrom" => {
                    hidden = hidden.saturating_sub(1)
                }
                b"w:pPr" => in_ppr = in_ppr.saturating_sub(1),
                b"w:rPr" => in_rpr = false,
                b"w:pPrChange" | b"w:rPrChange" => in_change = in_change.saturating_sub(1),
                b"w:p" => {
                    let mut text = std::mem::take(&mut para);
                    if let Some(label) =
                        numbering.label(list.num_id, list.level, list.style.as_deref())
                    {
                        text.insert_str(0, &label);
                    }
                    end_paragraph(text, &mut tables, &mut parts)
                }
                b"w:tc" => {
                    if let Some(t) = tables.last_mut() {
                        let text = t.cell.join("\n");
                        t.row.push(text);
                    }
                }
                b"w:tr" => {
                    if let Some(t) = tables.last_mut() {
                        let row = std::mem::take(&mut t.row);
                        t.rows.push(row);
                    }
                }
                b"w:tbl" => {
                    if let Some(done) = tables.pop() {
                        match tables.last_mut() {
                            // A table inside a cell: its cells become lines of that cell.
                            Some(outer) => outer.cell.extend(done.rows.into_iter().flatten()),
                            None => parts.push(Part::Table(done.rows)),
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        if parts.len() > super::MAX_ROWS {
            return Err("too many paragraphs".into());
        }
    }
    Ok(parts)
}

fn end_paragraph(text: String, tables: &mut [Table], parts: &mut Vec<Part>) {
    match tables.last_mut() {
        Some(t) => t.cell.push(text),
        None => parts.push(Part::Paragraph(text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_hidden_runs_and_old_formatting() {
        let xml = r#"<w:document xmlns:w="x"><w:body>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr><w:pPrChange><w:pPr><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr></w:pPrChange></w:pPr>
<w:r><w:t>三保：保</w:t></w:r><w:del><w:r><w:delText>旧</w:delText></w:r></w:del><w:ins><w:r><w:t>运转</w:t></w:r></w:ins>
<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r><w:r><w:rPr><w:vanish w:val="0"/><w:rPrChange><w:rPr><w:vanish/></w:rPr></w:rPrChange></w:rPr><w:t>。</w:t></w:r></w:p>
</w:body></w:document>"#;
        let numbering = r#"<w:numbering xmlns:w="x"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#;
        let parts = numbered_parts(xml, &mut Numbering::new(numbering, "")).unwrap();
        assert_eq!(parts, vec![Part::Paragraph("1.三保：保运转。".into())]);
    }

    #[test]
    fn field_codes_dropped_results_kept_tables_apart() {
        let xml = r#"<w:document xmlns:w="x"><w:body>
<w:p><w:r><w:t>详见</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>HYPERLINK "https://x/"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>门户网站</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>1.三保</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>保运转</w:t></w:r></w:p><w:p><w:r><w:t>&amp;保工资</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
</w:body></w:document>"#;
        let parts = parts(xml).unwrap();
        assert_eq!(parts[0], Part::Paragraph("详见门户网站".into()));
        assert_eq!(
            parts[1],
            Part::Table(vec![vec!["1.三保".into(), "保运转\n&保工资".into()]])
        );
    }
}
