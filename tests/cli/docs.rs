//! The README's Configuration and Output tables, `action.yml`'s inputs and `--help` all
//! say what the settings table and the output fields say.

use std::collections::BTreeMap;

use asc_jwt::config::settings::{SETTINGS, Unset, help, markdown_table};
use asc_jwt::deliver::output::{Format, field_list};

fn read(name: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

/// The text of the README section that starts with `heading`, up to the next `## `.
fn section(readme: &str, heading: &str) -> String {
    let start = readme
        .find(heading)
        .unwrap_or_else(|| panic!("no {heading:?}"));
    let rest = &readme[start + heading.len()..];
    rest[..rest.find("\n## ").unwrap_or(rest.len())].to_owned()
}

#[test]
fn the_readme_configuration_table_is_the_settings_table() {
    let readme = read("README.md");
    let expected = markdown_table();
    assert!(
        section(&readme, "\n## Configuration\n").contains(&expected),
        "README's Configuration table differs from the settings table; expected:\n{expected}"
    );
}

#[test]
fn the_readme_output_table_lists_each_formats_fields() {
    let output = section(&read("README.md"), "\n## Output\n");
    for format in [Format::Json, Format::Dotenv, Format::Github] {
        let row = output
            .lines()
            .find(|l| l.starts_with(&format!("| `{}`", format.name())))
            .unwrap_or_else(|| panic!("no row for {}", format.name()));
        let fields = field_list(format, "`", ", ");
        assert!(
            row.contains(&fields),
            "{}: expected {fields}",
            format.name()
        );
    }
}

/// An input of `action.yml`: whether it is required and its default.
#[derive(Debug, PartialEq)]
struct Input {
    required: bool,
    default: Option<String>,
}

/// The `inputs:` block of `action.yml`, read line by line: its shape is two-space keys
/// with four-space properties, and the test fails loudly if that changes.
fn action_inputs(yaml: &str) -> BTreeMap<String, Input> {
    let block = yaml
        .split("\ninputs:\n")
        .nth(1)
        .and_then(|rest| rest.split("\noutputs:\n").next())
        .expect("action.yml has inputs: then outputs:");
    let mut inputs = BTreeMap::new();
    let mut current = None;
    for line in block.lines() {
        let key = line.strip_prefix("  ").and_then(|l| l.strip_suffix(':'));
        if let Some(name) = key.filter(|name| !name.starts_with(' ')) {
            current = Some(name.to_owned());
            let input = Input {
                required: false,
                default: None,
            };
            inputs.insert(name.to_owned(), input);
            continue;
        }
        let input = current.as_ref().and_then(|name| inputs.get_mut(name));
        match (input, line.trim().split_once(": ")) {
            (Some(input), Some(("required", value))) => input.required = value == "true",
            (Some(input), Some(("default", value))) => {
                input.default = Some(value.trim_matches('\'').to_owned())
            }
            _ => {}
        }
    }
    inputs
}

#[test]
fn action_inputs_match_the_settings_table() {
    let yaml = read("action.yml");
    let mut inputs = action_inputs(&yaml);
    // The one input that is the action's own: how it gets its binary.
    assert!(inputs.remove("from-source").is_some());
    for setting in SETTINGS {
        let Some(name) = setting.input else { continue };
        let input = inputs.remove(name);
        let expected = Input {
            required: setting.unset == Unset::Required,
            default: match setting.unset {
                Unset::Value(value) => Some(value.to_owned()),
                _ => None,
            },
        };
        assert_eq!(input.as_ref(), Some(&expected), "input {name}");
        let passed = format!("{}: ${{{{ inputs.{name} }}}}", setting.env);
        assert!(yaml.contains(&passed), "action.yml does not pass {passed}");
    }
    assert!(inputs.is_empty(), "inputs not in the table: {inputs:?}");
}

#[test]
fn help_lists_every_setting_and_format_field() {
    let help = help();
    for setting in SETTINGS {
        assert!(help.contains(setting.env), "{}", setting.env);
        if let Some(input) = setting.input {
            assert!(help.contains(&format!("[{input}]")), "{input}");
        }
    }
    for format in [Format::Json, Format::Dotenv, Format::Github] {
        let fields = field_list(format, "", ", ");
        let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&fields), "{fields}");
    }
}

