#!/usr/bin/env bash
# The action's local proof, with no GitHub and no Docker:
#   1. static checks of action.yml and the workflows (actionlint with shellcheck, zizmor,
#      action-validator) and shellcheck of every script;
#   2. the CI workflow's action jobs run by `act` in host mode (uses: ./ builds from
#      source; tokens verified by jose; key file, fastlane JSON, a bare second mint;
#      clock: apple and verify: true against a fake Apple on 127.0.0.1);
#   3. scripts/install.sh's download path against a release server on 127.0.0.1: a good
#      checksum runs, a tampered binary is refused before it runs, a missing asset falls
#      back to building, a missing checksum fails closed;
#   4. timings of the install step: cold, warm, and building from a clean target dir.
# Tools come from scripts/requirements-ci.txt and scripts/package.json (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "  ok: $*"; }
not_ok() { fail=$((fail + 1)); echo "  FAILED: $*"; }
expect() { # expect DESCRIPTION COMMAND...: the command must succeed
  local what=$1
  shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== static checks"
expect "actionlint (with shellcheck) on the workflows" actionlint -no-color
expect "zizmor --offline: no finding at or above medium" \
  zizmor --offline --min-severity medium --quiet .
expect "action-validator action.yml" scripts/node_modules/.bin/action-validator action.yml
for workflow in .github/workflows/*.yml; do
  expect "action-validator $workflow" scripts/node_modules/.bin/action-validator "$workflow"
done
expect "shellcheck scripts and .ci/run" shellcheck scripts/*.sh .ci/run
expect "README's inputs and outputs tables match action.yml" python3 scripts/check-readme-tables.py

echo "== act: the CI workflow's action jobs, host mode"
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
grep -v -e '-----' tests/fixtures/test-only-p256.p8 >"$work/key-lines"
for job in action-self-test action-key-files action-apple-check; do
  act_log="$work/act-$job.log"
  # act keeps its caches under HOME; a fresh one keeps runs independent.
  if HOME="$work/act-home-$job" act -W .github/workflows/ci.yml -j "$job" --matrix os:ubuntu-latest \
    -P ubuntu-latest=-self-hosted --no-cache-server >"$act_log" 2>&1 \
    && grep -q "jose: signature valid" "$act_log" && grep -q "Job succeeded" "$act_log"; then
    ok "act ran $job (uses: ./) and jose verified its tokens"
    grep -E "building from source|built |minted|jose:|expires-at .* from now|as expected|Apple|verified=" "$act_log" | sed 's/^/    /'
  else
    not_ok "act $job (log follows)"
    tail -n 40 "$act_log"
  fi
  # The fake Apple of action-apple-check stops by itself; do not leave it to linger.
  pkill -f scripts/fake-apple.py 2>/dev/null || true
  expect "$job: the act log shows no token and no line of the key" \
    bash -c "! grep -q eyJ '$act_log' && ! grep -qF -f '$work/key-lines' '$act_log'"
done

echo "== install.sh download path, against a release server on 127.0.0.1"
version=$(sed -n 's/^version = "\([^"]*\)"$/\1/p' Cargo.toml | head -n 1)
target=x86_64-unknown-linux-musl
cargo build --release --locked --quiet
release_bin="$repo/target/release/asc-jwt"

# A stand-in for the action's checkout: what install.sh reads, plus a checksum file.
action="$work/action"
mkdir -p "$action/scripts" "$action/checksums" "$work/srv/v$version"
cp Cargo.toml "$action/"
cp scripts/install.sh "$action/scripts/"
cp "$release_bin" "$work/srv/v$version/asc-jwt-$target"
(cd "$work/srv/v$version" && sha256sum "asc-jwt-$target") >"$action/checksums/v$version.sha256"

python3 - "$work/srv" "$work/port" >"$work/server.log" 2>&1 <<'PY' &
import functools, http.server, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
open(sys.argv[2], "w").write(str(server.server_address[1]))
server.serve_forever()
PY
server_pid=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
base="http://127.0.0.1:$(cat "$work/port")"

# A cargo that records its arguments, so fallback decisions are checked without a build.
mkdir -p "$work/fake-cargo"
cat >"$work/fake-cargo/cargo" <<'SH'
#!/usr/bin/env bash
echo "$*" >>"$FAKE_CARGO_LOG"
dir=""
while [ $# -gt 0 ]; do [ "$1" = --target-dir ] && dir=$2; shift; done
mkdir -p "$dir/release" && printf '#!/bin/sh\necho built-by-fake-cargo\n' >"$dir/release/asc-jwt" && chmod +x "$dir/release/asc-jwt"
SH
chmod +x "$work/fake-cargo/cargo"

# install CASE [VAR=VALUE…]: runs install.sh as action.yml does, in a runner-like env.
install() {
  local case=$1
  shift
  mkdir -p "$work/$case/temp"
  : >"$work/$case/github_output"
  env -i PATH="$PATH" HOME="$HOME" RUSTUP_HOME="$RUSTUP_HOME" CARGO_HOME="$CARGO_HOME" \
    RUNNER_OS=Linux RUNNER_ARCH=X64 GITHUB_ACTION_PATH="$action" \
    RUNNER_TEMP="$work/$case/temp" RUNNER_TOOL_CACHE="${TOOL_CACHE:-$work/$case/tool-cache}" \
    GITHUB_OUTPUT="$work/$case/github_output" ASC_JWT_ACTION_REF="v$version" \
    ASC_JWT_ACTION_REPOSITORY=example/asc-jwt ASC_JWT_TEST_RELEASE_URL="$base" \
    FAKE_CARGO_LOG="$work/$case/cargo.log" "$@" \
    bash "$action/scripts/install.sh" >"$work/$case/log" 2>&1
}
installed() { sed -n 's/^path=//p' "$work/$1/github_output"; }
log_has() { grep -qF -- "$2" "$work/$1/log"; }
ms() { echo $(($(date +%s%N) / 1000000)); }

export TOOL_CACHE="$work/shared-tool-cache"
start=$(ms)
install cold
cold_ms=$(($(ms) - start))
start=$(ms)
install warm
warm_ms=$(($(ms) - start))
unset TOOL_CACHE
expect "a good checksum: downloaded, verified and run" \
  bash -c "grep -q 'downloaded and verified' '$work/cold/log' && '$(installed cold)' --version | grep -q '^asc-jwt $version$'"
expect "second use in the job: served from the tool cache, no download" \
  bash -c "grep -q '^asc-jwt: cached ' '$work/warm/log' && ! grep -q downloading '$work/warm/log'"

# A tampered binary: a script that would leave a mark if it were ever run.
tampered="$work/srv/v$version/asc-jwt-$target"
printf '#!/bin/sh\ntouch %s\n' "$work/tampered-ran" >"$tampered"
install tampered && status=0 || status=$?
expect "a tampered binary is refused with exit 1" test "$status" = 1
expect "... with an error naming the checksum mismatch" \
  log_has tampered "::error title=asc-jwt::the downloaded asc-jwt-$target does not match checksums/v$version.sha256"
expect "... and is never run nor cached" \
  bash -c "[ ! -e '$work/tampered-ran' ] && [ -z \"\$(find '$work/tampered/tool-cache' -type f 2>/dev/null)\" ] && [ -z '$(installed tampered)' ]"

# A cached binary that was altered afterwards (self-hosted runners keep the cache).
mkdir -p "$work/recache/tool-cache/asc-jwt/$version/$target"
cp "$tampered" "$work/recache/tool-cache/asc-jwt/$version/$target/asc-jwt"
cp "$release_bin" "$tampered"
install recache
expect "an altered cached binary is detected and downloaded again" \
  bash -c "grep -q 'does not match its checksum' '$work/recache/log' && grep -q 'downloaded and verified' '$work/recache/log' && [ ! -e '$work/tampered-ran' ]"

rm "$tampered"
install missing PATH="$work/fake-cargo:$PATH" && status=0 || status=$?
expect "a missing asset falls back to building from source" \
  bash -c "[ $status = 0 ] && grep -q 'building from source: the release download failed' '$work/missing/log' && grep -q -- '--release --locked' '$work/missing/cargo.log'"
cp "$release_bin" "$tampered"

cp "$action/checksums/v$version.sha256" "$work/sums.good"
sed -i '/linux-musl/d' "$action/checksums/v$version.sha256"
install unlisted && status=0 || status=$?
expect "a target missing from the checksum file fails closed" \
  bash -c "[ $status = 1 ] && grep -q 'lists no asc-jwt-$target; refusing to run an unverified binary' '$work/unlisted/log'"
rm "$action/checksums/v$version.sha256"
install nosums && status=0 || status=$?
expect "no checksum file for the version fails closed" \
  bash -c "[ $status = 1 ] && grep -q 'no checksum file for version $version' '$work/nosums/log'"
cp "$work/sums.good" "$action/checksums/v$version.sha256"

install branch PATH="$work/fake-cargo:$PATH" ASC_JWT_ACTION_REF=main
expect "a branch ref builds from source and says why" \
  log_has branch "building from source: the action runs from \`main\`, not from a release tag of version $version"
install major ASC_JWT_ACTION_REF="v${version%%.*}"
expect "the moving major tag v${version%%.*} downloads release $version" \
  log_has major "downloaded and verified"
# Where the runner keeps a remote action: _actions/<owner>/<name>/<ref>.
mkdir -p "$work/_actions/example/asc-jwt"
cp -r "$action" "$work/_actions/example/asc-jwt/v$version"
install runner-layout ASC_JWT_ACTION_REF= ASC_JWT_ACTION_REPOSITORY= \
  GITHUB_ACTION_PATH="$work/_actions/example/asc-jwt/v$version"
expect "with github.action_ref empty, the ref is read from the action's checkout path" \
  log_has runner-layout "downloaded and verified"
install fromsource PATH="$work/fake-cargo:$PATH" ASC_JWT_FROM_SOURCE=true
expect "from-source: true builds" log_has fromsource "building from source: the input from-source is true"
install unsupported RUNNER_OS=Plan9 RUNNER_ARCH=MIPS && status=0 || status=$?
expect "an unsupported runner is an ::error:: naming it" \
  bash -c "[ $status = 1 ] && grep -q '::error title=asc-jwt::unsupported runner: RUNNER_OS=\`Plan9\` RUNNER_ARCH=\`MIPS\`' '$work/unsupported/log'"
install remote ASC_JWT_TEST_RELEASE_URL=https://example.com && status=0 || status=$?
expect "the test-only release URL must be loopback" \
  bash -c "[ $status = 1 ] && grep -q 'for tests only' '$work/remote/log'"

echo "== timings of the install step (prebuilt path served from 127.0.0.1)"
rm -rf "$work/build-timing"  # a clean target dir: RUNNER_TEMP is per case
start=$(ms)
install build-timing ASC_JWT_FROM_SOURCE=true GITHUB_ACTION_PATH="$repo" && status=0 || status=$?
build_ms=$(($(ms) - start))
expect "from-source with a clean target dir builds a working binary" \
  bash -c "[ $status = 0 ] && '$(installed build-timing)' --version | grep -q '^asc-jwt $version$'"
echo "  cold (empty tool cache, download + verify): ${cold_ms} ms"
echo "  warm (tool cache): ${warm_ms} ms"
echo "  build from source (clean target dir): ${build_ms} ms"

echo "test-action: $pass passed, $fail failed"
[ "$fail" = 0 ]
