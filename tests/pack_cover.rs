//! A pack whose cover words (title, issuer) occur nowhere else in it: every cover character is
//! in the embedded subset of the face each edition draws it in. The PDF's audit checks every
//! glyph it draws (the pack is refused otherwise); the DOCX's cover runs name their family,
//! whose embedded part holds them; the EPUB's cover elements' first font family holds them.
mod common;
use common::baogao;
use std::io::Read;
use std::path::Path;

/// 办公厅 文件汇编 (title), 常务委员会 (issuer): no fixture report has 厅, 汇, 编 or 常.
const TITLE: &str =
    "\u{67D0}\u{67D0}\u{7701}\u{529E}\u{516C}\u{5385}\u{6587}\u{4EF6}\u{6C47}\u{7F16}";
const ISSUER: &str = "\u{5E38}\u{52A1}\u{59D4}\u{5458}\u{4F1A}\u{529E}\u{516C}\u{5385}";

fn part(zip: &[u8], name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    zip::ZipArchive::new(std::io::Cursor::new(zip))
        .unwrap()
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name}"))
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn text(zip: &[u8], name: &str) -> String {
    String::from_utf8(part(zip, name)).unwrap()
}

/// The value of `attr="…"` in `tag`.
fn attr<'a>(tag: &'a str, attr: &str) -> Option<&'a str> {
    let at = tag.find(&format!("{attr}=\""))? + attr.len() + 2;
    Some(&tag[at..at + tag[at..].find('"')?])
}

fn has_all(font: &[u8], chars: &str) -> Result<(), char> {
    let face = ttf_parser::Face::parse(font, 0).unwrap();
    match chars.chars().find(|&c| face.glyph_index(c).is_none()) {
        Some(c) => Err(c),
        None => Ok(()),
    }
}

fn packed() -> (tempfile::TempDir, Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let shapes = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shapes");
    for f in ["annex-items.txt", "kept-annex.txt"] {
        std::fs::copy(shapes.join(f), dir.path().join(f)).unwrap();
    }
    let manifest = dir.path().join("pack.toml");
    std::fs::write(
        &manifest,
        format!(
            "title = \"{TITLE}\"\nissuer = \"{ISSUER}\"\nstyle = \"gongwen\"\n\n\
             [[document]]\nreport = \"annex-items.txt\"\nlabel = \"\u{4E4B}\u{4E00}\"\n\n\
             [[document]]\nreport = \"kept-annex.txt\"\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let o = baogao(&[
        "pack",
        manifest.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    // The PDF's audit has checked each glyph it draws against its face's subset.
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let read = |ext: &str| std::fs::read(out.join(format!("{TITLE}.{ext}"))).unwrap();
    assert!(out.join(format!("{TITLE}.pdf")).exists());
    (dir, read("docx"), read("epub"))
}

#[test]
fn the_cover_characters_are_in_the_subset_of_the_face_each_edition_draws_them_in() {
    for w in [TITLE, ISSUER] {
        for f in ["annex-items.txt", "kept-annex.txt"] {
            let p = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/shapes")
                .join(f);
            let report = std::fs::read_to_string(p).unwrap();
            for c in ['\u{5385}', '\u{5E38}', '\u{6C47}'] {
                assert!(!report.contains(c) || !w.contains(c), "{f} has {c}");
            }
        }
    }
    let (_dir, docx, epub) = packed();

    // DOCX: each run of the cover (before the first document's bookmark) names a family; the
    // part that family embeds, deobfuscated, has every character of the run.
    let document = text(&docx, "word/document.xml");
    let front = &document[..document.find("_Toc_baogao_1").unwrap()];
    let front = &front[front.find("<w:body>").unwrap()..];
    let table = text(&docx, "word/fontTable.xml");
    let rels = text(&docx, "word/_rels/fontTable.xml.rels");
    let mut checked = String::new();
    for run in front.split("<w:r>").skip(1) {
        let Some(t) = run.find("<w:t") else { continue };
        let body = &run[t..];
        let shown = &body[body.find('>').unwrap() + 1..body.find("</w:t>").unwrap()];
        if !(TITLE.contains(shown) || ISSUER.contains(shown)) || shown.is_empty() {
            continue;
        }
        let fonts = &run[run.find("<w:rFonts").expect("a cover run names its family")..];
        let family = attr(fonts, "w:eastAsia").unwrap();
        let entry = &table[table.find(&format!("w:name=\"{family}\"")).unwrap()..];
        // A bold run is drawn from the family's bold part.
        let bold = run[..t].contains("<w:b ") || run[..t].contains("<w:b/>");
        let kind = if bold {
            "<w:embedBold"
        } else {
            "<w:embedRegular"
        };
        let entry = &entry[..entry.find("</w:font>").unwrap()];
        let embed = &entry[entry.find(kind).expect(kind)..];
        let (rid, key) = (
            attr(embed, "r:id").unwrap(),
            attr(embed, "w:fontKey").unwrap(),
        );
        let rel = &rels[rels.find(&format!("Id=\"{rid}\"")).unwrap()..];
        let target = attr(&rel[..rel.find("/>").unwrap()], "Target").unwrap();
        let raw = part(&docx, &format!("word/{target}"));
        let font = baogao::render::docx::fonts::obfuscate(&raw, key);
        has_all(&font, shown)
            .unwrap_or_else(|c| panic!("DOCX: {c} of {shown} not in the embedded {family}"));
        checked.push_str(shown);
    }
    for c in ['\u{5385}', '\u{5E38}', '\u{6C47}'] {
        assert!(checked.contains(c), "DOCX cover run with {c} not found");
    }

    // EPUB: each cover element's class → its first font family → that family's file.
    let css = text(&epub, "OEBPS/stylesheet.css");
    let cover = text(&epub, "OEBPS/cover-title.xhtml");
    let mut found = 0;
    for (class, words) in [("title", TITLE), ("salutation", ISSUER)] {
        let tag = format!("class=\"{class}\">{words}<");
        assert!(cover.contains(&tag), "{cover}");
        let rule = css
            .lines()
            .find(|l| l.contains(&format!(".{class} {{ font-family")))
            .unwrap();
        let family = rule.split('"').nth(1).unwrap();
        let face = &css[css.find(&format!("font-family: \"{family}\";")).unwrap()..];
        let url = face
            .split("url(\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let font = part(&epub, &format!("OEBPS/{url}"));
        has_all(&font, words).unwrap_or_else(|c| panic!("EPUB: {c} of .{class} not in {url}"));
        found += 1;
    }
    assert_eq!(found, 2);
}
