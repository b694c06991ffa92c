//! The import rules of docs/architecture.md, checked on the source: every `crate::…`, `super::…`
//! and `self::…` path of the library's files is resolved to the module it names, and
//!
//! - each top-level module imports only the modules its row of [`ALLOWED`] lists (a module
//!   missing from the table fails: add it here and to docs/architecture.md);
//! - the three writers (`render::pdf`, `render::epub`, `render::docx`) never import each other;
//! - no two modules import each other, directly or through others, at any level (top-level
//!   modules, or files of one folder).
//!
//! The crate root (lib.rs) is the facade: it uses everything and is left out. Unit tests are
//! not read: code after a `#[cfg(test)]` line, and `tests.rs` files (`#[cfg(test)] mod tests;`). The binary's side (main.rs,
//! src/cli/) sees the library only through its public API and is not checked here.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level module → the top-level modules it may import.
const ALLOWED: &[(&str, &[&str])] = &[
    // Leaves: tables and types that depend on nothing of ours.
    ("cjk", &[]),
    ("error", &[]),
    ("date", &[]),
    ("model", &[]),
    ("check_report", &["model"]),
    ("style", &["error"]),
    ("script_convert", &["model"]),
    ("front_matter", &["model"]),
    // Readers: bytes in, raw text and entries out. Never the passes or the check report.
    ("read", &["error", "model", "cjk", "script_convert"]),
    // Passes: the model in and out, each change counted in the check report. From the readers
    // only the `read::Line` type the report's lines come in (the glyph check reads the fonts
    // through the presentation plan).
    (
        "passes",
        &[
            "error",
            "model",
            "check_report",
            "cjk",
            "script_convert",
            "fonts",
            "present",
            "style",
            "read",
        ],
    ),
    // Fonts know faces and characters per role, not the model.
    ("fonts", &["error", "style", "cjk"]),
    // The presentation plan: every decision of how the model looks, taken once.
    ("present", &["error", "style", "fonts", "model", "cjk"]),
    // Layout decides; it never draws (no pdf, no writer).
    (
        "layout",
        &["error", "style", "fonts", "model", "present", "cjk"],
    ),
    // pdf draws frames; it does not know the model.
    ("pdf", &["error", "style", "fonts", "layout", "date"]),
    (
        "render",
        &[
            "error",
            "style",
            "fonts",
            "model",
            "present",
            "layout",
            "pdf",
            "date",
            "edition",
            "cjk",
            "script_convert",
            "front_matter",
        ],
    ),
    ("edition", &["error"]),
    // The editions' audit: what a writer produced, read back and compared with the reading
    // order. It reads the writers' output, never the writers.
    (
        "audit",
        &["error", "edition", "fonts", "layout", "model", "present"],
    ),
    // Warnings derived from what the check report recorded.
    ("warnings", &["check_report", "passes", "read"]),
    // Session packs: the manifest, the pack's options and what it reports (the path a pack
    // takes is the pipeline's).
    ("pack", &["check_report", "error", "passes"]),
    // The one path of build, check and pack: read → prepare → plan → lay out → render → write.
    (
        "pipeline",
        &[
            "check_report",
            "edition",
            "error",
            "fonts",
            "layout",
            "model",
            "pack",
            "passes",
            "present",
            "read",
            "render",
            "style",
            "audit",
            "warnings",
        ],
    ),
];

/// Cycles tolerated while a change that removes them is under way. None now (the docx fonts ↔
/// parts cycle and the volume ↔ writers cycles are gone: the volume's contents live in
/// `render::volume_plan`); an entry may only be added with the change that will remove it.
const KNOWN_CYCLES: &[&[&str]] = &[];

/// The writers, which never import each other.
const WRITERS: &[&str] = &["render::pdf", "render::epub", "render::docx"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every library file with its module path (`render::epub::xhtml`; a folder's `mod.rs` is the
/// folder's module).
fn modules() -> BTreeMap<String, PathBuf> {
    fn walk(dir: &Path, prefix: &[String], out: &mut BTreeMap<String, PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                let mut pre = prefix.to_vec();
                pre.push(name);
                walk(&p, &pre, out);
            } else if p.extension().is_some_and(|x| x == "rs") && name != "tests" {
                let mut path = prefix.to_vec();
                if name != "mod" {
                    path.push(name);
                }
                out.insert(path.join("::"), p);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&src(), &[], &mut out);
    out.remove("lib");
    out.remove("main");
    out.retain(|m, _| m != "cli" && !m.starts_with("cli::"));
    out
}

/// The source without comments and without what follows `#[cfg(test)]`.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            break;
        }
        if t.starts_with("//") {
            continue;
        }
        let line = match line.find("// ") {
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        };
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Paths the code names, from `crate::`, `super::` or `self::`, with `use` groups expanded:
/// `crate::{model::Block, error::Result}` gives `crate::model::Block` and `crate::error::Result`.
fn paths(code: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let ident_before = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        let rest: String = chars[i..chars.len().min(i + 7)].iter().collect();
        let start = ["crate::", "super::", "self::"]
            .iter()
            .find(|k| rest.starts_with(**k));
        match start {
            Some(_) if !ident_before => {
                let (found, end) = tree(&chars, i, Vec::new());
                out.extend(found);
                i = end.max(i + 1);
            }
            _ => i += 1,
        }
    }
    out
}

