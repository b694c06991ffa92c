//! Helpers shared by the integration tests of every edition.
//!
//! - [`han_diff`] / [`assert_same_han`]: do the Han characters of a text extracted from an edition
//!   (pdftotext, the EPUB's XHTML, the DOCX's XML) equal the document's, as a multiset, after
//!   folding both to Simplified character by character? Order, layout, punctuation and note marks
//!   do not matter; a lost, doubled or substituted character does.
//! - [`tool`]: is an external checker on PATH? With `CI=true` a missing tool is a failure;
//!   otherwise the test prints a note and returns early.
//! - [`run_with_deadline`]: run a command, killing it (and failing) after a generous deadline.
//! - [`preflight`] / [`assert_pdfa_1b`]: PDFBox Preflight's PDF/A-1b errors for a PDF.
#![allow(dead_code)]

use ferrous_opencc::config::BuiltinConfig;
use ferrous_opencc::OpenCC;
use std::collections::BTreeMap;
use std::fmt;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A Han (CJK ideograph) character.
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}')
}

fn t2s() -> &'static OpenCC {
    static T2S: OnceLock<OpenCC> = OnceLock::new();
    T2S.get_or_init(|| OpenCC::from_config(BuiltinConfig::T2s).expect("OpenCC t2s tables"))
}

/// One character folded to Simplified on its own (no phrase context, so the fold is the same
/// wherever the character stands). A character t2s maps to several characters is kept as is.
pub fn fold(c: char) -> char {
    let s = t2s().convert(c.encode_utf8(&mut [0; 4]));
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(f), None) => f,
        _ => c,
    }
}

/// The Han characters of `text`, folded, with their counts.
pub fn han_multiset(text: &str) -> BTreeMap<char, usize> {
    let mut folded: BTreeMap<char, char> = BTreeMap::new();
    let mut counts = BTreeMap::new();
    for c in text.chars().filter(|&c| is_han(c)) {
        let f = *folded.entry(c).or_insert_with(|| fold(c));
        *counts.entry(f).or_insert(0) += 1;
    }
    counts
}

/// How two texts' Han characters differ: `(character, count)` pairs, sorted by character.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct HanDiff {
    /// In the expected text, missing from (or fewer in) the extracted one.
    pub missing: Vec<(char, usize)>,
    /// In the extracted text, not in (or more than in) the expected one.
    pub extra: Vec<(char, usize)>,
    pub expected_total: usize,
    pub extracted_total: usize,
}

impl HanDiff {
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty()
    }
}

impl fmt::Display for HanDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |v: &[(char, usize)]| {
            v.iter()
                .take(40)
                .map(|(c, n)| format!("{c}(U+{:04X})×{n}", *c as u32))
                .collect::<Vec<_>>()
                .join(" ")
                + if v.len() > 40 { " …" } else { "" }
        };
        writeln!(
            f,
            "Han characters: expected {}, extracted {}",
            self.expected_total, self.extracted_total
        )?;
        let missing: usize = self.missing.iter().map(|(_, n)| n).sum();
        let extra: usize = self.extra.iter().map(|(_, n)| n).sum();
        writeln!(f, "  missing {missing}: {}", list(&self.missing))?;
        write!(f, "  extra {extra}: {}", list(&self.extra))
    }
}

/// Compare the Han characters of `extracted` with those of `expected` (multisets, folded).
pub fn han_diff(extracted: &str, expected: &str) -> HanDiff {
    let want = han_multiset(expected);
    let got = han_multiset(extracted);
    let mut diff = HanDiff {
        expected_total: want.values().sum(),
        extracted_total: got.values().sum(),
        ..Default::default()
    };
    for (&c, &n) in &want {
        let m = got.get(&c).copied().unwrap_or(0);
        if m < n {
            diff.missing.push((c, n - m));
        }
    }
    for (&c, &m) in &got {
        let n = want.get(&c).copied().unwrap_or(0);
        if m > n {
            diff.extra.push((c, m - n));
        }
    }
    diff
}

/// Panic with a readable list of differences unless the Han characters agree.
pub fn assert_same_han(extracted: &str, expected: &str, what: &str) {
    let diff = han_diff(extracted, expected);
    assert!(diff.is_empty(), "{what}: Han characters differ\n{diff}");
}

