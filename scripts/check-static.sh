#!/usr/bin/env bash
# Static checks of the action, the workflows and the scripts, with no network and no build:
# actionlint (with shellcheck), zizmor, action-validator, shellcheck of every script, the
# README's tables against action.yml and its yaml snippets, and the release toolchain
# pinned once for CI and release.
# Tools come from scripts/requirements-ci.txt and scripts/package.json (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/testing.sh
source scripts/testing.sh

expect "actionlint (with shellcheck) on the workflows" actionlint -no-color
expect "zizmor --offline: no finding at or above medium" \
  zizmor --offline --min-severity medium --quiet .
expect "action-validator action.yml" scripts/node_modules/.bin/action-validator action.yml
# action-validator 0.6.0 (the latest) has no `attestations` permission in its schema, which
# release.yml's upload job needs for actions/attest-build-provenance; actionlint and zizmor
# above check release.yml.
for workflow in .github/workflows/*.yml; do
  [ "$workflow" = .github/workflows/release.yml ] && continue
  expect "action-validator $workflow" scripts/node_modules/.bin/action-validator "$workflow"
done
expect "shellcheck: bash scripts and .ci/run" shellcheck scripts/*.sh .ci/run
expect "shellcheck: get-asc-jwt.sh is plain POSIX sh" shellcheck --shell=sh scripts/get-asc-jwt.sh
expect "README's inputs and outputs tables match action.yml" python3 scripts/check-readme-tables.py
expect "README's yaml blocks parse, its whole workflows pass actionlint" \
  python3 scripts/check-readme-yaml.py

toolchain() { sed -n 's/^  RUST_TOOLCHAIN: "\([0-9.]*\)"$/\1/p' "$1"; }
ci_toolchain=$(toolchain .github/workflows/ci.yml)
release_toolchain=$(toolchain .github/workflows/release.yml)
expect "ci.yml and release.yml pin the same Rust toolchain ($ci_toolchain)" \
  test -n "$ci_toolchain" -a "$ci_toolchain" = "$release_toolchain"
expect "no workflow installs an unpinned toolchain" \
  bash -c '! grep -nE "rustup (toolchain install|default) (stable|beta|nightly)" .github/workflows/*.yml'

release_targets=$(python3 -c '
import yaml
jobs = yaml.safe_load(open(".github/workflows/release.yml"))["jobs"]
print("\n".join(entry["target"] for entry in jobs["build"]["strategy"]["matrix"]["include"]))')
expect "release.yml builds exactly the targets scripts/release.sh names" \
  test "$release_targets" = "$(bash scripts/release.sh targets)"

summary check-static
