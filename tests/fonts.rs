//! Fonts on the Wuyang report: coverage, the missing list, and subsets checked with rusttype and
//! ttf-parser against the full fonts.
use baogao::fonts::{FontBook, Subsets, GETA};
use baogao::passes::glyphs;
use baogao::present::{circled, marks, Plan};
use baogao::style::{MarkForm, Role, Style};
use baogao::Error;
use std::collections::BTreeSet;

#[path = "common/wuyang.rs"]
mod wuyang;
use wuyang::{root, wuyang, IDEOGRAPHIC_COMMA};

fn gongwen() -> Style {
    Style::load("gongwen").unwrap()
}

fn full(book: &FontBook, role: Role) -> Vec<u8> {
    std::fs::read(book.path(role)).unwrap()
}

#[test]
fn wuyang_misses_exactly_the_three_private_use_characters() {
    let style = gongwen();
    let book = FontBook::load(&style).unwrap();
    let missing = glyphs::missing(&wuyang(), &Plan::new(&wuyang(), &style, &book), &book);
    assert_eq!(missing, vec!['\u{E082}', '\u{E2A6}', '\u{E383}']);
}

#[test]
fn mark_missing_draws_geta() {
    let style = gongwen();
    let book = FontBook::load(&style).unwrap();
    let mut doc = wuyang();
    let before = baogao::model::all_text(&doc);
    let missing = glyphs::missing(&doc, &Plan::new(&doc, &style, &book), &book);
    glyphs::replace(&mut doc, &missing);
    let after = baogao::model::all_text(&doc);
    assert_eq!(before.chars().count(), after.chars().count());
    let gone = before.chars().filter(|c| missing.contains(c)).count();
    assert!(gone >= 3, "{gone}");
    assert_eq!(
        after.chars().filter(|&c| c == GETA).count(),
        before.chars().filter(|&c| c == GETA).count() + gone
    );
    assert!(glyphs::missing(&doc, &Plan::new(&doc, &style, &book), &book).is_empty());
}

/// Every subset parses with rusttype 0.8 (genpdf's reader) and ttf-parser, holds the tables
/// writers need, maps each of its characters to a non-zero glyph with the full font's advance,
/// and maps no other code point.
#[test]
fn subsets_are_faithful_and_exact() {
    let style = gongwen();
    let book = FontBook::load(&style).unwrap();
    let doc = wuyang();
    let subsets = book.subset(&Plan::new(&doc, &style, &book).usage).unwrap();
    let used: BTreeSet<Role> = subsets.faces.keys().copied().collect();
    assert_eq!(used, Role::ALL.into_iter().collect(), "all five roles draw");
    assert_faithful(&book, &subsets);
}

/// The real pipeline (read, clean, structure, script, attach) on the Wuyang report: its three
/// corrupted spans repaired, no character is missing.
#[test]
fn the_repaired_wuyang_report_misses_no_glyph() {
    let style = gongwen();
    let report_txt = root().join("input/wuyang-2024/report.txt");
    let report = baogao::check(&report_txt, &baogao::Options::default(), &style).unwrap();
    assert_eq!(report.cleaning.repaired.len(), 3);
    assert!(
        report.glyphs.missing.is_empty(),
        "{:?}",
        report.glyphs.missing
    );
}

