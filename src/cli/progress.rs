//! What `build` shows while it runs: a progress bar on a terminal with several documents, one
//! line per document otherwise (and above the bar).
use super::summary;
use baogao::{Observer, Outcome, PassedOver};
use std::sync::OnceLock;

#[derive(Default)]
pub struct Progress {
    bar: OnceLock<Option<indicatif::ProgressBar>>,
}

impl Observer for Progress {
    fn documents(&self, n: usize) {
        use std::io::IsTerminal;
        let bar = (n > 1 && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(n as u64);
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} documents {elapsed}")
            {
                bar.set_style(style);
            }
            bar
        });
        let _ = self.bar.set(bar);
    }

    fn done(&self, outcome: &Outcome) {
        self.line(summary::outcome_line(outcome));
    }

    fn passed_over(&self, p: &PassedOver) {
        self.line(summary::passed_over_line(p));
    }
}

impl Progress {
    /// One line above the bar (or alone), and one step of the bar.
    fn line(&self, line: String) {
        match self.bar.get() {
            Some(Some(bar)) => {
                bar.println(line);
                bar.inc(1);
            }
            _ => eprintln!("{line}"),
        }
    }

    pub fn finish(&self) {
        if let Some(Some(bar)) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}
