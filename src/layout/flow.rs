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
    /// The unit of the reading order the line sets (`None`: a blank line).
    pub place: Option<crate::present::Place>,
    /// The structure element the line belongs to (blank lines: none).
    pub unit: Option<super::unit::Unit>,
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
    let mut p = Paginator {
        pages: Vec::new(),
        cur: PagePlan::default(),
        y: 0.0,
        spill: VecDeque::new(),
        seen: BTreeSet::new(),
        area,
        block,
        min_body: lines.iter().map(|l| l.pitch).fold(0.0, f32::max),
    };
    let mut i = 0;
    while i < lines.len() {
        let fresh = p.cur.body.is_empty();
        if lines[i].blank && fresh {
            i += 1;
            continue;
        }
        if lines[i].page_break_before && !fresh {
            p.new_page();
            continue;
        }
        // The group: this line, any lines it is kept with, and the line after them.
        let mut j = i;
        while lines[j].keep_with_next && j + 1 < lines.len() {
            j += 1;
        }
        if p.place(i, &lines[i..=j], notes) {
            i = j + 1;
        } else {
            p.new_page();
        }
    }
    while !p.spill.is_empty() || !p.cur.body.is_empty() || !p.cur.notes.is_empty() {
        p.new_page();
    }
    p.pages
}

/// The pages so far and the one being filled.
struct Paginator<'a> {
    pages: Vec<PagePlan>,
    cur: PagePlan,
    /// Height of body lines on the current page.
    y: f32,
    /// Note lines waiting for the next page.
    spill: VecDeque<NoteLine>,
    /// Notes already set: a note referenced twice is set once, at its first reference.
    seen: BTreeSet<u32>,
    area: &'a NoteArea,
    block: f32,
    /// The tallest body line: continued notes leave room for one.
    min_body: f32,
}

impl Paginator<'_> {
    /// Put `group` (starting at line `first`) on the current page with the first lines of the
    /// notes it marks, if they fit (or the page is empty); false when a new page is needed.
    fn place(
        &mut self,
        first: usize,
        group: &[BodyLine],
        notes: &BTreeMap<u32, Vec<Line>>,
    ) -> bool {
        let area = self.area;
        let fresh = self.cur.body.is_empty();
        let body_need: f32 = group.iter().map(|l| l.pitch).sum();
        let mut fresh_notes: Vec<u32> = Vec::new();
        for n in group.iter().flat_map(|l| l.notes.iter()) {
            if !self.seen.contains(n) && !fresh_notes.contains(n) {
                fresh_notes.push(*n);
            }
        }
        let new_notes = note_lines(&fresh_notes, notes);
        let room = self.block - self.y - body_need;
        let have = self.cur.notes.len();
        let fits_all = area.height(have + self.spill.len() + new_notes.len()) <= room + 0.01;
        // Lines of the new notes that must be on this page: all but the last note's tail.
        let last_len = new_notes
            .last()
            .map(|l| new_notes.iter().filter(|m| m.number == l.number).count())
            .unwrap_or(1);
        let must = new_notes.len().saturating_sub(last_len.saturating_sub(1));
        let fits_start = self.spill.is_empty()
            && area.height(have + must) <= room + 0.01
            && !new_notes.is_empty();
        if !(fits_all || fits_start || fresh) {
            return false;
        }
        for (k, l) in group.iter().enumerate() {
            self.cur.body.push((first + k, self.y));
            self.y += l.pitch;
        }
        if fits_all && self.spill.is_empty() {
            self.cur.notes.extend(new_notes);
        } else {
            self.spill.extend(new_notes);
            let mut k = have;
            while !self.spill.is_empty() && area.height(k + 1) <= self.block - self.y + 0.01 {
                self.cur.notes.push(self.spill.pop_front().unwrap());
                k += 1;
            }
        }
        self.seen.extend(fresh_notes);
        true
    }

    fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.cur));
        self.y = 0.0;
        // Continued notes first, leaving room for at least one body line.
        let mut k = 0;
        while !self.spill.is_empty() && self.area.height(k + 1) <= self.block - self.min_body + 0.01
        {
            self.cur.notes.push(self.spill.pop_front().unwrap());
            k += 1;
        }
    }
}

/// The lines of `numbers`' notes, in order, each marked with its note and whether it is the
/// note's first.
fn note_lines(numbers: &[u32], notes: &BTreeMap<u32, Vec<Line>>) -> Vec<NoteLine> {
    numbers
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
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(notes: Vec<u32>) -> BodyLine {
        BodyLine {
            line: Line {
                placed: Vec::new(),
                end: 0.0,
            },
            pitch: 10.0,
            size: 10.0,
            keep_with_next: false,
            page_break_before: false,
            blank: false,
            outline: None,
            notes,
            place: None,
            unit: None,
        }
    }

    fn note(n: usize) -> Vec<Line> {
        vec![
            Line {
                placed: Vec::new(),
                end: 0.0
            };
            n
        ]
    }

    const AREA: NoteArea = NoteArea {
        separator: 5.0,
        pitch: 5.0,
    };

    #[test]
    fn a_line_whose_note_cannot_start_on_the_page_moves_on() {
        // 10 lines of 10 on a 100 block; line 9 marks a note: 9 lines + 5 + 5 > 100.
        let mut lines: Vec<BodyLine> = (0..12).map(|_| line(vec![])).collect();
        lines[9].notes = vec![1];
        let notes = BTreeMap::from([(1, note(1))]);
        let pages = paginate(&lines, &notes, &AREA, 100.0);
        assert_eq!(pages[0].body.len(), 9);
        assert_eq!(pages[1].body[0].0, 9);
        assert_eq!(pages[1].notes.len(), 1);
        assert!(pages[1].notes[0].first);
    }

    #[test]
    fn a_long_note_starts_under_its_mark_and_continues_on_the_next_page() {
        let mut lines: Vec<BodyLine> = (0..20).map(|_| line(vec![])).collect();
        lines[2].notes = vec![1];
        let notes = BTreeMap::from([(1, note(30))]);
        let pages = paginate(&lines, &notes, &AREA, 100.0);
        let first = &pages[0];
        assert!(first.body.iter().any(|(i, _)| *i == 2));
        assert!(first.notes[0].first && first.notes[0].number == 1);
        let total: usize = pages.iter().map(|p| p.notes.len()).sum();
        assert_eq!(total, 30, "every note line set once");
        assert!(pages[1].notes.iter().all(|n| !n.first && n.number == 1));
        // Every body line is placed exactly once, in order.
        let order: Vec<usize> = pages
            .iter()
            .flat_map(|p| p.body.iter().map(|b| b.0))
            .collect();
        assert_eq!(order, (0..20).collect::<Vec<_>>());
    }

    #[test]
    fn a_heading_is_never_the_last_line_of_a_page() {
        let mut lines: Vec<BodyLine> = (0..15).map(|_| line(vec![])).collect();
        lines[9].keep_with_next = true;
        let pages = paginate(&lines, &BTreeMap::new(), &AREA, 100.0);
        assert_eq!(pages[0].body.len(), 9);
        assert_eq!(pages[1].body[0].0, 9);
    }
}
