#!/usr/bin/env bash
# Runs ci.yml's action jobs with `act` in host mode (no GitHub, no Docker): `uses: ./`
# builds from source, action-release-download (its Linux leg) downloads a loopback
# release of the tree and then takes it from the tool cache; tokens are verified by jose; key file, fastlane JSON and a bare
# second mint; clock: apple and verify: true against a fake Apple on 127.0.0.1 (which the
# job itself starts and stops by its PID), for App Store Connect, a Sign in with Apple
# client secret, an Apple Business Manager client assertion and an Apple Ads client secret
# (whose access tokens must come out masked). Each log is then searched for the token, the access token and every
# line of the key. act comes from scripts/requirements-ci.txt (.ci/run).
#   bash scripts/test-act.sh [JOB...]   (default: every action job)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/testing.sh
source scripts/testing.sh

export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
cat tests/fixtures/test-only-p256.p8 tests/fixtures/test-only-p256-sec1.pem | grep -v -e '-----' >"$work/key-lines"
jobs=(action-self-test action-key-files action-apple-check action-sign-in-with-apple action-business-manager
  action-apple-ads action-release-download)
[ "$#" = 0 ] || jobs=("$@")
for job in "${jobs[@]}"; do
  act_log="$work/act-$job.log"
  # act keeps its caches under HOME; a fresh one keeps runs independent.
  if HOME="$work/act-home-$job" act -W .github/workflows/ci.yml -j "$job" --matrix os:ubuntu-latest \
    -P ubuntu-latest=-self-hosted --no-cache-server >"$act_log" 2>&1 \
    && grep -q "jose: signature valid" "$act_log" && grep -q "Job succeeded" "$act_log"; then
    ok "act ran $job and jose verified its tokens"
    grep -E "building from source|asc-jwt: built|SHA-256 by|minted|jose:|expires-at .* from now|as expected|Apple|verified=|fake-apple:|exit 3|mdmServers|campaigns" "$act_log" | sed 's/^/    /'
  else
    not_ok "act $job (log follows)"
    tail -n 40 "$act_log"
  fi
  # The fake Apple's access tokens all start with this (scripts/fake-apple.py).
  expect "$job: the act log shows no token, no access token and no line of the key" \
    bash -c "! grep -qe eyJ -e fake-apple-access-token '$act_log' && ! grep -qF -f '$work/key-lines' '$act_log'"
  if [ "$job" = action-business-manager ] || [ "$job" = action-apple-ads ]; then
    # The job prints the access token on purpose: the runner must have replaced it.
    expect "$job: the access token printed by the job shows as its mask" \
      grep -qF "access-token: ***" "$act_log"
  fi
done

summary test-act
