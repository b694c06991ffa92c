//! Session pack benchmark (issue 17): a pack of 5 documents of Wuyang's size against one
//! `build` of one of them, each as a fresh process of the release binary. Run with
//! `cargo bench --bench pack`; prints a Markdown table for docs/benchmarks.md. Nothing here is
//! asserted: the target (pack ≤ 2.5 × build) is read off the table.
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 7;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Median wall time of `baogao ARGS` (one warm-up run first).
fn time(args: &[&str]) -> Duration {
    let run = || {
        let t = Instant::now();
        let o = Command::new(env!("CARGO_BIN_EXE_baogao"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "baogao {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        t.elapsed()
    };
    run();
    let mut v: Vec<Duration> = (0..RUNS).map(|_| run()).collect();
    v.sort();
    v[RUNS / 2]
}

fn main() {
    let tmp = std::env::temp_dir().join(format!("baogao-pack-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let wuyang = root().join("input/wuyang-2024/report.txt");
    let labels = ["文件一", "文件二", "文件三", "文件四", "文件五"];
    let mut manifest = String::from("title = \"五份文件\"\nsubtitle = \"2024年1月\"\n");
    for l in labels {
        manifest.push_str(&format!(
            "[[document]]\nreport = \"{}\"\nlabel = \"{l}\"\n",
            wuyang.display()
        ));
    }
    let five = tmp.join("pack5.toml");
    std::fs::write(&five, manifest).unwrap();
    let out = tmp.join("out");
    let (o, r, m, m3) = (
        out.to_str().unwrap(),
        wuyang.to_str().unwrap(),
        five.to_str().unwrap(),
        root().join("input/pack.toml"),
    );
    let build = time(&["build", r, "-o", o]);
    let pack5 = time(&["pack", m, "-o", o]);
    let pack3 = time(&["pack", m3.to_str().unwrap(), "-o", o]);
    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
    println!("| run (pdf, epub, docx) | median of {RUNS} | × build |");
    println!("|---|---|---|");
    println!("| `build` Wuyang report | {} | 1.00 |", ms(build));
    for (what, d) in [
        ("`pack` input/pack.toml (3 documents)", pack3),
        ("`pack` 5 × Wuyang report", pack5),
    ] {
        println!(
            "| {what} | {} | {:.2} |",
            ms(d),
            d.as_secs_f64() / build.as_secs_f64()
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
}
