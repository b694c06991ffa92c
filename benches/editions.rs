//! End-to-end benchmark of the editions (issue 8). Run with
//! `cargo bench --bench editions` (release build); prints a Markdown table for docs/benchmarks.md.
//! Timings are medians of several runs on this machine; nothing here is asserted.
use baogao::edition::Format;
use baogao::fonts::FontBook;
use baogao::style::Style;
use baogao::{prepare, write_editions, Options, Output};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 7;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn time<F: FnMut()>(mut f: F) -> Duration {
    f(); // warm-up
    median(
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Wuyang report with its body (everything between the title and the attachment line)
/// repeated `n` times, beside a copy of its notes file.
fn scaled(dir: &Path, n: usize) -> PathBuf {
    let src = root().join("input/wuyang-2024");
    let text = std::fs::read_to_string(src.join("report.txt")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let title = lines
        .iter()
        .position(|l| l.trim().ends_with("報告"))
        .unwrap();
    let attach = lines
        .iter()
        .rposition(|l| l.trim_start().starts_with("附件"))
        .unwrap();
    let mut out: Vec<&str> = lines[..=title].to_vec();
    for _ in 0..n {
        out.extend_from_slice(&lines[title + 1..attach]);
    }
    out.extend_from_slice(&lines[attach..]);
    let folder = dir.join(format!("x{n}"));
    std::fs::create_dir_all(&folder).unwrap();
    for entry in std::fs::read_dir(&src).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "doc") {
            std::fs::copy(&p, folder.join(p.file_name().unwrap())).unwrap();
        }
    }
    let report = folder.join("report.txt");
    std::fs::write(&report, out.join("\n")).unwrap();
    report
}

/// `baogao build <input> -o <out>` as a fresh process; panics unless it succeeds.
fn build(input: &str, out: &str) {
    let status = Command::new(env!("CARGO_BIN_EXE_baogao"))
        .args(["build", input, "-o", out])
        .output()
        .unwrap()
        .status;
    assert!(status.success(), "baogao build {input} failed");
}

fn peak_rss_mb(args: &[&str]) -> Option<f64> {
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_baogao"))
        .args(args)
        .output()
        .ok()?;
    let err = String::from_utf8_lossy(&out.stderr);
    let kb: f64 = err
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })?
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let tmp = std::env::temp_dir().join(format!("baogao-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let style = Style::load("gongwen").unwrap();
    let opts = Options::default();
    let report = root().join("input/wuyang-2024/report.txt");
    let out = |formats: Vec<Format>| Output {
        dir: tmp.join("out"),
        formats,
        name: Some("bench".into()),
    };

    println!("| what | median of {RUNS} |");
    println!("|---|---|");
    let t = time(|| {
        FontBook::load(&style).unwrap();
    });
    println!("| load fonts (4 faces) | {} |", ms(t));
    let fonts = FontBook::load(&style).unwrap();
    let t = time(|| {
        prepare(&report, &opts, &style, &fonts).unwrap();
    });
    println!(
        "| read + passes + notes + glyph check (fonts loaded) | {} |",
        ms(t)
    );
    let prepared = prepare(&report, &opts, &style, &fonts).unwrap();
    let t = time(|| {
        fonts
            .subset(&baogao::present::Plan::new(&prepared.doc, &style, &fonts).usage)
            .unwrap();
    });
    println!("| subsets of all faces | {} |", ms(t));
    for f in Format::ALL {
        let t = time(|| {
            write_editions(&prepared, &style, &fonts, &out(vec![f])).unwrap();
        });
        println!(
            "| {} edition (subsets + render + write) | {} |",
            f.extension(),
            ms(t)
        );
    }
    let all = || {
        let fonts = FontBook::load(&style).unwrap();
        let p = prepare(&report, &opts, &style, &fonts).unwrap();
        for w in write_editions(&p, &style, &fonts, &out(Format::ALL.to_vec())).unwrap() {
            w.result.unwrap();
        }
    };
    let one = time(all);
    println!(
        "| **all three editions, end to end in process (1×)** | **{}** |",
        ms(one)
    );

    for n in [10usize, 20] {
        let r = scaled(&tmp, n);
        let t = time(|| {
            let fonts = FontBook::load(&style).unwrap();
            let p = prepare(&r, &opts, &style, &fonts).unwrap();
            for w in write_editions(&p, &style, &fonts, &out(Format::ALL.to_vec())).unwrap() {
                w.result.unwrap();
            }
        });
        println!(
            "| all three, body ×{n} | {} ({:.1}× of 1×) |",
            ms(t),
            t.as_secs_f64() / one.as_secs_f64()
        );
    }

    let r = report.to_string_lossy().to_string();
    let o = tmp.join("cli").to_string_lossy().to_string();
    let t = time(|| {
        build(&r, &o);
    });
    println!("| CLI process, all three editions (1×) | {} |", ms(t));

    // A batch of 8 copies in one run vs 8 single runs one after another.
    let batch_dir = tmp.join("batch");
    for i in 0..8 {
        let d = batch_dir.join(format!("copy{i}"));
        std::fs::create_dir_all(&d).unwrap();
        for entry in std::fs::read_dir(report.parent().unwrap()).unwrap() {
            let p = entry.unwrap().path();
            std::fs::copy(&p, d.join(p.file_name().unwrap())).unwrap();
        }
    }
    let b = batch_dir.to_string_lossy().to_string();
    let ob = tmp.join("batch-out").to_string_lossy().to_string();
    let run_batch = || {
        build(&b, &ob);
    };
    let run_singles = || {
        for i in 0..8 {
            let r = batch_dir
                .join(format!("copy{i}/report.txt"))
                .to_string_lossy()
                .to_string();
            let o = tmp.join(format!("single{i}")).to_string_lossy().to_string();
            build(&r, &o);
        }
    };
    // Interleaved (batch, singles, batch, …) so that drift in the machine's speed falls on both;
    // the ratio is the median of the ratios of each pair.
    run_batch();
    run_singles();
    let (mut batches, mut singles, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..2 * RUNS + 1 {
        let t = Instant::now();
        run_batch();
        let b = t.elapsed();
        let t = Instant::now();
        run_singles();
        let s = t.elapsed();
        ratios.push(s.as_secs_f64() / b.as_secs_f64());
        batches.push(b);
        singles.push(s);
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "| batch of 8 copies, one run | {} (median of {}) |",
        ms(median(batches)),
        2 * RUNS + 1
    );
    println!(
        "| 8 single runs one after another | {} (batch is {:.2}× faster; pairs {:.2}–{:.2}×) |",
        ms(median(singles)),
        ratios[ratios.len() / 2],
        ratios[0],
        ratios[ratios.len() - 1]
    );

    let r20 = scaled(&tmp, 20).to_string_lossy().to_string();
    for (label, input) in [("1×", &r), ("×20", &r20)] {
        if let Some(mb) = peak_rss_mb(&["build", input, "-o", &o]) {
            println!("| peak memory (RSS), CLI, {label} | {mb:.0} MB |");
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
}
