//! Bounds on a word-processor XML part read as a stream: how deep elements nest, how deeply
//! tables nest, and how many paragraphs there are in all (table cells included). A `.docx` of a
//! few MB can otherwise hold millions of empty paragraphs or tables nested thousands deep, each
//! costing memory out of proportion to its bytes.
use quick_xml::events::Event;

/// Deepest element nesting accepted (real documents stay under 30).
pub const MAX_DEPTH: usize = 512;
/// Deepest table nesting accepted (a table in a cell of a table…).
pub const MAX_TABLE_DEPTH: usize = 16;

/// Counts kept while the events of one part go by.
#[derive(Default)]
pub struct Xml {
    depth: usize,
    tables: usize,
    paragraphs: usize,
}

impl Xml {
    /// Look at one event; `Err` when the part goes beyond a bound.
    pub fn see(&mut self, event: &Event) -> Result<(), String> {
        match event {
            Event::Start(e) => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(format!("elements nested more than {MAX_DEPTH} deep"));
                }
                if e.name().as_ref() == b"w:tbl" {
                    self.tables += 1;
                    if self.tables > MAX_TABLE_DEPTH {
                        return Err(format!("tables nested more than {MAX_TABLE_DEPTH} deep"));
                    }
                }
            }
            Event::End(e) => {
                self.depth = self.depth.saturating_sub(1);
                match e.name().as_ref() {
                    b"w:tbl" => self.tables = self.tables.saturating_sub(1),
                    b"w:p" => self.paragraph()?,
                    _ => {}
                }
            }
            Event::Empty(e) if e.name().as_ref() == b"w:p" => self.paragraph()?,
            _ => {}
        }
        Ok(())
    }

    fn paragraph(&mut self) -> Result<(), String> {
        self.paragraphs += 1;
        if self.paragraphs > super::MAX_ROWS {
            return Err(format!(
                "more than {} paragraphs: too many for an annotations file",
                super::MAX_ROWS
            ));
        }
        Ok(())
    }
}