/// One use tree starting at `i`: a `::`-separated chain, maybe ending in a `{…}` group.
fn tree(chars: &[char], mut i: usize, prefix: Vec<String>) -> (Vec<Vec<String>>, usize) {
    let mut path = prefix;
    loop {
        let s = i;
        while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
            i += 1;
        }
        if i > s {
            path.push(chars[s..i].iter().collect());
        }
        if chars.get(i) == Some(&':') && chars.get(i + 1) == Some(&':') {
            i += 2;
            if chars.get(i) == Some(&'{') {
                i += 1;
                let mut all = Vec::new();
                loop {
                    while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ',') {
                        i += 1;
                    }
                    if i >= chars.len() || chars[i] == '}' {
                        return (all, i + 1);
                    }
                    let (found, end) = tree(chars, i, path.clone());
                    all.extend(found);
                    i = end;
                    // Skip `as name` and anything else up to the next item.
                    while i < chars.len() && chars[i] != ',' && chars[i] != '}' {
                        i += 1;
                    }
                }
            }
            continue;
        }
        return (vec![path], i);
    }
}

/// The module a path names, resolved from module `from` (a file's own module: a folder's mod.rs
/// is the folder's module, so its `super` is the folder's parent): the longest known module
/// prefix, absolute.
fn resolve(path: &[String], from: &str, known: &BTreeMap<String, PathBuf>) -> Option<String> {
    let mut abs: Vec<String> = Vec::new();
    let here: Vec<String> = from.split("::").map(String::from).collect();
    let mut segs = path.iter().peekable();
    match segs.peek().map(|s| s.as_str()) {
        Some("crate") => {
            segs.next();
        }
        Some("self") | Some("super") => {
            abs = here.clone();
            while let Some(s) = segs.peek() {
                match s.as_str() {
                    "self" => {}
                    "super" => {
                        abs.pop();
                    }
                    _ => break,
                }
                segs.next();
            }
        }
        _ => return None,
    }
    abs.extend(segs.cloned());
    let module = (1..=abs.len())
        .rev()
        .map(|n| abs[..n].join("::"))
        .find(|m| known.contains_key(m));
    // A name that is no module of ours is an item of the crate root (`crate::prepare_read`,
    // `crate::Result`): an edge to the facade, which itself uses everything.
    module.or_else(|| Some(ROOT.to_string()))
}

/// The crate root (lib.rs) as a node of the graph.
const ROOT: &str = "crate";

/// The modules the crate root uses: the first name of each `use` / `pub use` of lib.rs.
fn root_edges(known: &BTreeMap<String, PathBuf>) -> BTreeSet<String> {
    code(&src().join("lib.rs"))
        .lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let rest = l
                .strip_prefix("pub use ")
                .or_else(|| l.strip_prefix("use "))?;
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            known.contains_key(&name).then_some(name)
        })
        .collect()
}

/// Module → modules it imports (neither itself, nor an ancestor or descendant of itself); the
/// crate root is the node [`ROOT`], with the modules lib.rs uses.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let known = modules();
    let mut g = BTreeMap::new();
    g.insert(ROOT.to_string(), root_edges(&known));
    for (m, file) in &known {
        let mut to = BTreeSet::new();
        for p in paths(&code(file)) {
            let Some(t) = resolve(&p, m, &known) else {
                continue;
            };
            let related = t != ROOT
                && (t == *m
                    || t.starts_with(&format!("{m}::"))
                    || m.starts_with(&format!("{t}::")));
            if !related {
                to.insert(t);
            }
        }
        g.insert(m.clone(), to);
    }
    g
}

fn top(m: &str) -> &str {
    m.split("::").next().unwrap()
}

