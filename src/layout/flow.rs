//! Lines into pages. Each body line carries the notes it marks; a note's first line must share
//! the page with its mark's line, else the line (with any heading kept with it) moves on; a note
//! too long for the page continues at the foot of the next. A heading is never the last line of
//! a page.
use super::footnotes::{NoteArea, NoteLine};
use super::linebreak::Line;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// A line of the text block.
#[derive(Debug, Clone)]
pub struct BodyLine {
    pub line: Line,
    /// Height this line takes (the grid's line pitch).
    pub pitch: f32,
    /// Font size that sets the baseline inside the pitch.
    pub size: f32,
    /// Headings and titles: never the last line of a page.
    pub keep_with_next: bool,
    pub page_break_before: bool,
    /// Empty spacing line: dropped at the top of a page.
    pub blank: bool,
    /// Bookmark (level, title) pointing at this line.
    pub outline: Option<(u8, String)>,
    /// Notes marked on this line, in order.
    pub notes: Vec<u32>,
}

/// What one page holds: body lines with their top inside the block, and its note lines.
#[derive(Debug, Clone, Default)]
pub struct PagePlan {
    pub body: Vec<(usize, f32)>,
    pub notes: Vec<NoteLine>,
}

/// Distribute `lines` over pages of `block` height; `notes` are the note texts already broken
/// into lines.
pub fn paginate(
    lines: &[BodyLine],
    notes: &BTreeMap<u32, Vec<Line>>,
    area: &NoteArea,
    block: f32,
) -> Vec<PagePlan> {
    let mut pages = Vec::new();
    let mut cur = PagePlan::default();
    let mut y = 0.0f32;
    let mut spill: VecDeque<NoteLine> = VecDeque::new();
    // A note referenced twice is set once, at its first reference.
    let mut seen: BTreeSet<u32> = BTreeSet::new();
    let min_body = lines.iter().map(|l| l.pitch).fold(0.0, f32::max);

    let mut i = 0;
    while i < lines.len() {
        let fresh = cur.body.is_empty();
        if lines[i].blank && fresh {
            i += 1;
            continue;
        }
        if lines[i].page_break_before && !fresh {
            new_page(
                &mut pages, &mut cur, &mut y, &mut spill, area, block, min_body,
            );
            continue;
        }
        // The group: this line, any lines it is kept with, and the line after them.
        let mut j = i;
        while lines[j].keep_with_next && j + 1 < lines.len() {
            j += 1;
        }
        let group = &lines[i..=j];
        let body_need: f32 = group.iter().map(|l| l.pitch).sum();
        let mut fresh_notes: Vec<u32> = Vec::new();
        for n in group.iter().flat_map(|l| l.notes.iter()) {
            if !seen.contains(n) && !fresh_notes.contains(n) {
                fresh_notes.push(*n);
            }
        }
        let new_notes: Vec<NoteLine> = fresh_notes
            .iter()
            .flat_map(|n| {
                notes
                    .get(n)
                    .into_iter()
                    .flatten()
                    .enumerate()
                    .map(|(k, line)| NoteLine {
                        number: *n,
                        first: k == 0,
                        line: line.clone(),
                    })
            })
            .collect();
        let room = block - y - body_need;
        let have = cur.notes.len();
        let fits_all = area.height(have + spill.len() + new_notes.len()) <= room + 0.01;
        // Lines of the new notes that must be on this page: all but the last note's tail.
        let last_len = new_notes
            .last()
            .map(|l| new_notes.iter().filter(|m| m.number == l.number).count())
            .unwrap_or(1);
        let must = new_notes.len().saturating_sub(last_len.saturating_sub(1));
        let fits_start =
            spill.is_empty() && area.height(have + must) <= room + 0.01 && !new_notes.is_empty();
        if fits_all || fits_start || fresh {
            for (k, l) in group.iter().enumerate() {
                cur.body.push((i + k, y));
                y += l.pitch;
            }
            if fits_all && spill.is_empty() {
                cur.notes.extend(new_notes);
            } else {
                spill.extend(new_notes);
                let mut k = have;
                while !spill.is_empty() && area.height(k + 1) <= block - y + 0.01 {
                    cur.notes.push(spill.pop_front().unwrap());
                    k += 1;
                }
            }
            seen.extend(fresh_notes);
            i = j + 1;
        } else {
            new_page(
                &mut pages, &mut cur, &mut y, &mut spill, area, block, min_body,
            );
        }
    }
    while !spill.is_empty() || !cur.body.is_empty() || !cur.notes.is_empty() {
        new_page(
            &mut pages, &mut cur, &mut y, &mut spill, area, block, min_body,
        );
    }
    pages
}

fn new_page(
    pages: &mut Vec<PagePlan>,
    cur: &mut PagePlan,
    y: &mut f32,
    spill: &mut VecDeque<NoteLine>,
    area: &NoteArea,
    block: f32,
    min_body: f32,
) {
    pages.push(std::mem::take(cur));
    *y = 0.0;
    // Continued notes first, leaving room for at least one body line.
    let mut k = 0;
    while !spill.is_empty() && area.height(k + 1) <= block - min_body + 0.01 {
        cur.notes.push(spill.pop_front().unwrap());
        k += 1;
    }
}