/// Whether `name` is an executable on PATH. Missing: a panic when `CI=true`, else a note on
/// stderr and `false` (the caller returns early).
pub fn tool(name: &str) -> bool {
    let found = std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            let p = dir.join(name);
            p.is_file()
                && std::fs::metadata(&p).is_ok_and(|m| {
                    use std::os::unix::fs::PermissionsExt;
                    m.permissions().mode() & 0o111 != 0
                })
        })
    });
    if !found {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{name} is not installed, and CI=true requires it");
        }
        eprintln!("note: {name} is not installed; skipping this check");
    }
    found
}

/// Run `cmd`, capturing its output; kill it and panic if it has not finished by `deadline`.
pub fn run_with_deadline(cmd: &mut Command, deadline: Duration) -> Output {
    use std::io::Read;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn command");
    // Drain both pipes while waiting, so a chatty child never blocks on a full pipe.
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("stdout")));
    let err = drain(Box::new(child.stderr.take().expect("stderr")));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for command") {
            break status;
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    }
}

/// epubcheck's FATAL/ERROR/WARNING lines for an EPUB on disk (`None`: the tool is missing and
/// this is not CI). A failing exit with no such line is a problem too.
pub fn epubcheck(epub: &std::path::Path) -> Option<Vec<String>> {
    if !tool("epubcheck") {
        return None;
    }
    let out = run_with_deadline(
        Command::new("epubcheck").arg(epub),
        Duration::from_secs(600),
    );
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut problems: Vec<String> = text
        .lines()
        .filter(|l| {
            ["FATAL", "ERROR", "WARNING"]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .map(str::to_string)
        .collect();
    if !out.status.success() && problems.is_empty() {
        problems.push(format!("epubcheck exit {}: {text}", out.status));
    }
    Some(problems)
}

/// The first `n` characters of text (no tags, no whitespace) from byte `from` of `xhtml`.
pub fn text_after(xhtml: &str, from: usize, n: usize) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in xhtml[from..].chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag && !c.is_whitespace() => out.push(c),
            _ => {}
        }
        if out.chars().count() == n {
            break;
        }
    }
    out
}

