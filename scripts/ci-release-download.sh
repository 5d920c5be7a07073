#!/usr/bin/env bash
# ci.yml's action-release-download job, one step per command: the download path of the
# action on the runner that runs it (Linux, macOS, Windows; x64 and arm64), against a
# release of this tree served on 127.0.0.1, as scripts/test-release.sh rehearses it here.
#   serve    build this tree; lay out its release (this runner's binary under all six asset
#            names, checksums/v<version>.sha256 by scripts/release.sh) and the action as the
#            runner checks it out, at .ci-release/_actions/org/asc-jwt-action/v1 in the
#            workspace; serve the release on 127.0.0.1; set ASC_JWT_TEST_RELEASE_URL
#   first    the action's install step: must download and verify, with this OS's own
#            SHA-256 tool, the asset of this runner's target
#   second   the install step again: must copy from the tool cache and verify
#   stop     stop the server, by the PID it was started with
# Written for bash 3.2 (macOS) and Git Bash (Windows).
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  printf '::error title=release download::%s\n' "$*"
  exit 1
}
temp=${RUNNER_TEMP:?RUNNER_TEMP is not set}
version=$(sed -n 's/^version = "\([0-9][0-9.]*\)"$/\1/p' Cargo.toml | head -n 1)
action="$PWD/.ci-release/_actions/org/asc-jwt-action/v1"
exe=""
[ "${RUNNER_OS:-}" != Windows ] || exe=.exe

serve() {
  cargo build --release --locked --quiet
  local assets="$temp/release-assets" srv="$temp/release-server" target port_file python
  mkdir -p "$assets" "$srv/releases/download/v$version" "$action"
  for target in $(bash scripts/release.sh targets); do
    cp "target/release/asc-jwt$exe" "$assets/$(bash scripts/release.sh asset "$target")"
  done
  git archive HEAD | tar -x -C "$action"
  mkdir -p "$action/checksums"
  bash scripts/release.sh checksum-file "$version" "$assets" "$action" >"$temp/checksums"
  mv "$temp/checksums" "$action/checksums/v$version.sha256"
  cp "$assets"/* "$srv/releases/download/v$version/"
  sed 's/^/  /' "$action/checksums/v$version.sha256"

  python=$(command -v python3 || command -v python)
  port_file="$temp/release-server.port"
  nohup "$python" scripts/serve-files.py "$srv" "$port_file" </dev/null >"$temp/release-server.log" 2>&1 &
  echo "$!" >"$temp/release-server.pid"
  for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.1; done
  [ -s "$port_file" ] || fail "the release server did not start: $(cat "$temp/release-server.log")"
  echo "ASC_JWT_TEST_RELEASE_URL=http://127.0.0.1:$(cat "$port_file")" >>"${GITHUB_ENV:?}"
  echo "release $version of this tree served on 127.0.0.1:$(cat "$port_file"), the action at $action"
}

# The SHA-256 tool this OS has, as install.sh picks it: GNU's on Linux and in Git Bash,
# shasum on macOS (unless a sha256sum is installed there).
os_sha256_tool() {
  if command -v sha256sum >/dev/null 2>&1; then echo sha256sum; else echo shasum; fi
}

# install_step USE: the action's install step as action.yml runs it; prints its log.
install_step() {
  local out="$temp/install-$1.out"
  : >"$out"
  GITHUB_ACTION_PATH="$action" GITHUB_OUTPUT="$out" ASC_JWT_ACTION_REPOSITORY=org/asc-jwt-action \
    bash "$action/scripts/install.sh" 2>&1 | tee "$temp/install-$1.log"
  installed=$(sed -n 's/^path=//p' "$out")
  [ -n "$installed" ] || fail "the install step gave no path"
  [ "$("$installed" --version | tr -d '\r')" = "asc-jwt $version" ] || fail "$installed is not asc-jwt $version"
  ! grep -q 'building from source' "$temp/install-$1.log" || fail "the $1 use built from source"
}

# The asset of this runner's target, and its line in the checksum file.
runner_asset() {
  local target
  case "$RUNNER_OS/$RUNNER_ARCH" in
    Linux/X64) target=x86_64-unknown-linux-musl ;;
    Linux/ARM64) target=aarch64-unknown-linux-musl ;;
    macOS/X64) target=x86_64-apple-darwin ;;
    macOS/ARM64) target=aarch64-apple-darwin ;;
    Windows/X64) target=x86_64-pc-windows-msvc ;;
    Windows/ARM64) target=aarch64-pc-windows-msvc ;;
    *) fail "no target for $RUNNER_OS/$RUNNER_ARCH" ;;
  esac
  bash scripts/release.sh asset "$target"
}

check_digest() { # check_digest TOOL: TOOL's SHA-256 of the installed binary is the listed one
  local asset expected actual
  asset=$(runner_asset)
  expected=$(awk -v name="$asset" '$2 == name { print $1 }' "$action/checksums/v$version.sha256")
  if [ "$1" = sha256sum ]; then actual=$(sha256sum "$installed"); else actual=$(shasum -a 256 "$installed"); fi
  actual=${actual%% *}
  [ -n "$expected" ] && [ "$actual" = "$expected" ] \
    || fail "$1 gives $actual for the installed binary, the checksum file lists ${expected:-nothing} for $asset"
  echo "the installed binary's SHA-256 by $1 is the one checksums/v$version.sha256 lists for $asset"
}

case "${1:-}" in
  serve) serve ;;
  first)
    tool=$(os_sha256_tool)
    install_step first
    grep -q "downloading http://127.0.0.1:[0-9]*/releases/download/v$version/$(runner_asset)\$" "$temp/install-first.log" \
      || fail "the first use did not download $(runner_asset)"
    grep -q "downloaded and verified (SHA-256 by $tool)" "$temp/install-first.log" \
      || fail "the first use was not downloaded and verified by $tool"
    check_digest "$tool"
    ;;
  second)
    tool=$(os_sha256_tool)
    install_step second
    grep -q "copied from the tool cache and verified (SHA-256 by $tool)" "$temp/install-second.log" \
      || fail "the second use did not come from the tool cache"
    ! grep -q downloading "$temp/install-second.log" || fail "the second use downloaded again"
    check_digest "$tool"
    ;;
  stop)
    if [ -s "$temp/release-server.pid" ]; then kill "$(cat "$temp/release-server.pid")" 2>/dev/null || true; fi
    cat "$temp/release-server.log" 2>/dev/null || true
    ;;
  *) fail "usage: ci-release-download.sh serve | first | second | stop" ;;
esac
