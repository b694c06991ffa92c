//! The PDF read back from the frames its writer draws: each glyph run says what it draws
//! ([`Drawn`]); the runs of one unit make one paragraph (across pages), a footnote's runs its
//! text (across pages); marks, folios and front matter are left out.
use super::Read;
use crate::fonts::Subsets;
use crate::layout::frame::{Drawn, FrameItem, Pages};
use crate::present::Place;
use std::ops::Range;

/// The text of `pages` (of the page range `within`, for one document of a volume).
pub fn read(pages: &Pages, within: Option<Range<usize>>) -> Read {
    let range = within.unwrap_or(0..pages.frames.len());
    let mut read = Read::default();
    let mut current: Option<Place> = None;
    for frame in pages.frames.get(range).unwrap_or_default() {
        for item in &frame.items {
            let FrameItem::Glyphs { glyphs, what, .. } = item else {
                continue;
            };
            let text: String = glyphs.iter().map(|g| g.ch).collect();
            match *what {
                Drawn::Text(place) => {
                    if current != Some(place) {
                        read.paragraphs.push(String::new());
                        current = Some(place);
                    }
                    read.push(&text);
                }
                Drawn::Note(n) => read
                    .notes
                    .entry(n)
                    .or_default()
                    .extend(text.chars().filter(|c| !c.is_whitespace())),
                Drawn::Mark(_) | Drawn::Folio | Drawn::Front => {}
            }
        }
    }
    read.finish()
}

/// Every character drawn (in the page range `within`) is in the embedded subset of its face.
pub fn subsets(
    pages: &Pages,
    subsets: &Subsets,
    within: Option<Range<usize>>,
) -> Result<(), String> {
    let range = within.unwrap_or(0..pages.frames.len());
    let start = range.start;
    for (i, frame) in pages
        .frames
        .get(range)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        for item in &frame.items {
            let FrameItem::Glyphs { glyphs, face, .. } = item else {
                continue;
            };
            let chars = subsets.face(*face).map(|f| &f.chars);
            if let Some(g) = glyphs
                .iter()
                .find(|g| !chars.is_some_and(|c| c.contains(&g.ch)))
            {
                return Err(format!(
                    "page {}: {} (U+{:04X}) is drawn in the {face:?} face, whose embedded subset lacks it",
                    start + i + 1,
                    g.ch,
                    g.ch as u32
                ));
            }
        }
    }
    Ok(())
}
