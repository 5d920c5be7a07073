//! The tree is the map: every file under `src/` is in DEVELOPMENT.md's module map and the
//! map names no file that is gone; files and functions stay small enough to read whole.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `src/`, as `src/…` with `/` separators.
fn source_files() -> BTreeSet<String> {
    fn walk(dir: &Path, found: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(root()).unwrap();
                let parts: Vec<_> = relative.iter().map(|p| p.to_string_lossy()).collect();
                found.insert(parts.join("/"));
            }
        }
    }
    let mut found = BTreeSet::new();
    walk(&root().join("src"), &mut found);
    found
}

/// The `src/…rs` paths the module map's code block names.
fn mapped_files(development: &str) -> BTreeSet<String> {
    let section = development
        .split("\n## Module map\n")
        .nth(1)
        .expect("DEVELOPMENT.md has a `## Module map` section");
    let block = section
        .split("```")
        .nth(1)
        .expect("the module map is a code block");
    block
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|word| word.starts_with("src/") && word.ends_with(".rs"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_module_map_names_every_source_file_and_no_other() {
    let development = std::fs::read_to_string(root().join("DEVELOPMENT.md")).unwrap();
    let mapped = mapped_files(&development);
    let files = source_files();
    let missing: Vec<_> = files.difference(&mapped).collect();
    let gone: Vec<_> = mapped.difference(&files).collect();
    assert!(
        missing.is_empty() && gone.is_empty(),
        "DEVELOPMENT.md's module map is not the tree: not in the map {missing:?}; in the map \
         but not in src/ {gone:?}"
    );
}

#[test]
fn the_map_reader_finds_paths_in_any_column() {
    let text = "x\n## Module map\n\n```\nsrc/a.rs   one\nsrc/b/c.rs two (src/d.rs)\n```\n";
    let expected: BTreeSet<String> = ["src/a.rs", "src/b/c.rs", "src/d.rs"]
        .map(String::from)
        .into();
    assert_eq!(mapped_files(text), expected);
}

/// The lines of `source` before its unit tests.
fn before_tests(source: &str) -> Vec<&str> {
    source
        .lines()
        .take_while(|line| line.trim() != "#[cfg(test)]")
        .collect()
}

/// Each function of `lines` (outside tests) with its length in lines, signature to closing
/// brace. rustfmt's layout is relied on: a body ends at a `}` with the indentation of
/// its `fn`.
fn functions(lines: &[&str]) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let is_fn = [
            "fn ",
            "pub fn ",
            "pub(crate) fn ",
            "const fn ",
            "pub const fn ",
        ]
        .iter()
        .any(|prefix| trimmed.starts_with(prefix));
        if !is_fn || trimmed.ends_with(';') || trimmed.ends_with('}') {
            continue;
        }
        let indent = &line[..line.len() - trimmed.len()];
        let close = format!("{indent}}}");
        let end = lines[start..]
            .iter()
            .position(|l| *l == close)
            .unwrap_or_else(|| panic!("no end found for `{trimmed}`"));
        let name: String = trimmed
            .split("fn ")
            .nth(1)
            .unwrap_or_default()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        found.push((name, end + 1));
    }
    found
}

#[test]
fn files_functions_and_main_stay_small() {
    let mut too_big = Vec::new();
    for file in source_files() {
        let source = std::fs::read_to_string(root().join(&file)).unwrap();
        let lines = before_tests(&source);
        let limit = if file == "src/main.rs" { 60 } else { 600 };
        if lines.len() > limit {
            too_big.push(format!(
                "{file}: {} lines before its tests (at most {limit})",
                lines.len()
            ));
        }
        for (name, length) in functions(&lines) {
            if length > 60 {
                too_big.push(format!("{file}: fn {name} has {length} lines (at most 60)"));
            }
        }
    }
    assert!(too_big.is_empty(), "{}", too_big.join("\n"));
}

#[test]
fn function_lengths_run_from_signature_to_closing_brace() {
    let source =
        "fn a() {\n    x();\n}\nfn b(\n    y: u8,\n) -> u8 {\n    y\n}\nfn c() -> u8 { 1 }\n";
    let lines: Vec<&str> = source.lines().collect();
    assert_eq!(functions(&lines), vec![("a".into(), 3), ("b".into(), 5)]);
}
