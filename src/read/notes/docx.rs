//! `.docx` main document (`word/document.xml`) through zip + quick-xml: paragraphs and tables.
//! Field codes (`w:instrText`) and deleted text are dropped, field results kept; footnotes,
//! headers and comments live in other parts and are not read.
use super::{Part, MAX_PART};
use quick_xml::events::Event;
use std::io::{BufRead, BufReader, Cursor, Read};

#[derive(Default)]
struct Table {
    rows: Vec<Vec<String>>,
    row: Vec<String>,
    cell: Vec<String>,
}

pub fn read(bytes: &[u8]) -> Result<Vec<Part>, String> {
    let damaged = |e: String| format!("a damaged Word (.docx) document ({e})");
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(e.to_string()))?;
    let part = archive
        .by_name("word/document.xml")
        .map_err(|e| damaged(e.to_string()))?;
    // Streamed: the XML is never held whole (up to MAX_PART inflated, checked by the sniffer).
    let reader = quick_xml::Reader::from_reader(BufReader::new(part.take(MAX_PART + 1)));
    read_xml(reader).map_err(damaged)
}

/// `word/document.xml` → paragraphs and tables.
pub fn parts(xml: &str) -> Result<Vec<Part>, String> {
    read_xml(quick_xml::Reader::from_reader(xml.as_bytes()))
}

fn read_xml<R: BufRead>(mut reader: quick_xml::Reader<R>) -> Result<Vec<Part>, String> {
    let mut buf = Vec::new();
    let mut bounds = super::bounds::Xml::default();
    let mut parts = Vec::new();
    let mut tables: Vec<Table> = Vec::new();
    let mut para = String::new();
    let mut in_text = false;
    // Depth inside elements whose text is not shown (mc:Fallback duplicates mc:Choice).
    let mut hidden = 0usize;
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            format!(
                "word/document.xml at byte {}: {e}",
                reader.buffer_position()
            )
        })?;
        bounds.see(&event)?;
        match event {
            Event::Start(e) => match e.name().as_ref() {
                b"w:t" => in_text = true,
                b"mc:Fallback" | b"w:delText" | b"w:instrText" => hidden += 1,
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
                b"w:p" => para.clear(),
                _ => {}
            },
            Event::Empty(e) if hidden == 0 => match e.name().as_ref() {
                b"w:tab" => para.push(' '),
                b"w:br" | b"w:cr" => para.push('\n'),
                b"w:p" => end_paragraph(String::new(), &mut tables, &mut parts),
                _ => {}
            },
            Event::Text(t) if in_text && hidden == 0 => {
                para.push_str(&t.unescape().map_err(|e| e.to_string())?);
            }
            Event::CData(t) if in_text && hidden == 0 => {
                para.push_str(&String::from_utf8_lossy(&t));
            }
            Event::End(e) => match e.name().as_ref() {
                b"w:t" => in_text = false,
                b"mc:Fallback" | b"w:delText" | b"w:instrText" => hidden = hidden.saturating_sub(1),
                b"w:p" => end_paragraph(std::mem::take(&mut para), &mut tables, &mut parts),
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