/// The real pipeline with `--no-repair`: `check` lists exactly the three private-use characters
/// of the corrupted spans, they are drawn as U+3013, and the subsets of the prepared document
/// pass the same checks.
#[test]
fn the_pipeline_on_the_wuyang_report() {
    let style = gongwen();
    let report_txt = root().join("input/wuyang-2024/report.txt");
    let opts = baogao::Options {
        no_repair: true,
        ..Default::default()
    };
    let report = baogao::check(&report_txt, &opts, &style).unwrap();
    assert_eq!(report.glyphs.missing, ["U+E082", "U+E2A6", "U+E383"]);
    let book = FontBook::load(&style).unwrap();
    let prepared = baogao::prepare(&report_txt, &opts, &style, &book).unwrap();
    assert!(
        glyphs::missing(&prepared.doc, &prepared.plan, &book).is_empty(),
        "marked with U+3013"
    );
    // The plan is built once, before the glyph check, which substitutes in it as in the
    // document: it is the plan of the document as the writers get it.
    let fresh = Plan::new(&prepared.doc, &style, &book);
    assert_eq!(prepared.plan.usage, fresh.usage);
    for n in &prepared.doc.notes {
        assert_eq!(prepared.plan.footnote(n.number), fresh.footnote(n.number));
    }
    let subsets = book.subset(&prepared.plan.usage).unwrap();
    assert!(subsets.faces[&Role::Song].chars.contains(&GETA));
    assert!(subsets.faces[&Role::Song].data.len() < 700_000);
    for f in subsets.faces.values() {
        eprintln!(
            "pipeline: {:?} {} chars {} bytes",
            f.role,
            f.chars.len(),
            f.data.len()
        );
    }
    assert_faithful(&book, &subsets);
}

fn assert_faithful(book: &FontBook, subsets: &Subsets) {
    for (role, face) in &subsets.faces {
        let full_bytes = full(book, *role);
        let whole = ttf_parser::Face::parse(&full_bytes, 0).unwrap();
        let sub = ttf_parser::Face::parse(&face.data, 0)
            .unwrap_or_else(|e| panic!("{role:?}: ttf-parser: {e}"));
        let rt = rusttype::Font::from_bytes(face.data.as_slice())
            .unwrap_or_else(|e| panic!("{role:?}: rusttype: {e}"));
        let rt_whole = rusttype::Font::from_bytes(full_bytes.as_slice()).unwrap();
        let scale = rusttype::Scale::uniform(16.0);
        assert_eq!(rt.v_metrics(scale), rt_whole.v_metrics(scale), "{role:?}");
        for tag in [
            "cmap", "glyf", "loca", "head", "hhea", "hmtx", "maxp", "name", "OS/2", "post",
        ] {
            let t = ttf_parser::Tag::from_bytes(tag.as_bytes().try_into().unwrap());
            assert!(sub.raw_face().table(t).is_some(), "{role:?}: no {tag}");
        }
        assert!(!face.chars.is_empty());
        for &c in &face.chars {
            let g = sub.glyph_index(c).map_or(0, |g| g.0);
            assert_ne!(g, 0, "{role:?}: U+{:04X} unmapped", c as u32);
            let want = whole.glyph_hor_advance(whole.glyph_index(c).unwrap());
            assert_eq!(sub.glyph_hor_advance(ttf_parser::GlyphId(g)), want, "{c}");
            let rg = rt.glyph(c);
            assert_eq!(rg.id().0, u32::from(g), "{role:?}: rusttype glyph of {c}");
            let adv = rg.scaled(scale).h_metrics().advance_width;
            let whole_adv = rt_whole.glyph(c).scaled(scale).h_metrics().advance_width;
            assert_eq!(adv, whole_adv, "{role:?}: rusttype advance of {c}");
        }
        let mut mapped = BTreeSet::new();
        for st in sub.tables().cmap.unwrap().subtables {
            st.codepoints(|cp| {
                if st.glyph_index(cp).is_some_and(|g| g.0 != 0) {
                    mapped.insert(cp);
                }
            });
        }
        let want: BTreeSet<u32> = face.chars.iter().map(|&c| c as u32).collect();
        assert_eq!(mapped, want, "{role:?}: cmap maps other code points");
    }
}

