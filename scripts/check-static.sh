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
expect "README's inputs and outputs tables match action.yml; every table of the README and docs/ is whole" python3 scripts/check-readme-tables.py
expect "the yaml blocks of the README and docs/ parse, their whole workflows pass actionlint" \
  python3 scripts/check-readme-yaml.py

# The scripts the action runs must work in macOS's bash 3.2 (also in POSIX mode): no
# bash-4-only construct, outside comments. bash4_constructs FILE... prints each line with one.
bash4_constructs() {
  local constructs=(
    '(^|[^[:alnum:]_])(declare|local|typeset|readonly)[[:space:]]+-[[:alpha:]]*[Anglu]' # -A -n -g -l -u
    '\$\{[#!]?[[:alpha:]_][[:alnum:]_]*(\[[^]]*\])?(\^|,)'                             # ${x,,} ${x^^}
    '\$\{[[:alpha:]_][[:alnum:]_]*(\[[^]]*\])?@[QEPAaUuLKk]\}'                         # ${x@Q}
    '\$\{[[:alpha:]_][[:alnum:]_]*\[-[0-9]'                                          # ${a[-1]}
    '(^|[;&|({[:space:]])(mapfile|readarray|coproc)([[:space:]]|$)'
    '(\[\[?|test)[[:space:]]+-v[[:space:]]'                                          # [[ -v x ]]
    '(^|[;&|({[:space:]])printf[[:space:]]+-v[[:space:]]'
    '(^|[;&|({[:space:]])wait[[:space:]]+-n'
    ';;?&'                                                                          # ;& ;;&
    '[<>]\('                                                                        # <(…) >(…)
    '\|&|&>>'
    '\{[0-9]+\.\.[0-9]+\.\.[0-9]+\}'                                                # {1..9..2}
    'shopt[[:space:]]+-[su][[:space:]]+(globstar|lastpipe|autocd|checkjobs|direxpand|globasciiranges)'
  )
  local pattern
  pattern=$(IFS='|' && echo "${constructs[*]}")
  grep -nE -- "$pattern" "$@" | grep -vE '^([^:]*:)?[0-9]+:[[:space:]]*#'
}
action_scripts=(scripts/install.sh scripts/release.sh scripts/get-asc-jwt.sh)
expect "the scripts the action runs use no bash-4-only construct (${action_scripts[*]})" \
  bash -c "$(declare -f bash4_constructs); ! bash4_constructs ${action_scripts[*]}"
# The check itself: each line of the first sample has one construct, no line of the second.
cat >"$work/bash4.sample" <<'SAMPLE'
declare -A seen=()
local -n ref=$1
typeset -g global=1
local -l lower=$1
echo "${name,,}"
echo "${name^^}"
echo "${name^}"
echo "${list[0],}"
echo "${name@Q}"
echo "${list[-1]}"
mapfile -t lines <"$file"
readarray lines
coproc cat
if [[ -v name ]]; then :; fi
[ -v name ] && :
printf -v out '%s' "$x"
wait -n
case $x in a) echo a ;& b) echo b ;; esac
case $x in a) echo a ;;& b) echo b ;; esac
diff <(sort a) b
tee >(cat) </dev/null
make |& tee log
echo hi &>>log
echo {1..9..2}
shopt -s globstar
SAMPLE
cat >"$work/bash3.sample" <<'SAMPLE'
declare -a list=()
local -r fixed=1
echo "${name:-default} ${#name} ${name%.*} ${name/a/b} ${list[@]+x} ${!name}"
[[ $name =~ ^[a-z]+$ ]] && echo "$((1 < 2))"
printf '%s\n' "$x" 2>&1 >/dev/null
case $x in a) echo a ;; esac
x=$(cat <"$file") && echo {1..9} ${x:0:2}
# a comment that names diff <(…) and mapfile
SAMPLE
expect "... the check finds each of the $(wc -l <"$work/bash4.sample") bash-4-only constructs of a sample" \
  test "$(bash4_constructs "$work/bash4.sample" | wc -l)" = "$(wc -l <"$work/bash4.sample")"
expect "... and nothing in a sample of bash 3.2 constructs" \
  bash -c "$(declare -f bash4_constructs); ! bash4_constructs '$work/bash3.sample'"

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
