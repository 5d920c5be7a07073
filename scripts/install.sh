#!/usr/bin/env bash
# Puts an asc-jwt binary on the runner for action.yml and prints its path (and writes it
# to GITHUB_OUTPUT as `path`).
#
# From a release tag (vX.Y.Z, or the moving vX / vX.Y tags) whose version matches
# Cargo.toml, the release asset is downloaded and its SHA-256 checked against
# checksums/v<version>.sha256, committed in this repository, before it is ever run; the
# checked binary is kept in RUNNER_TOOL_CACHE and checked again on each later use.
# Otherwise (a branch, a SHA, `uses: ./`, from-source: true, or no network) it is built
# with cargo from the action's own source, outside the user's workspace.
#
# Written for bash 3.2 too (macOS's /bin/bash). Inputs arrive as environment variables:
#   ASC_JWT_FROM_SOURCE        `true` to always build (input from-source)
#   ASC_JWT_ACTION_REF         the ref the action runs from (github.action_ref)
#   ASC_JWT_ACTION_REPOSITORY  owner/name of the action (github.action_repository)
#   ASC_JWT_TEST_RELEASE_URL   TEST ONLY: an http://127.0.0.1:PORT base URL to download
#                              release assets from instead of GitHub (scripts/test-action.sh)
set -euo pipefail

bail() {
  printf '::error title=asc-jwt::%s\n' "$*"
  exit 1
}
warn() { printf '::warning title=asc-jwt::%s\n' "$*"; }
info() { printf 'asc-jwt: %s\n' "$*"; }

now_ms() {
  if [ -n "${EPOCHREALTIME:-}" ]; then
    local t=${EPOCHREALTIME/[.,]/}
    echo $((t / 1000))
  else
    echo $((SECONDS * 1000))
  fi
}
started=$(now_ms)
elapsed() { echo "$(($(now_ms) - started)) ms"; }

action_path=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}
temp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
tool_cache=${RUNNER_TOOL_CACHE:-$temp/tool-cache}
if command -v cygpath >/dev/null 2>&1; then
  # Windows runners hand out `D:\a\_temp` paths; Git Bash's tools want `/d/a/_temp`.
  action_path=$(cygpath -u "$action_path")
  temp=$(cygpath -u "$temp")
  tool_cache=$(cygpath -u "$tool_cache")
fi

finish() {
  local bin=$1 how=$2
  info "$how $bin in $(elapsed)"
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf 'path=%s\n' "$bin" >>"$GITHUB_OUTPUT"
  fi
  exit 0
}

# --- which build this runner needs --------------------------------------------------
exe=""
case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc exe=.exe ;;
  Windows/ARM64) target=aarch64-pc-windows-msvc exe=.exe ;;
  *) bail "unsupported runner: RUNNER_OS=\`${RUNNER_OS:-unset}\` RUNNER_ARCH=\`${RUNNER_ARCH:-unset}\`; asc-jwt supports Linux, macOS and Windows on X64 and ARM64" ;;
esac
info "runner ${RUNNER_OS}/${RUNNER_ARCH}: target $target"

version=$(sed -n 's/^version = "\([^"]*\)"$/\1/p' "$action_path/Cargo.toml" | head -n 1)
[ -n "$version" ] || bail "cannot read the version from $action_path/Cargo.toml"

# --- build from source ----------------------------------------------------------------
build() {
  info "building from source: $1"
  command -v cargo >/dev/null 2>&1 \
    || bail "cargo is not installed on this runner, and asc-jwt must be built from source because $1; install Rust (rustup) before this step, or use the action from a release tag such as @v1"
  local target_dir="$temp/asc-jwt/target" bin_dir="$temp/asc-jwt/bin"
  cargo build --release --locked --quiet \
    --manifest-path "$action_path/Cargo.toml" --target-dir "$target_dir" >&2
  mkdir -p "$bin_dir"
  cp "$target_dir/release/asc-jwt$exe" "$bin_dir/asc-jwt$exe"
  finish "$bin_dir/asc-jwt$exe" "built"
}