#[test]
fn every_drawn_character_has_a_face_except_the_missing() {
    let style = gongwen();
    let book = FontBook::load(&style).unwrap();
    let doc = wuyang();
    let subsets = book.subset(&Plan::new(&doc, &style, &book).usage).unwrap();
    let missing = glyphs::missing(&doc, &Plan::new(&doc, &style, &book), &book);
    let usage = Plan::new(&doc, &style, &book).usage;
    for (&role, chars) in &usage.by_role {
        for &c in chars {
            let found = subsets.resolve(role, c);
            assert_eq!(
                found.is_none(),
                missing.contains(&c),
                "{role:?} U+{:04X}",
                c as u32
            );
        }
    }
    // The body face holds every character of the document it covers.
    let body = &subsets.faces[&style.roles.body];
    for c in baogao::model::all_text(&doc)
        .chars()
        .filter(|c| !c.is_control())
    {
        assert!(body.chars.contains(&c) || missing.contains(&c) || has_elsewhere(&subsets, c));
    }
}

fn has_elsewhere(s: &Subsets, c: char) -> bool {
    s.faces.values().any(|f| f.chars.contains(&c))
}

#[test]
fn body_subset_is_small_and_faces_are_named() {
    let style = gongwen();
    let book = FontBook::load(&style).unwrap();
    let subsets = book
        .subset(&Plan::new(&wuyang(), &style, &book).usage)
        .unwrap();
    // GB/T 9704: the body in 仿宋 (Zhuque Fangsong); the serif keeps the folios.
    assert_eq!(style.roles.body, Role::Fang);
    let body = &subsets.faces[&Role::Fang];
    eprintln!("Zhuque Fangsong subset: {} bytes", body.data.len());
    assert!(body.data.len() < 1_000_000, "{}", body.data.len());
    assert_eq!(body.family, "Zhuque Fangsong");
    assert!(
        body.postscript_name.starts_with("ZhuqueFangsong"),
        "{}",
        body.postscript_name
    );
    assert!(!body.bold);
    let song = &subsets.faces[&Role::Song];
    assert_eq!(song.family, "Noto Serif SC");
    assert!(!song.bold);
    assert!(subsets.faces[&Role::SongBold].bold);
    assert!(subsets.faces[&Role::Hei].bold);
    assert!(!subsets.faces[&Role::Kai].bold);
    for f in subsets.faces.values() {
        eprintln!(
            "{:?}: {} / {} / bold {} / {} chars / {} bytes",
            f.role,
            f.family,
            f.postscript_name,
            f.bold,
            f.chars.len(),
            f.data.len()
        );
        let face = ttf_parser::Face::parse(&f.data, 0).unwrap();
        let tags: Vec<String> = face
            .raw_face()
            .table_records
            .into_iter()
            .map(|r| String::from_utf8_lossy(&r.tag.to_bytes()).into_owned())
            .collect();
        eprintln!("  tables: {}", tags.join(" "));
    }
}

#[test]
fn subsets_are_deterministic_and_distinct() {
    let style = gongwen();
    let book = FontBook::load(&style).unwrap();
    let doc = wuyang();
    let a = book.subset(&Plan::new(&doc, &style, &book).usage).unwrap();
    let b = FontBook::load(&style)
        .unwrap()
        .subset(&Plan::new(&doc, &style, &book).usage)
        .unwrap();
    for role in Role::ALL {
        assert_eq!(a.faces[&role].data, b.faces[&role].data, "{role:?}");
    }
    let datas: BTreeSet<&[u8]> = a.faces.values().map(|f| f.data.as_slice()).collect();
    assert_eq!(datas.len(), 5, "five files, five different subsets");
}

#[test]
fn roles_sharing_a_file_share_one_subset() {
    let text = std::fs::read_to_string(root().join("styles/gongwen.toml"))
        .unwrap()
        .replace("NotoSerifSC-Bold.ttf", "NotoSerifSC-Regular.ttf");
    let style = Style::parse(&text, &root().join("styles/shared.toml")).unwrap();
    let book = FontBook::load(&style).unwrap();
    let s = book
        .subset(&Plan::new(&wuyang(), &style, &book).usage)
        .unwrap();
    let (song, bold) = (&s.faces[&Role::Song], &s.faces[&Role::SongBold]);
    assert!(std::sync::Arc::ptr_eq(&song.data, &bold.data));
    assert_eq!(song.chars, bold.chars);
    assert!(!bold.bold);
}

