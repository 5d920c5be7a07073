#!/usr/bin/env bash
# `cargo package --locked`: the crate that crates.io, `cargo install asc-jwt --locked` and
# `cargo binstall` start from builds on its own, carries the metadata crates.io asks for,
# and ships nothing it does not need (no test keys, scripts or workflows).
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^version = "\([^"]*\)"$/\1/p' Cargo.toml | head -n 1)
# --allow-dirty: a developer's uncommitted change is packaged as it stands (CI's clone is clean).
cargo package --locked --allow-dirty --quiet
crate="target/package/asc-jwt-$version.crate"
files=$(tar -tzf "$crate" | sed "s|^asc-jwt-$version/||" | LC_ALL=C sort)
while IFS= read -r file; do echo "  $file"; done <<<"$files"
unexpected=$(echo "$files" | grep -vE '^(src/[a-z_/]+\.rs|Cargo\.toml|Cargo\.toml\.orig|Cargo\.lock|README\.md|LICENSE|\.cargo_vcs_info\.json)$' || true)
[ -z "$unexpected" ] || { echo "check-package: files the crate does not need: $unexpected" >&2; exit 1; }
# No line of any test key or certificate body, in any file of the crate (lines of 16
# characters or more: a PEM's short last line, such as `AwEH`, is no key material).
if tar -xzOf "$crate" | grep -qF -f <(cat tests/fixtures/*.p8 tests/fixtures/*.pem | grep -v -e '-----' | awk 'length >= 16'); then
  echo "check-package: the crate holds a line of a test key from tests/fixtures/" >&2
  exit 1
fi
for field in description license repository readme keywords categories rust-version; do
  grep -q "^$field = " Cargo.toml || { echo "check-package: Cargo.toml has no $field" >&2; exit 1; }
done
echo "check-package: $crate builds, holds only the sources, README and LICENSE, and no key"
