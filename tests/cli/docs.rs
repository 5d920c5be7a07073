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