#[test]
fn missing_font_file_is_a_font_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("styles/gongwen.toml"))
        .unwrap()
        .replace("../fonts/LXGWWenKai-Regular.ttf", "no-such-kai.ttf")
        .replace("../fonts/", &format!("{}/fonts/", root().display()));
    let style = Style::parse(&text, &dir.path().join("g.toml")).unwrap();
    let err = FontBook::load(&style)
        .err()
        .expect("a missing font is an error");
    assert!(matches!(err, Error::Font { .. }), "{err:?}");
    let line = err.to_string();
    assert!(line.contains("no-such-kai.ttf"), "{line}");
    assert!(line.contains("kai") && !line.contains('\n'), "{line}");
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn a_folder_named_as_a_font_is_a_font_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("kai.ttf")).unwrap();
    let text = std::fs::read_to_string(root().join("styles/gongwen.toml"))
        .unwrap()
        .replace("../fonts/LXGWWenKai-Regular.ttf", "kai.ttf")
        .replace("../fonts/", &format!("{}/fonts/", root().display()));
    let style = Style::parse(&text, &dir.path().join("g.toml")).unwrap();
    let err = FontBook::load(&style).err().expect("a folder is no font");
    let line = err.to_string();
    assert!(
        line.contains("kai.ttf") && line.contains("not a file") && !line.contains('\n'),
        "{line}"
    );
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn a_file_that_is_no_font_is_a_font_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.ttf"), "not a font at all").unwrap();
    let text = std::fs::read_to_string(root().join("styles/gongwen.toml"))
        .unwrap()
        .replace("../fonts/NotoSansSC-Bold.ttf", "notes.ttf")
        .replace("../fonts/", &format!("{}/fonts/", root().display()));
    let style = Style::parse(&text, &dir.path().join("g.toml")).unwrap();
    let line = FontBook::load(&style).err().unwrap().to_string();
    assert!(
        line.contains("notes.ttf") && line.contains("not a TrueType"),
        "{line}"
    );
}

#[test]
fn usage_follows_the_roles_folios_and_marks() {
    let mut style = gongwen();
    let book = FontBook::load(&style).unwrap();
    let doc = wuyang();
    let u = Plan::new(&doc, &style, &book).usage;
    let title = &u.by_role[&style.roles.title];
    assert!(doc.title().chars().all(|c| title.contains(&c)));
    let folio = &u.by_role[&style.roles.folio];
    assert!("\u{2014} 0123456789".chars().all(|c| folio.contains(&c)));
    for set in u.by_role.values() {
        assert!(set.contains(&' ') && set.contains(&GETA));
        assert!(!set.iter().any(|c| c.is_control()));
    }
    // 一、… headings in hei, （一）… leads in kai, both also in the body face.
    assert!(u.by_role[&Role::Hei].contains(&IDEOGRAPHIC_COMMA));
    assert!(u.by_role[&Role::Kai].contains(&'('));
    assert!(!u.by_role[&Role::Fang].contains(&'\u{2460}'));
    assert_eq!(style.roles.note, Role::Fang, "GB/T 9704: notes in 仿宋");
    // Circled marks need a note face that has them: the compact style's serif does (Zhuque
    // Fangsong has no U+2460, so gongwen would print numbers).
    style = Style::load("compact").unwrap();
    assert_eq!(style.notes.mark, MarkForm::Circled);
    let u = Plan::new(&doc, &style, &book).usage;
    let note = &u.by_role[&style.roles.note];
    assert!(note.contains(&'\u{2460}') && note.contains(&'\u{246B}'));
    assert!(!note.contains(&'\u{246C}'), "only 12 notes");
    assert!(
        !u.by_role[&Role::Kai].contains(&'\u{2460}'),
        "no marks in leads"
    );
    assert_eq!(circled(21), Some('\u{3251}'));
    assert_eq!(circled(50), Some('\u{32BF}'));
    assert_eq!(marks::mark(51, MarkForm::Circled, |_| true), "51");
}
