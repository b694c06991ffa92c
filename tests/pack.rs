//! `baogao pack`: three documents of input/ (input/pack.toml) as one volume. Read back with
//! pdftotext page by page and qpdf's outline JSON; the manifest's errors end the run with one
//! line and nothing written.
mod common;
use common::baogao;

use common::{run_with_deadline, tool};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const STEM: &str = "舞陽縣第十七屆人民代表大會第四次會議文件";

fn input() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("input")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Pack `manifest` into a fresh folder; the folder and the PDF's path.
fn pack(manifest: &Path, formats: &str) -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let o = baogao(&[
        "pack",
        s(manifest),
        "-o",
        s(out.path()),
        "--formats",
        formats,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pdf = out.path().join(format!("{STEM}.pdf"));
    (out, pdf)
}

/// The text of each page (pdftotext, one call per page).
fn pages(pdf: &Path) -> Vec<String> {
    let n = String::from_utf8(
        Command::new("qpdf")
            .args(["--show-npages", s(pdf)])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let n: usize = n.trim().parse().unwrap();
    (1..=n)
        .map(|i| {
            let i = i.to_string();
            let o = Command::new("pdftotext")
                .args(["-f", &i, "-l", &i, "-layout", s(pdf), "-"])
                .output()
                .unwrap();
            String::from_utf8(o.stdout).unwrap()
        })
        .collect()
}

/// The folio printed on a page (`— 12 —`), if any.
fn folio(page: &str) -> Option<usize> {
    let line = page.lines().rev().find(|l| !l.trim().is_empty())?;
    let inner = line
        .trim()
        .strip_prefix('\u{2014}')?
        .strip_suffix('\u{2014}')?;
    inner.trim().parse().ok()
}

/// Contents entries: (label, folio) of each line that ends in dot leaders and a number.
fn contents(page: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut label = String::new();
    for line in page.lines() {
        let t = line.trim();
        if t.starts_with("文件") {
            label = t.chars().take(3).collect();
        }
        if let Some((_, n)) = t.rsplit_once("...") {
            out.push((label.clone(), n.trim().parse().unwrap()));
        }
    }
    out
}

const LABELS: [&str; 3] = ["文件一", "文件二", "文件三"];

#[test]
fn contents_entries_are_the_folios_where_each_title_sits() {
    if !tool("pdftotext") || !tool("qpdf") {
        return;
    }
    let (_out, pdf) = pack(&input().join("pack.toml"), "pdf");
    let pages = pages(&pdf);
    assert_eq!(pages.len() % 2, 0, "duplex-ready: an even page count");
    assert!(pages[0].contains("舞陽縣第十七屆人民代表大會第四次"));
    assert!(pages[0].contains("舞陽縣人民代表大會常務委員會辦公室"));
    assert_eq!(folio(&pages[0]), None, "the cover has no folio");
    assert_eq!(folio(&pages[1]), None, "the contents page has no folio");
    let entries = contents(&pages[1]);
    assert_eq!(
        entries.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
        LABELS
    );
    for (label, number) in &entries {
        // The page where the document's label line (above its title) sits.
        let at = pages
            .iter()
            .enumerate()
            .skip(2)
            .find(|(_, p)| p.lines().find(|l| !l.trim().is_empty()).map(str::trim) == Some(label))
            .map(|(i, _)| i)
            .unwrap_or_else(|| panic!("{label} not found"));
        assert_eq!(at % 2, 0, "{label} starts on page {}, a left page", at + 1);
        assert_eq!(
            folio(&pages[at]),
            Some(*number),
            "{label}: contents says {number}"
        );
    }
    assert_eq!(entries[0].1, 1, "the first document starts on folio 1");
    // Continuous folios: every page after the front matter is its index minus the front, and
    // pages without text carry no folio.
    for (i, p) in pages.iter().enumerate().skip(2) {
        if p.trim().is_empty() {
            continue;
        }
        assert_eq!(folio(p), Some(i - 1), "page {}", i + 1);
    }
    assert!(
        pages.iter().skip(2).any(|p| p.trim().is_empty()),
        "the plan report has an odd page count, so a blank page follows it"
    );
}

#[test]
fn footnotes_restart_at_one_in_each_document() {
    if !tool("pdftotext") || !tool("qpdf") {
        return;
    }
    let (_out, pdf) = pack(&input().join("pack.toml"), "pdf");
    let pages = pages(&pdf);
    let starts: Vec<usize> = LABELS
        .iter()
        .map(|l| {
            pages
                .iter()
                .position(|p| p.lines().find(|l| !l.trim().is_empty()).map(str::trim) == Some(l))
                .unwrap()
        })
        .collect();
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(pages.len());
        // Note lines at a page foot start at the margin: a number, a space, then text
        // (`1 指簽約一批…`); body lines are indented or run on without a space.
        let first = pages[start..end]
            .iter()
            .flat_map(|p| p.lines())
            .find_map(|l| {
                let (n, rest) = l.split_once(' ')?;
                let n: u32 = n.parse().ok()?;
                rest.starts_with(|c: char| !c.is_whitespace()).then_some(n)
            });
        assert_eq!(first, Some(1), "{}: its first footnote", LABELS[k]);
    }
}

#[test]
fn outline_has_one_entry_per_document_with_its_headings_nested() {
    if !tool("qpdf") {
        return;
    }
    let (_out, pdf) = pack(&input().join("pack.toml"), "pdf");
    let o = Command::new("qpdf")
        .args(["--json", "--json-key=outlines", s(&pdf)])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let tops = v["outlines"].as_array().unwrap();
    assert_eq!(tops.len(), 3);
    for (top, label) in tops.iter().zip(LABELS) {
        assert!(top["title"].as_str().unwrap().starts_with(label));
        let kids = top["kids"].as_array().unwrap();
        assert!(kids[0]["title"].as_str().unwrap().starts_with("一、"));
        let grandkids = kids[0]["kids"].as_array().unwrap();
        assert!(grandkids[0]["title"]
            .as_str()
            .unwrap()
            .starts_with("（一）"));
        // Destinations: the document's entry leads to the page of its first heading or before.
        let page = |e: &serde_json::Value| e["destpageposfrom1"].as_u64().unwrap();
        assert!(page(top) <= page(&kids[0]));
        assert_eq!(page(top) % 2, 1, "{label}: a right-hand page");
    }
}

/// The real pack's manifest with folios restarting in each document, in a fresh folder.
fn per_document_manifest() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(input().join("pack.toml"))
        .unwrap()
        .replace("\"continuous\"", "\"per-document\"")
        .replace("report = \"", &format!("report = \"{}/", s(&input())))
        .replace("notes = \"", &format!("notes = \"{}/", s(&input())));
    let manifest = dir.path().join("pack.toml");
    std::fs::write(&manifest, text).unwrap();
    (dir, manifest)
}

