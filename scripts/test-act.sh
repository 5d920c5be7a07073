#!/usr/bin/env bash
# Runs ci.yml's action jobs with `act` in host mode (no GitHub, no Docker): `uses: ./`
# builds from source; tokens are verified by jose; key file, fastlane JSON and a bare
# second mint; clock: apple and verify: true against a fake Apple on 127.0.0.1 (which the
# job itself starts and stops by its PID). Each log is then searched for the token and
# for every line of the key. act comes from scripts/requirements-ci.txt (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/testing.sh
source scripts/testing.sh

export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
grep -v -e '-----' tests/fixtures/test-only-p256.p8 >"$work/key-lines"
for job in action-self-test action-key-files action-apple-check; do
  act_log="$work/act-$job.log"
  # act keeps its caches under HOME; a fresh one keeps runs independent.
  if HOME="$work/act-home-$job" act -W .github/workflows/ci.yml -j "$job" --matrix os:ubuntu-latest \
    -P ubuntu-latest=-self-hosted --no-cache-server >"$act_log" 2>&1 \
    && grep -q "jose: signature valid" "$act_log" && grep -q "Job succeeded" "$act_log"; then
    ok "act ran $job (uses: ./) and jose verified its tokens"
    grep -E "building from source|asc-jwt: built|minted|jose:|expires-at .* from now|as expected|Apple|verified=" "$act_log" | sed 's/^/    /'
  else
    not_ok "act $job (log follows)"
    tail -n 40 "$act_log"
  fi
  expect "$job: the act log shows no token and no line of the key" \
    bash -c "! grep -q eyJ '$act_log' && ! grep -qF -f '$work/key-lines' '$act_log'"
done

summary test-act
