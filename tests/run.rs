//! A build run on disk: edition names (one naming function for single and batch runs, unique
//! within a run, never longer than a file name may be), temporary files (stale ones removed,
//! interrupted runs leave none), and the checks made before any work (`--name`, `-o`), a pack
//! taking the same path (output folder, stale and interrupted temp files, names), and a
//! batch folder's unreadable report listed as failed. Every input is generated here.
mod common;
use common::baogao;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant, SystemTime};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

/// A small report as a scraper leaves it: ASCII punctuation, pinyin glosses, a title line.
fn report(title: &str) -> String {
    format!(
        "{title}\n\n各位代表:\n\n  現(xiàn)在,我代表縣人民政府,向大會報告工作。\n\n  \
         一、2023年工作回顧\n\n  全年完成生產(chǎn)總值244.5億元,同比增長5.2%。\n"
    )
}

fn write(path: &Path, text: &str) -> PathBuf {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    path.to_path_buf()
}

/// The title with a pinyin gloss inside (`政(zhèng)府`), as raw text and as the editions' name.
const GLOSSED: &str = "2024年某縣政(zhèng)府工作報告";
const NAMED: &str = "2024年某縣政府工作報告";

#[test]
fn a_batch_and_a_single_run_give_the_same_names_and_bytes_for_a_glossed_title() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("reports");
    let one = write(
        &folder.join("glossed.txt"),
        &format!("{}\u{9644}\u{4EF6}\u{FF1A}notes.txt\n", report(GLOSSED)),
    );
    write(
        &folder.join("other.txt"),
        &report("2024年另一縣政府工作報告"),
    );
    // The notes file the glossed report's 附件 line names is passed over, and said so.
    write(
        &folder.join("notes.txt"),
        "1.\u{201C}生產總值\u{201D}\u{FF1A}一定時期內生產活動的最終成果。\n",
    );

    let single = tmp.path().join("single");
    let o = baogao(&["build", s(&one), "-o", s(&single)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let batch = tmp.path().join("batch");
    let o = baogao(&["build", s(&folder), "-o", s(&batch)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("notes.txt: passed over: it is the notes file that")
            && stderr(&o).contains("(1 notes matched")
            && stderr(&o).contains("2 documents: 2 written, 0 failed; 1 .txt passed over"),
        "{}",
        stderr(&o)
    );

    let ours: Vec<String> = ["docx", "epub", "pdf"]
        .iter()
        .map(|e| format!("{NAMED}.{e}"))
        .collect();
    assert_eq!(files(&single), ours);
    let in_batch = files(&batch);
    assert_eq!(in_batch.len(), 6, "{in_batch:?}");
    for name in &ours {
        assert!(in_batch.contains(name), "{name} not in {in_batch:?}");
        assert_eq!(
            std::fs::read(single.join(name)).unwrap(),
            std::fs::read(batch.join(name)).unwrap(),
            "{name}: batch differs from single"
        );
    }
    assert!(in_batch.iter().all(|n| !n.contains("zh")), "{in_batch:?}");
}

#[test]
fn a_character_no_font_has_is_kept_in_the_name() {
    // U+30000 (CJK Extension G) is in none of the bundled fonts: drawn as U+3013, named as is.
    let title = "2024年\u{30000}縣政府工作報告";
    let tmp = tempfile::tempdir().unwrap();
    let r = write(&tmp.path().join("r.txt"), &report(title));
    let o = baogao(&["check", s(&r), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let missing: Vec<&str> = v["glyphs"]["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(missing.contains(&"U+30000"), "{missing:?}");
    let out = tmp.path().join("out");
    let o = baogao(&["build", s(&r), "-o", s(&out), "--formats", "epub"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(files(&out), [format!("{title}.epub")]);
}

#[test]
fn same_titles_in_one_run_never_overwrite_each_other() {
    let tmp = tempfile::tempdir().unwrap();
    let title = "2024年某縣政府工作報告";
    let folder = tmp.path().join("county");
    for n in ["a", "b", "c"] {
        write(&folder.join(format!("{n}.txt")), &report(title));
    }
    // A folder name long enough to push the name past 255 bytes: cut, with a hash.
    let long = "縣".repeat(80);
    write(&tmp.path().join(&long).join("d.txt"), &report(title));
    let out = tmp.path().join("out");
    let o = baogao(&[
        "build",
        s(&folder),
        s(&tmp.path().join(&long)),
        "-o",
        s(&out),
        "--formats",
        "epub",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let names = files(&out);
    assert_eq!(names.len(), 4, "4 reports, 4 editions: {names:?}");
    assert!(names.contains(&format!("{title}.epub")));
    assert!(names.contains(&format!("{title}_county.epub")));
    assert!(names.contains(&format!("{title}_2.epub")));
    for n in &names {
        assert!(n.len() <= 255, "{} bytes: {n}", n.len());
    }
    let cut = names.iter().find(|n| n.contains('~')).expect("cut name");
    assert!(cut.starts_with(title) && cut.ends_with(".epub"), "{cut}");
    // Input order decides: the same run again gives the same names.
    let again = tmp.path().join("again");
    let o = baogao(&[
        "build",
        s(&folder),
        s(&tmp.path().join(&long)),
        "-o",
        s(&again),
        "--formats",
        "epub",
        "--jobs",
        "1",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(files(&again), names);
}

#[test]
fn name_must_be_a_file_stem() {
    let tmp = tempfile::tempdir().unwrap();
    let r = write(&tmp.path().join("r.txt"), &report(NAMED));
    let out = tmp.path().join("out");
    let abs = tmp.path().join("elsewhere");
    for bad in ["../../x", "a/b", s(&abs), "", "..", "a\\b"] {
        let o = baogao(&["build", s(&r), "-o", s(&out), "--name", bad]);
        assert_eq!(o.status.code(), Some(2), "--name {bad:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains("--name"), "{err}");
    }
    assert!(!out.exists() && !abs.exists(), "something was written");
    assert_eq!(files(tmp.path()), ["r.txt"]);
    let o = baogao(&[
        "build",
        s(&r),
        "-o",
        s(&out),
        "--name",
        "舞阳",
        "--formats",
        "epub",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(files(&out), ["舞阳.epub"]);
}

#[test]
fn output_that_is_a_file_or_not_writable_is_refused_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(&tmp.path().join("out.pdf"), "not a folder");
    // The report does not exist: the output folder is checked first, so its line is the one.
    let absent = tmp.path().join("absent.txt");
    let mut cases = vec![file.clone(), file.join("sub")];
    if Path::new("/proc/self").exists() {
        // Not writable, even by root.
        cases.push(PathBuf::from("/proc/baogao-out"));
    }
    let ro = tmp.path().join("read-only");
    std::fs::create_dir(&ro).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        // Root writes through permissions; the case only holds for other users.
        if std::fs::write(ro.join("probe"), b"").is_err() {
            cases.push(ro.clone());
        }
    }
    for out in &cases {
        let o = baogao(&["build", s(&absent), "-o", s(out)]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{}: {}",
            out.display(),
            stderr(&o)
        );
        let err = stderr(&o);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains("output folder"), "{err}");
        assert!(!err.contains("absent.txt"), "{err}");
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a folder");
}

#[test]
fn an_unreadable_report_in_a_batch_folder_is_listed_as_failed() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("reports");
    write(&folder.join("good.txt"), &report(NAMED));
    // Not text at all (NUL bytes): it cannot be read, so it cannot be told not to be a report.
    std::fs::write(folder.join("broken.txt"), [0u8, 1, 2, 0, 0xFF, 0xFE, 0]).unwrap();
    let out = tmp.path().join("out");
    let o = baogao(&["build", s(&folder), "-o", s(&out), "--formats", "epub"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    let row = err
        .lines()
        .find(|l| l.starts_with(s(&folder.join("broken.txt"))) && l.contains("\tfailed"))
        .unwrap_or_else(|| panic!("broken.txt not in the closing table: {err}"));
    assert!(row.contains("NUL"), "{row}");
    assert_eq!(files(&out), [format!("{NAMED}.epub")]);
}

fn temp_files(dir: &Path) -> Vec<String> {
    files(dir)
        .into_iter()
        .filter(|n| n.starts_with(".baogao-") && n.ends_with(".tmp"))
        .collect()
}

#[test]
fn temp_files_of_killed_runs_are_removed_and_others_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let r = write(&tmp.path().join("r.txt"), &report(NAMED));
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // Left by a run whose process no longer exists (no pid is u32::MAX), an hour ago.
    let stale = out.join(format!(".baogao-{}-Ab12Cd34.tmp", u32::MAX));
    let f = std::fs::File::create(&stale).unwrap();
    f.set_modified(SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
    drop(f);
    // Not this program's pattern: left alone.
    std::fs::write(out.join(".report.pdf.123.tmp"), b"x").unwrap();
    std::fs::write(out.join("notes.tmp"), b"x").unwrap();
    let o = baogao(&["build", s(&r), "-o", s(&out), "--formats", "epub"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        files(&out),
        [
            ".report.pdf.123.tmp".to_string(),
            format!("{NAMED}.epub"),
            "notes.tmp".to_string()
        ]
    );
}

#[cfg(unix)]
#[test]
fn an_interrupt_removes_the_runs_temp_files() {
    for signal in ["TERM", "INT"] {
        let tmp = tempfile::tempdir().unwrap();
        let r = write(&tmp.path().join("r.txt"), &report(NAMED));
        let out = tmp.path().join("out");
        let mut child = Command::new(env!("CARGO_BIN_EXE_baogao"))
            .args(["build", s(&r), "-o", s(&out)])
            .env("BAOGAO_TEST_HOLD_TEMP_MS", "60000")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while temp_files(&out).is_empty() {
            assert!(
                start.elapsed() < Duration::from_secs(300),
                "no temp file appeared"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "SIG{signal}");
        assert_eq!(files(&out), Vec::<String>::new(), "SIG{signal} left files");
    }
}

/// A one-document pack manifest in `dir` (with its report), the volume titled `title`.
fn pack_manifest(dir: &Path, title: &str) -> PathBuf {
    write(&dir.join("r.txt"), &report(NAMED));
    write(
        &dir.join("pack.toml"),
        &format!("title = \"{title}\"\n[[document]]\nreport = \"r.txt\"\nlabel = \"文件一\"\n"),
    )
}

#[test]
fn pack_refuses_an_output_that_is_a_file_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(&tmp.path().join("out.pdf"), "not a folder");
    // The manifest names a report that does not exist: the output folder is checked first.
    let manifest = write(
        &tmp.path().join("pack.toml"),
        "title = \"會議文件\"\n[[document]]\nreport = \"gone.txt\"\n",
    );
    for out in [file.clone(), file.join("sub")] {
        let o = baogao(&["pack", s(&manifest), "-o", s(&out)]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let err = stderr(&o);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(
            err.contains("output folder") && !err.contains("gone.txt"),
            "{err}"
        );
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a folder");
}

#[test]
fn pack_removes_stale_temp_files_and_fits_a_long_title_to_a_file_name() {
    let tmp = tempfile::tempdir().unwrap();
    // 100 Han characters: 300 bytes, past the 255-byte limit of a file name.
    let title = "會".repeat(100);
    let manifest = pack_manifest(tmp.path(), &title);
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let stale = out.join(format!(".baogao-{}-Ab12Cd34.tmp", u32::MAX));
    let f = std::fs::File::create(&stale).unwrap();
    f.set_modified(SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
    drop(f);
    let o = baogao(&["pack", s(&manifest), "-o", s(&out), "--formats", "epub"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let names = files(&out);
    assert_eq!(names.len(), 1, "the stale temp file is gone: {names:?}");
    let name = &names[0];
    assert!(name.len() <= 255, "{} bytes: {name}", name.len());
    assert!(
        name.starts_with("會會會") && name.contains('~') && name.ends_with(".epub"),
        "{name}"
    );
}

#[cfg(unix)]
#[test]
fn an_interrupted_pack_leaves_no_temp_files() {
    let tmp = tempfile::tempdir().unwrap();
    let manifest = pack_manifest(tmp.path(), "會議文件");
    let out = tmp.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_baogao"))
        .args(["pack", s(&manifest), "-o", s(&out), "--formats", "epub"])
        .env("BAOGAO_TEST_HOLD_TEMP_MS", "60000")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while temp_files(&out).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "no temp file appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert_eq!(child.wait().unwrap().code(), Some(130));
    assert_eq!(files(&out), Vec::<String>::new());
}

/// Report text in the shapes a folder build used to pass over without a word: a letter-spaced
/// title, a subtitle line before the title, and a text that starts at the salutation.
const BODY: &str = "\u{5404}\u{4F4D}\u{4EE3}\u{8868}\u{FF1A}\n\n  \u{73B0}\u{5728}\u{FF0C}\u{6211}\u{4EE3}\u{8868}\u{53BF}\u{4EBA}\u{6C11}\u{653F}\u{5E9C}\u{FF0C}\u{5411}\u{5927}\u{4F1A}\u{62A5}\u{544A}\u{5DE5}\u{4F5C}\u{3002}\n\n  \u{4E00}\u{3001}2023\u{5E74}\u{5DE5}\u{4F5C}\u{56DE}\u{987E}\n\n  \u{5168}\u{5E74}\u{5B8C}\u{6210}\u{751F}\u{4EA7}\u{603B}\u{503C}244.5\u{4EBF}\u{5143}\u{3002}\n";
/// `——2024年1月10日在某县第十七届人民代表大会第四次会议上`
const MEETING: &str = "\u{2014}\u{2014}2024\u{5E74}1\u{6708}10\u{65E5}\u{5728}\u{67D0}\u{53BF}\u{7B2C}\u{5341}\u{4E03}\u{5C4A}\u{4EBA}\u{6C11}\u{4EE3}\u{8868}\u{5927}\u{4F1A}\u{7B2C}\u{56DB}\u{6B21}\u{4F1A}\u{8BAE}\u{4E0A}";

fn shapes() -> Vec<(&'static str, String)> {
    vec![
        // 政 府 工 作 报 告
        (
            "spaced.txt",
            format!("\u{653F} \u{5E9C} \u{5DE5} \u{4F5C} \u{62A5} \u{544A}\n\n{MEETING}\n\n{BODY}"),
        ),
        // The meeting line first, then 2024年某县政府工作报告.
        (
            "subtitle-first.txt",
            format!("{MEETING}\n\n2024\u{5E74}\u{67D0}\u{53BF}\u{653F}\u{5E9C}\u{5DE5}\u{4F5C}\u{62A5}\u{544A}\n\n{BODY}"),
        ),
        // No title line: the text starts at 各位代表：.
        ("salutation-first.txt", BODY.to_string()),
    ]
}

#[test]
fn a_folder_build_takes_every_report_a_single_build_takes_and_names_what_it_passes_over() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("reports");
    let mut singles = Vec::new();
    for (name, text) in shapes() {
        let path = write(&folder.join(name), &text);
        let out = tmp.path().join(format!("single-{name}"));
        let o = baogao(&["build", s(&path), "-o", s(&out), "--formats", "epub"]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let written = files(&out);
        assert_eq!(written.len(), 1, "{name}: {written:?}");
        singles.extend(written);
    }
    singles.sort();
    // A link leading out of the folder is passed over, and said so.
    #[cfg(unix)]
    {
        let outside = write(&tmp.path().join("elsewhere.txt"), &report(NAMED));
        std::os::unix::fs::symlink(&outside, folder.join("link.txt")).unwrap();
    }
    let out = tmp.path().join("batch");
    let o = baogao(&["build", s(&folder), "-o", s(&out), "--formats", "epub"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert_eq!(files(&out), singles, "{err}");
    for (name, _) in shapes() {
        assert!(err.contains(&format!("{name}: wrote")), "{name}: {err}");
    }
    let over = if cfg!(unix) { 1 } else { 0 };
    assert!(
        err.contains(&format!(
            "3 documents: 3 written, 0 failed; {over} .txt passed over"
        )),
        "{err}"
    );
    #[cfg(unix)]
    assert!(
        err.contains("link.txt: passed over: a link leading out of the folder")
            && err.contains("link.txt\tpassed over"),
        "{err}"
    );
}

/// `build input/`: the three reports are built; the plan report's notes file
/// (計劃報告有關注釋.txt, named by its 附件 line) is passed over, saying whose notes it holds.
#[test]
fn a_build_of_input_names_the_notes_file_it_passes_over() {
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("input");
    let tmp = tempfile::tempdir().unwrap();
    let o = baogao(&["build", s(&input), "-o", s(tmp.path()), "--formats", "epub"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert_eq!(files(tmp.path()).len(), 3, "{err}");
    let notes = input.join(
        "wuyang-2024-plan/\u{8A08}\u{5283}\u{5831}\u{544A}\u{6709}\u{95DC}\u{6CE8}\u{91CB}.txt",
    );
    let plan = input.join("wuyang-2024-plan/report.txt");
    assert!(
        err.contains(&format!(
            "{}: passed over: it is the notes file that {}'s \u{9644}\u{4EF6} line names",
            notes.display(),
            plan.display()
        )),
        "{err}"
    );
    assert!(
        err.contains("3 documents: 3 written, 0 failed; 1 .txt passed over"),
        "{err}"
    );
}
