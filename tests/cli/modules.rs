//! Data flows one way among `src/` modules: no module reaches back up through `crate::`,
//! neither file to file nor stage to stage (the folders `config`, `mint`, `apple`,
//! `deliver`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The `crate::` paths a source file names (in `use` lines or paths), as their
/// lower-case segments: `crate::mint::token::Api` is `["mint", "token"]`.
fn imports(source: &str) -> BTreeSet<Vec<String>> {
    let mut found = BTreeSet::new();
    for line in source.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for rest in line.split("crate::").skip(1) {
            let items = match rest.strip_prefix('{') {
                Some(group) => group
                    .split('}')
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .collect(),
                None => vec![rest],
            };
            for item in items {
                let path: Vec<String> = item
                    .trim()
                    .split("::")
                    .map(|segment| {
                        segment
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect::<String>()
                    })
                    .take_while(|s| !s.is_empty() && s.chars().all(|c| !c.is_ascii_uppercase()))
                    .collect();
                if !path.is_empty() {
                    found.insert(path);
                }
            }
        }
    }
    found
}

/// Every module under `src/` by its path (`config::settings`; a folder's `mod.rs` is the
/// folder), with the text of its file. The crate root (`lib.rs`, `main.rs`) is left out.
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, prefix: &[String], found: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                walk(&path, &[prefix, &[name]].concat(), found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let segments = match name.as_str() {
                    "mod" => prefix.to_vec(),
                    _ => [prefix, &[name]].concat(),
                };
                let text = std::fs::read_to_string(&path).unwrap();
                found.insert(segments.join("::"), text);
            }
        }
    }
    let mut found = BTreeMap::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &[],
        &mut found,
    );
    found.remove("lib");
    found.remove("main");
    found
}

/// Which module each module imports: the longest known module a `crate::` path names.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let known: BTreeSet<&String> = modules.keys().collect();
    modules
        .iter()
        .map(|(name, text)| {
            let targets = imports(text)
                .into_iter()
                .filter_map(|path| {
                    (1..=path.len())
                        .rev()
                        .map(|n| path[..n].join("::"))
                        .find(|candidate| known.contains(candidate))
                })
                .filter(|target| target != name)
                .collect();
            (name.clone(), targets)
        })
        .collect()
}

/// The same graph between stages: a module's stage is its first segment.
fn stages(graph: &BTreeMap<String, BTreeSet<String>>) -> BTreeMap<String, BTreeSet<String>> {
    let stage = |module: &str| module.split("::").next().unwrap_or_default().to_owned();
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, targets) in graph {
        let entry = found.entry(stage(from)).or_default();
        entry.extend(
            targets
                .iter()
                .map(|t| stage(t))
                .filter(|t| *t != stage(from)),
        );
    }
    found
}

/// A cycle through `from`, as the list of modules on it, if there is one.
fn cycle(
    graph: &BTreeMap<String, BTreeSet<String>>,
    from: &str,
    path: &mut Vec<String>,
) -> Option<Vec<String>> {
    if let Some(start) = path.iter().position(|m| m == from) {
        return Some(
            path[start..]
                .iter()
                .cloned()
                .chain([from.to_owned()])
                .collect(),
        );
    }
    path.push(from.to_owned());
    for next in graph.get(from).into_iter().flatten() {
        if let Some(found) = cycle(graph, next, path) {
            return Some(found);
        }
    }
    path.pop();
    None
}

fn assert_acyclic(graph: &BTreeMap<String, BTreeSet<String>>) {
    for module in graph.keys() {
        if let Some(found) = cycle(graph, module, &mut Vec::new()) {
            panic!("import cycle: {}", found.join(" → "));
        }
    }
}

#[test]
fn src_modules_import_each_other_without_a_cycle() {
    let graph = graph();
    assert!(graph["config::load"].contains("config::check"));
    assert!(graph["apple::verify"].contains("apple::transport"));
    assert_acyclic(&graph);
}

#[test]
fn the_stages_import_each_other_without_a_cycle() {
    let stages = stages(&graph());
    assert!(stages["config"].contains("mint") && stages["apple"].contains("mint"));
    assert_acyclic(&stages);
}

#[test]
fn the_reader_sees_grouped_and_inline_imports() {
    let found = imports("use crate::{a::X, b};\nlet x = crate::c::d::f();\n// crate::e\n");
    let expected: BTreeSet<Vec<String>> = [vec!["a"], vec!["b"], vec!["c", "d", "f"]]
        .into_iter()
        .map(|path| path.into_iter().map(String::from).collect())
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn a_cycle_between_stages_is_found_though_no_file_cycle_is() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a::x", vec!["b::y"]),
        ("b::y", vec![]),
        ("b::z", vec!["a::w"]),
        ("a::w", vec![]),
    ]
    .into_iter()
    .map(|(m, t)| (m.to_owned(), t.into_iter().map(String::from).collect()))
    .collect();
    assert!(cycle(&graph, "a::x", &mut Vec::new()).is_none());
    let stages = stages(&graph);
    assert!(cycle(&stages, "a", &mut Vec::new()).is_some());
}