/// Run a python-docx `script` on the DOCX at `path` (as `sys.argv[1]`); its stdout. `None` when
/// python-docx is not installed and this is not CI (under `CI=true` that is a failure).
pub fn python_docx(script: &str, path: &std::path::Path) -> Option<String> {
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .output()
        .expect("python3 runs");
    if String::from_utf8_lossy(&out.stderr).contains("No module named 'docx'") {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "python-docx missing under CI"
        );
        eprintln!("note: python-docx not installed; skipping");
        return None;
    }
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Run the `baogao` binary of this build with `args` (no `SOURCE_DATE_EPOCH`, so editions carry the
/// fixed date), under the generous deadline.
pub fn baogao(args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_baogao"));
    cmd.args(args).env_remove("SOURCE_DATE_EPOCH");
    run_with_deadline(&mut cmd, Duration::from_secs(600))
}

/// Run openxml-audit (ECMA-376 transitional, as Office validates) on every DOCX under `dir`
/// (`files` of them); panic listing the schema errors of each file that has any. The caller
/// checks `tool("openxml-audit")` first.
pub fn openxml_audit(dir: &std::path::Path, files: usize) {
    let out = run_with_deadline(
        Command::new("openxml-audit")
            .args(["-r", "-m", "0", "-o", "json"])
            .arg(dir),
        Duration::from_secs(600),
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "openxml-audit gave no JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let results = report.as_array().expect("one result per file");
    assert_eq!(results.len(), files, "{report:#}");
    let mut failures = Vec::new();
    for r in results {
        let errors = r["error_count"].as_u64().unwrap();
        eprintln!("openxml-audit {}: {errors} errors", r["file"]);
        if errors > 0 {
            let list: Vec<String> = r["errors"]
                .as_array()
                .unwrap()
                .iter()
                .take(20)
                .map(|e| format!("  {} {} {}", e["part_uri"], e["path"], e["description"]))
                .collect();
            failures.push(format!(
                "{}: {errors} errors\n{}",
                r["file"],
                list.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The jars PDFBox Preflight runs from (Debian `libpdfbox2-java`, `libactivation-java`,
/// `libjaxb-api-java`).
const PREFLIGHT_JARS: [&str; 7] = [
    "preflight.jar",
    "pdfbox2.jar",
    "fontbox2.jar",
    "xmpbox.jar",
    "commons-logging.jar",
    "javax.activation.jar",
    "jaxb-api.jar",
];

/// PDFBox Preflight's PDF/A-1b errors for a PDF on disk, one line each (`None`: java or a jar
/// is missing and this is not CI; under `CI=true` that is a failure). A run that neither
/// validates nor lists an error is a problem too.
pub fn preflight(pdf: &std::path::Path) -> Option<Vec<String>> {
    if !tool("java") {
        return None;
    }
    let dir = std::path::Path::new("/usr/share/java");
    let missing: Vec<&str> = PREFLIGHT_JARS
        .iter()
        .copied()
        .filter(|j| !dir.join(j).is_file())
        .collect();
    if !missing.is_empty() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("PDFBox Preflight jars missing ({missing:?}), and CI=true requires them");
        }
        eprintln!("note: PDFBox Preflight jars missing ({missing:?}); skipping this check");
        return None;
    }
    let cp: Vec<String> = PREFLIGHT_JARS
        .iter()
        .map(|j| dir.join(j).display().to_string())
        .collect();
    let out = run_with_deadline(
        Command::new("java")
            .arg("-cp")
            .arg(cp.join(":"))
            .arg("org.apache.pdfbox.preflight.Validator_A1b")
            .arg(pdf),
        Duration::from_secs(600),
    );
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if text.contains("is a valid PDF/A-1b file") {
        return Some(Vec::new());
    }
    let errors: Vec<String> = text
        .lines()
        .filter(|l| l.split(" : ").next().is_some_and(is_error_code))
        .map(str::to_string)
        .collect();
    assert!(
        !errors.is_empty(),
        "Preflight said neither valid nor why:\n{text}"
    );
    Some(errors)
}

/// `1.4.8`, `3.1.11`: Preflight's error codes.
fn is_error_code(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Assert Preflight finds no PDF/A-1b error in `pdf` (skipped when it cannot run outside CI).
pub fn assert_pdfa_1b(pdf: &std::path::Path) {
    if let Some(errors) = preflight(pdf) {
        assert!(
            errors.is_empty(),
            "{}: {} PDF/A-1b errors:\n{}",
            pdf.display(),
            errors.len(),
            errors.join("\n")
        );
    }
}

/// Each page's label as a viewer shows it (`/PageLabels` read with qpdf: decimal and lowercase
/// roman ranges, no prefixes); `None`: qpdf is missing and this is not CI.
pub fn page_labels(pdf: &std::path::Path) -> Option<Vec<String>> {
    if !tool("qpdf") {
        return None;
    }
    let run = |args: &[&str]| {
        let o = Command::new("qpdf").args(args).arg(pdf).output().unwrap();
        String::from_utf8(o.stdout).unwrap()
    };
    let n: usize = run(&["--show-npages"]).trim().parse().unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&run(&["--json", "--json-key=pagelabels"])).unwrap();
    let ranges = json["pagelabels"].as_array().cloned().unwrap_or_default();
    let mut labels = Vec::with_capacity(n);
    for page in 0..n {
        let Some(r) = ranges
            .iter()
            .rev()
            .find(|r| r["index"].as_u64().unwrap() as usize <= page)
        else {
            labels.push(String::new());
            continue;
        };
        let l = &r["label"];
        let k =
            page - r["index"].as_u64().unwrap() as usize + l["/St"].as_u64().unwrap_or(1) as usize;
        assert!(l["/P"].is_null(), "label prefixes are not read here");
        let number = match l["/S"].as_str() {
            Some("/D") => k.to_string(),
            Some("/r") => roman(k),
            None => String::new(),
            Some(other) => panic!("label style {other} not read here"),
        };
        labels.push(number);
    }
    Some(labels)
}

/// `k` in lowercase roman numerals.
fn roman(mut k: usize) -> String {
    let table = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut s = String::new();
    for (v, r) in table {
        while k >= v {
            s += r;
            k -= v;
        }
    }
    s
}
