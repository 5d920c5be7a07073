#!/usr/bin/env bash
# Runs the README's quick-start command as written and verifies the token it prints with
# two implementations that share no code with asc-jwt: PyJWT and node's jose.
set -euo pipefail
cd "$(dirname "$0")/.."

command=$(sed -n '/<!-- quickstart -->/,/<!-- \/quickstart -->/p' README.md | grep '^ASC_')
[ -n "$command" ] || { echo "check-quickstart: no quick-start command found in README.md" >&2; exit 1; }

# The tools come from .ci/run (PyJWT in .ci/venv, jose in scripts/node_modules); this
# script installs nothing into the machine's interpreter.
[ ! -x .ci/venv/bin/python ] || PATH="$PWD/.ci/venv/bin:$PATH"
python3 -c 'import jwt, cryptography' 2>/dev/null \
  || { echo "check-quickstart: PyJWT is missing: run bash .ci/run, which installs it into .ci/venv" >&2; exit 1; }
[ -d scripts/node_modules/jose ] \
  || npm ci --silent --no-audit --no-fund --prefix scripts >/dev/null

echo "check-quickstart: $command"
token=$(bash -c "$command")
pub=tests/fixtures/test-only-p256.pub.pem
python3 scripts/verify-token.py "$pub" <<<"$token"
node scripts/verify-token.mjs "$pub" <<<"$token"