#[test]
fn top_level_modules_import_only_what_the_table_allows() {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut faults = Vec::new();
    for (m, to) in graph() {
        if m == ROOT {
            continue; // The facade uses everything.
        }
        let Some(ok) = allowed.get(top(&m)) else {
            faults.push(format!(
                "{m}: module not in the table (tests/architecture.rs, docs/architecture.md)"
            ));
            continue;
        };
        for t in to {
            if t == ROOT {
                faults.push(format!(
                    "{m} imports an item of the crate root (lib.rs only re-exports: import it from its module)"
                ));
            } else if top(&t) != top(&m) && !ok.contains(&top(&t)) {
                faults.push(format!("{m} imports {t}"));
            }
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

#[test]
fn writers_never_import_each_other() {
    let mut faults = Vec::new();
    for (m, to) in graph() {
        let Some(w) = WRITERS
            .iter()
            .find(|w| m == **w || m.starts_with(&format!("{w}::")))
        else {
            continue;
        };
        for t in to {
            let other = WRITERS
                .iter()
                .any(|o| o != w && (t == *o || t.starts_with(&format!("{o}::"))));
            if other {
                faults.push(format!("{m} imports {t}"));
            }
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

#[test]
fn no_import_cycles_at_any_level() {
    let cycles = cycles(&graph());
    assert!(cycles.is_empty(), "{}", cycles.join("\n"));
}

/// The cycles of a module graph, each edge seen at the level where the two modules part:
/// `render::docx::fonts` → `render::docx::parts` is an edge between those two files;
/// `batch` → `read::decode` is `batch` → `read`.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut level: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (m, to) in graph {
        for t in to {
            let a: Vec<&str> = m.split("::").collect();
            let b: Vec<&str> = t.split("::").collect();
            let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
            let from = a[..=common.min(a.len() - 1)].join("::");
            let to = b[..=common.min(b.len() - 1)].join("::");
            level.entry(from).or_default().insert(to);
        }
    }
    let mut cycles = Vec::new();
    for start in level.keys() {
        // Depth-first search for a path back to `start`.
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, route)) = stack.pop() {
            for next in level.get(&at).into_iter().flatten() {
                let known = KNOWN_CYCLES
                    .iter()
                    .any(|k| route.iter().all(|m| k.contains(&m.as_str())));
                if next == start && !known {
                    cycles.push(route.join(" \u{2192} ") + " \u{2192} " + start);
                } else if seen.insert(next.clone()) {
                    let mut r = route.clone();
                    r.push(next.clone());
                    stack.push((next.clone(), r));
                }
            }
        }
    }
    cycles
}

#[test]
fn the_checker_sees_imports_groups_and_relative_paths() {
    let found = paths(
        "use crate::{model::{Block, Inline}, error::Result};\nuse super::table::header;\nlet x = crate::read::decode::decode(b);",
    );
    let joined: Vec<String> = found.iter().map(|p| p.join("::")).collect();
    assert!(
        joined.contains(&"crate::model::Block".to_string()),
        "{joined:?}"
    );
    assert!(
        joined.contains(&"crate::error::Result".to_string()),
        "{joined:?}"
    );
    assert!(
        joined.contains(&"super::table::header".to_string()),
        "{joined:?}"
    );
    assert!(
        joined.contains(&"crate::read::decode::decode".to_string()),
        "{joined:?}"
    );
    let known = modules();
    let p = |s: &str| s.split("::").map(String::from).collect::<Vec<_>>();
    assert_eq!(
        resolve(&p("super::table::header"), "read::notes::text", &known).as_deref(),
        Some("read::notes::table")
    );
    assert_eq!(
        resolve(&p("crate::model::Block"), "read", &known).as_deref(),
        Some("model")
    );
    // A crate-root item is an edge to the crate root, which uses what lib.rs re-exports: a
    // module taking `crate::prepare_read` from the facade that re-exports it is a cycle.
    let root_items = paths("use crate::{prepare_read, Options};\nfn f() -> crate::Result<()> {}");
    for p in &root_items {
        assert_eq!(resolve(p, "batch", &known).as_deref(), Some(ROOT), "{p:?}");
    }
    assert_eq!(
        resolve(&p("super::Options"), "batch", &known).as_deref(),
        Some(ROOT)
    );
    let facade: BTreeMap<String, BTreeSet<String>> = [
        (ROOT.to_string(), ["batch".to_string()].into()),
        ("batch".to_string(), [ROOT.to_string()].into()),
    ]
    .into();
    assert_eq!(cycles(&facade).len(), 2, "{:?}", cycles(&facade));
    // The graph knows today's real edges.
    let g = graph();
    assert!(
        g["passes::clean"].contains("cjk"),
        "{:?}",
        g["passes::clean"]
    );
    assert!(
        g["render::pdf"].contains("layout"),
        "{:?}",
        g["render::pdf"]
    );
    assert!(g[ROOT].contains("pipeline"), "{:?}", g[ROOT]);
}

#[test]
fn docs_architecture_has_a_row_for_every_module_and_no_other() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/architecture.md"))
            .unwrap();
    let map = doc
        .split("## Module map")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("docs/architecture.md has a module map");
    let rows: BTreeSet<String> = map
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once('`').map(|(name, _)| name.to_string()))
        .collect();
    let table: BTreeSet<String> = ALLOWED.iter().map(|(m, _)| m.to_string()).collect();
    let tops: BTreeSet<String> = modules().keys().map(|m| top(m).to_string()).collect();
    assert_eq!(
        tops, table,
        "tests/architecture.rs ALLOWED vs the modules in src/"
    );
    assert_eq!(rows, table, "docs/architecture.md module map vs ALLOWED");
}