#[test]
fn per_document_folios_restart_and_reruns_are_byte_identical() {
    if !tool("pdftotext") || !tool("qpdf") {
        return;
    }
    let (_dir, manifest) = per_document_manifest();
    let (a, pdf) = pack(&manifest, "pdf,docx");
    // The DOCX: every document's section restarts its page numbers.
    let xml = part(&a.path().join(format!("{STEM}.docx")), "word/document.xml");
    assert_eq!(xml.matches(r#"<w:pgNumType w:start="1" />"#).count(), 3);
    let pages = pages(&pdf);
    let entries = contents(&pages[1]);
    assert_eq!(entries.len(), 3);
    for (label, n) in &entries {
        assert_eq!(*n, 1, "{label}");
        let at = pages
            .iter()
            .position(|p| p.lines().find(|l| !l.trim().is_empty()).map(str::trim) == Some(label))
            .unwrap();
        assert_eq!(folio(&pages[at]), Some(1), "{label}");
    }
    let (_b, again) = pack(&manifest, "pdf,docx");
    assert!(std::fs::read(&pdf).unwrap() == std::fs::read(&again).unwrap());
}

/// Each page's label is the folio it prints; the cover and contents (before the first
/// folio) are labelled i, ii…; a blank page ending a document goes on counting.
fn assert_labels_are_folios(pdf: &Path) {
    let Some(labels) = common::page_labels(pdf) else {
        return;
    };
    let pages = pages(pdf);
    assert_eq!(labels.len(), pages.len());
    let first = pages.iter().position(|p| folio(p).is_some()).unwrap();
    for (i, (label, page)) in labels.iter().zip(&pages).enumerate() {
        match folio(page) {
            Some(f) => assert_eq!(*label, f.to_string(), "page {}", i + 1),
            None if i < first => assert_eq!(*label, ["i", "ii", "iii", "iv"][i]),
            None => {
                let before: usize = labels[i - 1].parse().unwrap();
                assert_eq!(*label, (before + 1).to_string(), "blank page {}", i + 1);
            }
        }
    }
}

#[test]
fn volumes_are_pdfa_1b_with_page_labels_equal_to_the_folios() {
    if !tool("pdftotext") {
        return;
    }
    let (_a, pdf) = pack(&input().join("pack.toml"), "pdf");
    common::assert_pdfa_1b(&pdf);
    assert_labels_are_folios(&pdf);
    let (_dir, manifest) = per_document_manifest();
    let (_b, pdf) = pack(&manifest, "pdf");
    common::assert_pdfa_1b(&pdf);
    assert_labels_are_folios(&pdf);
}

/// Run `pack` on a manifest written from `text` in a fresh folder (paths inside it are
/// relative to that folder); the exit code, stderr, and whether anything was written.
fn refused(text: &str, files: &[(&str, &[u8])]) -> (i32, String, bool) {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let manifest = dir.path().join("pack.toml");
    std::fs::write(&manifest, text).unwrap();
    let out = dir.path().join("out");
    let o = baogao(&["pack", s(&manifest), "-o", s(&out)]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    (o.status.code().unwrap(), err, out.exists())
}

fn one_line(err: &str) {
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn a_missing_document_stops_the_pack_with_exit_3() {
    let report = std::fs::read(input().join("wuyang-2024-plan/report.txt")).unwrap();
    let (code, err, written) = refused(
        "title = \"會議文件\"\n[[document]]\nreport = \"plan.txt\"\nlabel = \"文件一\"\n[[document]]\nreport = \"gone.txt\"\nlabel = \"文件二\"\n",
        &[("plan.txt", &report)],
    );
    assert_eq!(code, 3, "{err}");
    one_line(&err);
    assert!(
        err.contains("pack.toml") && err.contains("文件二") && err.contains("gone.txt"),
        "{err}"
    );
    assert!(!written);
}

#[test]
fn a_bad_manifest_key_is_exit_2_naming_it() {
    let (code, err, written) = refused(
        "title = \"會議文件\"\nfolio = \"continuous\"\n[[document]]\nreport = \"r.txt\"\n",
        &[],
    );
    assert_eq!(code, 2, "{err}");
    one_line(&err);
    assert!(err.contains("pack.toml") && err.contains("folio"), "{err}");
    assert!(!written);
}

#[test]
fn an_unreadable_notes_file_stops_the_pack_with_exit_3() {
    let report = std::fs::read(input().join("wuyang-2024-plan/report.txt")).unwrap();
    let (code, err, written) = refused(
        "title = \"會議文件\"\n[[document]]\nreport = \"plan.txt\"\nnotes = \"notes.docx\"\nlabel = \"文件一\"\n",
        &[("plan.txt", &report), ("notes.docx", b"\x89PNG\r\n\x1a\n....")],
    );
    assert_eq!(code, 3, "{err}");
    one_line(&err);
    assert!(
        err.contains("文件一") && err.contains("notes.docx"),
        "{err}"
    );
    assert!(!written);
}

#[test]
fn check_manifest_reports_every_document() {
    let o = baogao(&["check", s(&input().join("pack.toml")), "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["title"], STEM);
    assert_eq!(v["folios"], "continuous");
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[0]["title"], "2024年舞陽縣政府工作報告");
    for d in &docs[1..] {
        assert_eq!(d["notes"]["unmatched"].as_array().unwrap().len(), 0);
        // Without the `font-fallback` infos (the gongwen 仿宋 draws quotation marks from the
        // serif, and says so).
        let warnings = d["warnings"].as_array().unwrap();
        let others = warnings.iter().filter(|w| w["code"] != "font-fallback");
        assert_eq!(others.count(), 0, "{d}");
    }
}

/// Entries of the EPUB: name → text.
fn epub_entries(epub: &Path) -> Vec<(String, String)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    (0..z.len())
        .filter_map(|i| {
            use std::io::Read;
            let mut f = z.by_index(i).unwrap();
            let name = f.name().to_string();
            let mut text = String::new();
            f.read_to_string(&mut text).ok()?;
            Some((name, text))
        })
        .collect()
}

/// Values of `attr="…"` in `text`.
fn attrs<'a>(text: &'a str, attr: &str) -> Vec<&'a str> {
    let key = format!(" {attr}=\"");
    text.split(key.as_str())
        .skip(1)
        .map(|r| &r[..r.find('"').unwrap()])
        .collect()
}

#[test]
fn epub_is_one_valid_book_with_documents_nested_and_notes_restarting() {
    let (out, _) = pack(&input().join("pack.toml"), "epub");
    let epub = out.path().join(format!("{STEM}.epub"));
    let entries = epub_entries(&epub);
    // One set of fonts.
    let fonts: Vec<_> = entries
        .iter()
        .filter(|(n, _)| n.ends_with(".ttf"))
        .map(|(n, _)| n.as_str())
        .collect();
    let mut unique = fonts.clone();
    unique.dedup();
    assert_eq!(fonts, unique);
    assert!(fonts.len() <= 4, "{fonts:?}");
    // Ids unique across the book; every document's first note is 1.
    let mut ids = Vec::new();
    for (name, text) in &entries {
        if name.ends_with(".xhtml") && name != "OEBPS/nav.xhtml" {
            ids.extend(attrs(text, "id").into_iter().map(str::to_string));
        }
    }
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "an id repeats across the book");
    for d in 1..=3 {
        // The mark of the first note reference in the document's files, in spine order.
        let first = entries
            .iter()
            .filter(|(n, _)| n.starts_with(&format!("OEBPS/d{d}-")))
            .find_map(|(_, t)| {
                let rest = &t[t.find("role=\"doc-noteref\"")?..];
                let after = &rest[rest.find('>')? + 1..];
                Some(after[..after.find('<')?].to_string())
            });
        assert_eq!(first.as_deref(), Some("1"), "document {d}");
    }
    // The nav: the cover, then one entry per document with its sections and level-2 headings.
    let nav = &entries
        .iter()
        .find(|(n, _)| n == "OEBPS/nav.xhtml")
        .unwrap()
        .1;
    let toc = &nav[..nav.find("</nav>").unwrap()];
    for (d, label) in LABELS.iter().enumerate() {
        let at = toc
            .find(&format!("d{}-title.xhtml\">{label}", d + 1))
            .unwrap();
        let rest = &toc[at..];
        let nested = rest.find("<ol>").unwrap();
        assert!(rest[nested..]
            .trim_start_matches("<ol>")
            .trim_start()
            .starts_with("<li>"));
        assert!(rest.contains(&format!("d{}-section-1.xhtml#d{}-h1-1", d + 1, d + 1)));
    }
    if let Some(problems) = common::epubcheck(&epub) {
        assert!(problems.is_empty(), "{problems:#?}");
    }
}

/// A part of a ZIP as text.
fn part(zip_path: &Path, name: &str) -> String {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::fs::File::open(zip_path).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn docx_has_a_front_section_and_one_odd_page_section_per_document() {
    let (out, pdf) = pack(&input().join("pack.toml"), "pdf,docx");
    let docx = out.path().join(format!("{STEM}.docx"));
    let xml = part(&docx, "word/document.xml");
    let sections: Vec<&str> = xml
        .split("<w:sectPr>")
        .skip(1)
        .map(|s| &s[..s.find("</w:sectPr>").unwrap()])
        .collect();
    assert_eq!(sections.len(), 4, "front matter + three documents");
    for (k, s) in sections.iter().enumerate() {
        assert!(s.contains(r#"<w:type w:val="oddPage" />"#), "section {k}");
        assert!(
            s.contains(r#"<w:numRestart w:val="eachSect" />"#),
            "section {k}"
        );
        // The front matter has no folio; every document has the folio footers.
        assert_eq!(s.contains("<w:footerReference"), k > 0, "section {k}");
        // Schema order: references, footnote properties, type, page size.
        let at = |e: &str| s.find(e).unwrap_or(usize::MAX);
        assert!(at("<w:footnotePr") < at("<w:type") && at("<w:type") < at("<w:pgSz"));
    }
    // Continuous folios: page numbers restart once, in the first document.
    assert!(sections[1].contains(r#"<w:pgNumType w:start="1" />"#));
    assert!(!sections[2].contains("<w:pgNumType") && !sections[3].contains("<w:pgNumType"));
    // Footnote ids unique across the file.
    let notes = part(&docx, "word/footnotes.xml");
    let mut ids = attrs(&notes, "w:id");
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
    // The TOC field, pre-filled with the folios the PDF contents shows.
    assert!(xml.contains(r#" TOC \h \z \t "Title,1" "#));
    let pages = pages(&pdf);
    for (k, (label, folio)) in contents(&pages[1]).iter().enumerate() {
        let mark = format!("_Toc_baogao_{}", k + 1);
        assert!(
            xml.contains(&format!(r#"w:name="{mark}""#)),
            "{label}: bookmark"
        );
        let cached = format!(" PAGEREF {mark} \\h </w:instrText>");
        let at = xml
            .find(&cached)
            .unwrap_or_else(|| panic!("{label}: PAGEREF"));
        let after = &xml[at..];
        let shown = &after[after.find("<w:t xml:space=\"preserve\">").unwrap() + 26..];
        assert_eq!(
            &shown[..shown.find('<').unwrap()],
            folio.to_string(),
            "{label}"
        );
    }
}

#[test]
fn docx_asks_word_to_update_its_contents_and_stays_schema_valid() {
    let (out, _) = pack(&input().join("pack.toml"), "docx");
    let docx = out.path().join(format!("{STEM}.docx"));
    // Word updates the TOC and PAGEREF fields on open: the contents' page numbers are Word's
    // own pagination (the pre-filled folios are the PDF's, for LibreOffice and readers).
    let settings = part(&docx, "word/settings.xml");
    assert_eq!(
        settings
            .matches(r#"<w:updateFields w:val="true" />"#)
            .count(),
        1,
        "{settings}"
    );
    // CT_Settings order: …, defaultTabStop, …, characterSpacingControl, …, updateFields, …,
    // footnotePr, …, compat.
    let at = |e: &str| {
        settings
            .find(e)
            .unwrap_or_else(|| panic!("{e}: {settings}"))
    };
    assert!(at("<w:defaultTabStop") < at("<w:updateFields"));
    assert!(at("<w:updateFields") < at("<w:footnotePr") && at("<w:footnotePr") < at("<w:compat>"));
    if tool("openxml-audit") {
        common::openxml_audit(out.path(), 1);
    }
}

#[test]
fn libreoffice_renders_the_docx_with_its_contents() {
    if !(tool("soffice") && tool("pdftotext")) {
        return;
    }
    let (out, _) = pack(&input().join("pack.toml"), "docx");
    let dir = out.path();
    let docx = dir.join("v.docx");
    std::fs::rename(dir.join(format!("{STEM}.docx")), &docx).unwrap();
    let o = run_with_deadline(
        Command::new("soffice")
            .arg(format!("-env:UserInstallation=file://{}/profile", s(dir)))
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(dir)
            .arg(&docx),
        Duration::from_secs(600),
    );
    let pdf = dir.join("v.pdf");
    assert!(pdf.is_file(), "{}", String::from_utf8_lossy(&o.stderr));
    let pages = pages(&pdf);
    let entries = contents(&pages[1]);
    assert_eq!(
        entries.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
        LABELS,
        "{}",
        pages[1]
    );
    assert_eq!(entries[0].1, 1);
}

#[test]
fn reruns_give_identical_editions() {
    let (a, _) = pack(&input().join("pack.toml"), "pdf,epub,docx");
    let (b, _) = pack(&input().join("pack.toml"), "pdf,epub,docx");
    for ext in ["pdf", "epub", "docx"] {
        let name = format!("{STEM}.{ext}");
        assert!(
            std::fs::read(a.path().join(&name)).unwrap()
                == std::fs::read(b.path().join(&name)).unwrap(),
            "{ext}"
        );
    }
}

#[test]
fn pack_prints_each_documents_warnings_and_strict_refuses_them() {
    let out = tempfile::tempdir().unwrap();
    let manifest = input().join("pack.toml");
    let o = baogao(&[
        "pack",
        s(&manifest),
        "-o",
        s(out.path()),
        "--formats",
        "epub",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.lines()
            .any(|l| l.contains("wuyang-2024/report.txt: warning[unmatched-notes]")),
        "{err}"
    );
    let strict = out.path().join("strict");
    let o = baogao(&["pack", s(&manifest), "-o", s(&strict), "--strict"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(4), "{err}");
    one_line(&err);
    assert!(err.contains("文件一"), "{err}");
    assert!(!strict.exists());
}

#[test]
fn epub_page_list_spans_the_pdf_volume_with_ids_unique_across_documents() {
    if !tool("pdftotext") || !tool("qpdf") {
        return;
    }
    // Folios restart in each document, so labels repeat across the book: the ids must not.
    let (_dir, manifest) = per_document_manifest();
    let (out, pdf) = pack(&manifest, "pdf,epub");
    let epub = out.path().join(format!("{STEM}.epub"));
    let entries: std::collections::BTreeMap<String, String> =
        epub_entries(&epub).into_iter().collect();
    // The PDF volume's folio'd pages: (page index, folio), in order. Cover, contents and
    // blank pages print none.
    let pages = pages(&pdf);
    let folioed: Vec<(usize, usize)> = pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| folio(p).map(|f| (i, f)))
        .collect();
    assert!(
        folioed.len() > 30 && folioed.len() < pages.len(),
        "{folioed:?}"
    );
    // The page list: one entry per folio'd page, labelled as the folio prints it.
    let nav = &entries["OEBPS/nav.xhtml"];
    let list = &nav[nav.find(r#"epub:type = "page-list""#).expect("page list")..];
    let list = &list[..list.find("</nav>").unwrap()];
    let hrefs = attrs(list, "href");
    let labels: Vec<&str> = list
        .split("</a>")
        .filter_map(|a| a.rsplit_once('>').map(|(_, t)| t.trim()))
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(hrefs.len(), folioed.len());
    assert_eq!(labels.len(), folioed.len(), "{labels:?}");
    let mut ids: Vec<&str> = hrefs.iter().map(|h| h.split_once('#').unwrap().1).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), hrefs.len(), "a page id repeats");
    // Each document's first folio'd page, its second, and its last: the first characters
    // after the marker are the PDF page's first body characters.
    let mut checked = 0;
    for (k, ((page, folio), (href, label))) in
        folioed.iter().zip(hrefs.iter().zip(&labels)).enumerate()
    {
        assert_eq!(label, &folio.to_string(), "page {}", page + 1);
        let (file, id) = href.split_once('#').unwrap();
        let d = file[1..file.find('-').unwrap()].to_string();
        assert_eq!(id, format!("d{d}-page-{folio}"));
        let xhtml = &entries[&format!("OEBPS/{file}")];
        let marker = format!(
            r#"<span epub:type="pagebreak" role="doc-pagebreak" id="{id}" aria-label="{label}"/>"#
        );
        assert_eq!(xhtml.matches(&marker).count(), 1, "{marker}");
        let next_starts = folioed.get(k + 1).is_none_or(|&(_, f)| f == 1);
        if *folio <= 2 || next_starts {
            let printed: String = pages[*page]
                .chars()
                .filter(|c| !c.is_whitespace())
                .take(8)
                .collect();
            let at = xhtml.find(&marker).unwrap() + marker.len();
            assert_eq!(
                common::text_after(xhtml, at, 8),
                printed,
                "page {}",
                page + 1
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 9);
    let opf = &entries["OEBPS/content.opf"];
    assert!(
        opf.contains("(PDF, 210 \u{00D7} 297 mm, gongwen)</dc:source>"),
        "{opf}"
    );
    if let Some(problems) = common::epubcheck(&epub) {
        assert!(problems.is_empty(), "{problems:#?}");
    }
}

#[test]
fn epub_page_list_has_every_printed_page_blank_ones_included() {
    if !tool("pdftotext") || !tool("qpdf") {
        return;
    }
    // Folios run on across documents: a blank left-hand page between two documents is counted
    // (the next document starts on a right-hand page), so "go to page N" must find it too.
    let (out, pdf) = pack(&input().join("pack.toml"), "pdf,epub");
    let pages = pages(&pdf);
    let first = pages.iter().position(|p| folio(p) == Some(1)).unwrap();
    let volume = &pages[first..];
    let blanks: Vec<usize> = (0..volume.len())
        .filter(|&i| volume[i].trim().is_empty())
        .map(|i| i + 1)
        .collect();
    assert!(
        !blanks.is_empty(),
        "the pack has no blank page between documents"
    );
    for (i, p) in volume.iter().enumerate() {
        assert!(
            blanks.contains(&(i + 1)) || folio(p) == Some(i + 1),
            "page {} of the volume prints {:?}",
            i + 1,
            folio(p)
        );
    }
    let entries: std::collections::BTreeMap<String, String> =
        epub_entries(&out.path().join(format!("{STEM}.epub")))
            .into_iter()
            .collect();
    let nav = &entries["OEBPS/nav.xhtml"];
    let list = &nav[nav.find(r#"epub:type = "page-list""#).expect("page list")..];
    let list = &list[..list.find("</nav>").unwrap()];
    let hrefs = attrs(list, "href");
    let labels: Vec<&str> = list
        .split("</a>")
        .filter_map(|a| a.rsplit_once('>').map(|(_, t)| t.trim()))
        .filter(|t| !t.is_empty())
        .collect();
    // One entry per page of the volume, in order, blank ones included.
    let want: Vec<String> = (1..=volume.len()).map(|n| n.to_string()).collect();
    assert_eq!(labels, want);
    assert_eq!(hrefs.len(), volume.len());
    for (i, href) in hrefs.iter().enumerate() {
        if blanks.contains(&(i + 1)) && i + 1 == volume.len() {
            // after the last document: its last page
            assert_eq!(href, &hrefs[i - 1]);
        } else if blanks.contains(&(i + 1)) {
            // The blank page leads to the next document's start: its first content document,
            // whose first page marker is the next page.
            let next = hrefs.get(i + 1).expect("a blank page before a document");
            assert!(!href.contains('#'), "{href}");
            assert!(href.ends_with("-title.xhtml"), "{href}");
            assert_eq!(next.split_once('#').unwrap().0, *href);
            assert!(next.ends_with(&format!("-page-{}", i + 2)), "{next}");
        } else {
            assert!(href.ends_with(&format!("-page-{}", i + 1)), "{href}");
        }
    }
}
