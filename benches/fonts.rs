//! Load + coverage + subset of all faces on the Wuyang report (release build):
//! `cargo bench --bench fonts`. Plain std::time loop; prints min and median per stage.
use baogao::fonts::FontBook;
use baogao::style::Style;
use std::time::{Duration, Instant};

#[path = "../tests/common/wuyang.rs"]
mod wuyang;

const RUNS: usize = 30;

fn main() {
    let style = Style::load("gongwen").expect("gongwen style");
    let doc = wuyang::wuyang();
    let (mut load, mut cover, mut subset, mut total) = (vec![], vec![], vec![], vec![]);
    let mut usage = vec![];
    let mut sizes = Vec::new();
    for _ in 0..RUNS {
        let t0 = Instant::now();
        let book = FontBook::load(&style).expect("fonts load");
        let t1 = Instant::now();
        let plan = baogao::present::Plan::new(&doc, &style, &book);
        let missing = baogao::passes::glyphs::missing(&doc, &plan, &book);
        let t2 = Instant::now();
        let subsets = book.subset(&plan.usage).expect("subsets");
        let t3 = Instant::now();
        assert_eq!(missing.len(), 3);
        let t4 = Instant::now();
        std::hint::black_box(baogao::present::Plan::new(&doc, &style, &book));
        usage.push(t4.elapsed());
        load.push(t1 - t0);
        cover.push(t2 - t1);
        subset.push(t3 - t2);
        total.push(t3 - t0);
        sizes = subsets
            .faces
            .values()
            .map(|f| {
                format!(
                    "{} {} chars {} B",
                    f.postscript_name,
                    f.chars.len(),
                    f.data.len()
                )
            })
            .collect();
    }
    println!(
        "fonts bench, {RUNS} runs, {} threads",
        rayon::current_num_threads()
    );
    for (name, v) in [
        ("load (read + check 4 files)", &mut load),
        ("coverage (missing)", &mut cover),
        ("subset (4 faces, parallel)", &mut subset),
        ("total", &mut total),
        (
            "the presentation plan once (glyph check and subset each make one)",
            &mut usage,
        ),
    ] {
        v.sort();
        println!(
            "{name:50} min {:7.2} ms  median {:7.2} ms",
            ms(v[0]),
            ms(v[v.len() / 2])
        );
    }
    for s in sizes {
        println!("  {s}");
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