ref=${ASC_JWT_ACTION_REF:-${GITHUB_ACTION_REF:-}}
repository=${ASC_JWT_ACTION_REPOSITORY:-${GITHUB_ACTION_REPOSITORY:-}}
# github.action_ref is not promised for composite actions (actions/runner#2473). The
# runner checks a remote action out at _actions/<owner>/<name>/<ref>: read it from there.
case "$action_path" in
  */_actions/*/*/*)
    rest=${action_path##*/_actions/}
    owner=${rest%%/*}
    rest=${rest#*/}
    name=${rest%%/*}
    rest=${rest#*/}
    [ -n "$ref" ] || ref=${rest%%/*}
    [ -n "$repository" ] || repository="$owner/$name"
    ;;
esac
case "$ref" in
  *[!A-Za-z0-9._/-]*) shown_ref="(a ref with unusual characters)" ;;
  *) shown_ref=$ref ;;
esac
if [ "${ASC_JWT_FROM_SOURCE:-false}" = "true" ]; then
  build "the input from-source is true"
fi
if [ -z "$ref" ]; then
  build "the action runs from a local path (uses: ./), which has no release binary"
fi
# vX, vX.Y or vX.Y.Z, agreeing with Cargo.toml: the tag points at that release's commit.
case "$ref" in
  v"$version" | v"${version%.*}" | v"${version%%.*}") ;;
  *) build "the action runs from \`$shown_ref\`, not from a release tag of version $version" ;;
esac

# --- download a verified release binary -----------------------------------------------
sums="$action_path/checksums/v$version.sha256"
[ -f "$sums" ] \
  || bail "no checksum file for version $version (expected checksums/v$version.sha256 in the action); refusing to run an unverified binary"

expected_sum() { awk -v name="asc-jwt-$1" '$2 == name || $2 == "*" name { print $1 }' "$sums"; }
expected=$(expected_sum "$target$exe")
if [ -z "$expected" ] && [ "$target" = aarch64-apple-darwin ]; then
  warn "release $version has no arm64 macOS build; using the x86_64 build under Rosetta"
  target=x86_64-apple-darwin
  expected=$(expected_sum "$target")
fi
[ -n "$expected" ] \
  || bail "checksums/v$version.sha256 lists no asc-jwt-$target$exe; refusing to run an unverified binary"

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | awk '{ print $1 }'
  else
    shasum -a 256 "$1" | awk '{ print $1 }'
  fi
}

cache_dir="$tool_cache/asc-jwt/$version/$target"
cached="$cache_dir/asc-jwt$exe"
if [ -f "$cached" ]; then
  if [ "$(sha256 "$cached")" = "$expected" ]; then
    finish "$cached" "cached"
  fi
  warn "the cached $cached does not match its checksum; downloading it again"
  rm -f "$cached"
fi

asset="asc-jwt-$target$exe"
if [ -n "${ASC_JWT_TEST_RELEASE_URL:-}" ]; then
  case "$ASC_JWT_TEST_RELEASE_URL" in
    http://127.0.0.1:[0-9]*) ;;
    *) bail "ASC_JWT_TEST_RELEASE_URL is for tests only and must be an http://127.0.0.1:PORT address" ;;
  esac
  url="$ASC_JWT_TEST_RELEASE_URL/v$version/$asset"
  protocol='=http'
else
  [ -n "$repository" ] || build "the action's repository is unknown, so its release cannot be found"
  url="https://github.com/$repository/releases/download/v$version/$asset"
  protocol='=https'
fi

download_dir=$(mktemp -d "$temp/asc-jwt-download.XXXXXX")
trap 'rm -rf "$download_dir"' EXIT
info "downloading $url"
if ! curl --proto "$protocol" --tlsv1.2 -fsSL --retry 3 --connect-timeout 10 \
  -o "$download_dir/$asset" "$url"; then
  warn "could not download $asset for release v$version (no network, or no such asset); building from source instead"
  build "the release download failed"
fi
actual=$(sha256 "$download_dir/$asset")
if [ "$actual" != "$expected" ]; then
  bail "the downloaded $asset does not match checksums/v$version.sha256 (expected $expected, got $actual); it was not run. Use from-source: true to build instead."
fi
chmod +x "$download_dir/$asset"
mkdir -p "$cache_dir"
mv "$download_dir/$asset" "$cached"
finish "$cached" "downloaded and verified"
