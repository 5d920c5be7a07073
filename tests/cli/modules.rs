//! Data flows one way among `src/` modules: no module reaches back up through `crate::`.

use std::collections::{BTreeMap, BTreeSet};

/// The modules each `src/*.rs` file names through `crate::` (in `use` lines or paths).
fn imports(source: &str) -> BTreeSet<String> {
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
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name.chars().all(|c| !c.is_ascii_uppercase()) {
                    found.insert(name);
                }
            }
        }
    }
    found
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    std::fs::read_dir(src)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .map(|path| {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            (name, imports(&std::fs::read_to_string(&path).unwrap()))
        })
        // lib.rs declares the modules and main.rs uses the library: both are the root.
        .filter(|(name, _)| name != "lib" && name != "main")
        .collect()
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

#[test]
fn src_modules_import_each_other_without_a_cycle() {
    let graph = graph();
    assert!(graph.contains_key("settings") && graph["load"].contains("config"));
    for module in graph.keys() {
        if let Some(found) = cycle(&graph, module, &mut Vec::new()) {
            panic!("import cycle: {}", found.join(" → "));
        }
    }
}

#[test]
fn the_reader_sees_grouped_and_inline_imports() {
    let found = imports("use crate::{a::X, b};\nlet x = crate::c::f();\n// crate::d\n");
    assert_eq!(found, BTreeSet::from(["a".into(), "b".into(), "c".into()]));
}
