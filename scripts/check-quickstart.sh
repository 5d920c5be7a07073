#!/usr/bin/env bash
# Runs the README's "Try it on your machine" as written: its `cargo install` (into a
# folder of this run, `--root`, reusing this checkout's target folder, so that nothing
# lands in ~/.cargo/bin), then its mint with the installed `asc-jwt`; the token is
# verified by two implementations that share no code with asc-jwt: PyJWT and node's jose.
set -euo pipefail
cd "$(dirname "$0")/.."

section=$(sed -n '/<!-- quickstart -->/,/<!-- \/quickstart -->/p' README.md)
install=$(grep '^cargo install' <<<"$section" || true)
command=$(grep '^ASC_' <<<"$section" || true)
[ -n "$install" ] && [ -n "$command" ] \
  || { echo "check-quickstart: no cargo install and mint command found in README.md's quickstart" >&2; exit 1; }

# The tools come from .ci/run (PyJWT in .ci/venv, jose in scripts/node_modules); this
# script installs nothing into the machine's interpreter.
[ ! -x .ci/venv/bin/python ] || PATH="$PWD/.ci/venv/bin:$PATH"
python3 -c 'import jwt, cryptography' 2>/dev/null \
  || { echo "check-quickstart: PyJWT is missing: run bash .ci/run, which installs it into .ci/venv" >&2; exit 1; }
[ -d scripts/node_modules/jose ] \
  || npm ci --silent --no-audit --no-fund --prefix scripts >/dev/null

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
echo "check-quickstart: $install --root $root"
CARGO_TARGET_DIR="$PWD/target" bash -c "$install --quiet --root '$root'"
echo "check-quickstart: $command"
token=$(PATH="$root/bin:$PATH" bash -c "$command")
pub=tests/fixtures/test-only-p256.pub.pem
python3 scripts/verify-token.py "$pub" <<<"$token"
node scripts/verify-token.mjs "$pub" <<<"$token"