/// The README and every page of `docs/`, by path from the crate's root.
fn pages() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("docs/{name}"))
        .collect();
    names.sort();
    names.insert(0, "README.md".into());
    names
        .into_iter()
        .map(|name| (read(&name), name))
        .map(|(t, n)| (n, t))
        .collect()
}

/// The text outside fenced code blocks.
fn prose(text: &str) -> String {
    let mut fenced = false;
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// GitHub's anchors of a page's headings: lower case, spaces to `-`, punctuation dropped.
fn anchors(text: &str) -> Vec<String> {
    prose(text)
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| {
            let title = l.trim_start_matches('#').trim().to_lowercase();
            title
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '-' || *c == ' ' || *c == '_')
                .map(|c| if c == ' ' { '-' } else { c })
                .collect()
        })
        .collect()
}

/// `(target)` of every `](target)` in the prose, other than web addresses.
fn links(text: &str) -> Vec<String> {
    prose(text)
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split_once(')').map(|(target, _)| target.to_owned()))
        .filter(|target| !target.starts_with("http"))
        .collect()
}

#[test]
fn every_link_of_the_readme_and_docs_reaches_a_file_and_heading() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut broken = Vec::new();
    for (page, text) in pages() {
        let folder = std::path::Path::new(&page).parent().unwrap().to_owned();
        for link in links(&text) {
            let (path, anchor) = link.split_once('#').unwrap_or((&link, ""));
            let target = match path {
                "" => root.join(&page),
                path => root.join(&folder).join(path),
            };
            let Ok(target_text) = std::fs::read_to_string(&target) else {
                broken.push(format!("{page}: {link} (no such file)"));
                continue;
            };
            if !anchor.is_empty() && !anchors(&target_text).iter().any(|a| a == anchor) {
                broken.push(format!("{page}: {link} (no such heading)"));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_services_table_links_a_page_for_every_api_and_every_page_is_linked() {
    let readme = read("README.md");
    let services = section(&readme, "\n## Services\n");
    for api in asc_jwt::mint::token::Api::ALL {
        let name = format!("`{}`", api.name());
        let row = services
            .lines()
            .find(|l| l.starts_with("| [") && l.split(" | ").next().unwrap().contains(&name))
            .unwrap_or_else(|| panic!("no row for {name} in the README's Services table"));
        assert!(row.contains("](docs/"), "{name}'s row links no page: {row}");
    }
    let linked = links(&readme);
    for (page, _) in pages().into_iter().skip(1) {
        assert!(
            linked
                .iter()
                .any(|l| l.split('#').next() == Some(page.as_str())),
            "{page} is linked from nowhere in the README"
        );
    }
}

#[test]
fn every_asc_variable_the_docs_name_is_one_asc_jwt_knows() {
    use asc_jwt::deliver::output::FIELDS;
    let known = |name: &str| {
        SETTINGS.iter().any(|s| s.env == name)
            || FIELDS.iter().any(|f| f.dotenv == Some(name))
            || name.starts_with("ASC_JWT_")
    };
    let mut unknown = Vec::new();
    for (page, text) in pages() {
        for (at, _) in text.match_indices("ASC_") {
            let name: String = text[at..]
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            let name = name.trim_end_matches('_');
            if name.len() > 4 && !known(name) {
                unknown.push(format!("{page}: {name}"));
            }
        }
    }
    assert!(unknown.is_empty(), "not asc-jwt's: {unknown:?}");
}

/// Issue 19: a reader finds the laptop path on the first screen, and the services' details
/// live in docs/; the README stays short enough to read from the top.
#[test]
fn the_readme_stays_under_25_kb() {
    let size = read("README.md").len();
    assert!(
        size < 25_000,
        "README.md is {size} bytes: move a section's details to docs/ (at most 25,000)"
    );
}
