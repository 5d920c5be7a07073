#!/usr/bin/env bash
# Puts an asc-jwt binary on the runner for action.yml: prints its path and writes it to
# GITHUB_OUTPUT as `path`.
#
# The choice is made by source, not by the ref's name: when the action's own files are
# the very source a release was built from (their digest, by scripts/release.sh, equals
# the `# source-sha256` line of checksums/v<version>.sha256), that release's binary is
# downloaded and its SHA-256 checked against the same committed file. So @v1, @v1.0,
# @v1.0.0 and @<release commit SHA> all download; a branch or fork whose source differs,
# a version with no checksum file, or from-source: true is built with cargo. There is no
# third way: no verified match, no download.
#
# What runs is always a private copy in a fresh folder of RUNNER_TEMP, checked after it
# was copied: the shared RUNNER_TOOL_CACHE only saves the download, and nothing another
# job puts there is run (on Windows only on GitHub-hosted runners: see cache_usable). A
# build compiles a private copy of the action's source in that fresh folder, run from a
# folder only an administrator can write in, with a fresh target folder and with the
# variables that steer cargo, rustc and C compilers removed: no .cargo/config.toml,
# rust-toolchain.toml or workspace Cargo.toml an earlier step left in the caller's
# workspace, RUNNER_TEMP or above the action's folder, and nothing from earlier steps'
# GITHUB_ENV, takes effect. It trusts CARGO_HOME and RUSTUP_HOME, as the runner has them.
#
# Written for bash 3.2 too (macOS's /bin/bash). Inputs arrive as environment variables:
#   ASC_JWT_FROM_SOURCE        `true` to always build (input from-source)
#   ASC_JWT_ACTION_REPOSITORY  owner/name of the action (github.action_repository)
#   ASC_JWT_TEST_RELEASE_URL   TEST ONLY: http://127.0.0.1:PORT or http://[::1]:PORT, with
#                              nothing after the port but a path, to download release
#                              assets from instead of GitHub (scripts/test-release.sh)
set -euo pipefail

bail() {
  printf '::error title=asc-jwt::%s\n' "$*"
  exit 1
}
warn() { printf '::warning title=asc-jwt::%s\n' "$*"; }
info() { printf 'asc-jwt: %s\n' "$*"; }

# Milliseconds since the epoch, or nothing where the shell cannot tell (bash 3.2, macOS's,
# has no EPOCHREALTIME and `date` there has no %N: whole seconds would print as 0 ms).
now_ms() {
  # Before bash 5, EPOCHREALTIME is an ordinary variable that the environment could set to
  # an expression, which $(( )) would evaluate: only bash 5's own, and only digits.
  local t=${EPOCHREALTIME:-}
  if [ "${BASH_VERSINFO[0]}" -ge 5 ] && [[ $t =~ ^[0-9]+[.,][0-9]{6}$ ]]; then
    t=${t/[.,]/}
    echo $((10#$t / 1000))
  fi
}
started=$(now_ms)
elapsed() { # ` (N ms)`, or nothing
  local now
  now=$(now_ms)
  if [ -n "$started" ] && [ -n "$now" ]; then echo " ($((now - started)) ms)"; fi
}

action_path=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}
temp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
tool_cache=${RUNNER_TOOL_CACHE:-$temp/tool-cache}
windows=""
if command -v cygpath >/dev/null 2>&1; then
  windows=yes
  # Windows runners hand out `D:\a\_temp` paths; Git Bash's tools want `/d/a/_temp`.
  action_path=$(cygpath -u "$action_path")
  temp=$(cygpath -u "$temp")
  tool_cache=$(cygpath -u "$tool_cache")
fi
release_sh="$action_path/scripts/release.sh"
# Owned by this user: Git Bash on Windows has no owners worth the name, and its runners
# give each job its own user profile.
owned() { [ -n "$windows" ] || [ -O "$1" ]; }

# mktemp makes the folder 0700 under a name nobody could have prepared.
private=$(mktemp -d "$temp/asc-jwt.XXXXXXXX")
bin_dir="$private/bin"
mkdir "$bin_dir"

finish() {
  local bin=$1 how=$2
  info "$how; running $bin$(elapsed)"
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

# One SHA-256 tool for this run, named in the log: GNU's (Linux, Git Bash) or shasum (macOS).
if command -v sha256sum >/dev/null 2>&1; then
  sha_tool=sha256sum
else
  sha_tool=shasum
fi
sha256() {
  if [ "$sha_tool" = sha256sum ]; then sha256sum "$1"; else shasum -a 256 "$1"; fi | awk '{ print $1 }'
}

version=$(sed -n 's/^version = "\([0-9][0-9.]*\)"$/\1/p' "$action_path/Cargo.toml" | head -n 1)
[ -n "$version" ] || bail "cannot read the version from $action_path/Cargo.toml"

# --- build from source ----------------------------------------------------------------
# The build sees only the variables it needs: where the tools are (PATH, HOME, CARGO_HOME,
# RUSTUP_HOME), temporary folders, the locale, proxies and CA files for crates.io, on macOS
# the Xcode the workflow chose (DEVELOPER_DIR, SDKROOT: without them a stale xcode-select
# path fails the link), and on Windows the system's own. Everything else that steers
# cargo, rustc, rustup or a C compiler (RUSTC_WRAPPER, RUSTFLAGS, RUSTUP_TOOLCHAIN,
# CARGO_*, CC, CC_<target>, CFLAGS, COMPILER_PATH, CL, LD_PRELOAD, …), as an earlier step
# or a workflow may have set it, is left out. (A step that can write GITHUB_ENV or
# GITHUB_PATH can also replace cargo on PATH: that is beyond what a build can guard against.)
build_env_names="PATH HOME CARGO_HOME RUSTUP_HOME TMPDIR TMP TEMP USER LOGNAME LANG LC_ALL
  HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy SSL_CERT_FILE SSL_CERT_DIR"
macos_env_names="DEVELOPER_DIR SDKROOT"
# MSYS passes CommonProgramFiles on as COMMONPROGRAMFILES: both spellings are kept.
windows_env_names="SystemRoot SYSTEMROOT windir WINDIR ComSpec COMSPEC PATHEXT USERPROFILE
  USERNAME APPDATA LOCALAPPDATA ProgramData PROGRAMDATA ProgramFiles PROGRAMFILES
  ProgramFiles(x86) ProgramW6432 CommonProgramFiles COMMONPROGRAMFILES
  CommonProgramFiles(x86) CommonProgramW6432 HOMEDRIVE HOMEPATH SystemDrive
  NUMBER_OF_PROCESSORS PROCESSOR_ARCHITECTURE OS"
build_env() {
  local name value names=$build_env_names
  [ "${RUNNER_OS:-}" != macOS ] || names="$names $macos_env_names"
  [ -z "$windows" ] || names="$names $windows_env_names"
  build_vars=()
  for name in $names; do
    # printenv, not ${!name}: names such as ProgramFiles(x86) are no shell variables.
    if value=$(printenv "$name"); then build_vars+=("$name=$value"); fi
  done
}

# The folder cargo runs in. cargo reads .cargo/config.toml, and rustup rust-toolchain.toml,
# from the folder it runs in and every folder above it, whatever --manifest-path says: so
# not the action's folder, the workspace or RUNNER_TEMP (any step of the job can write in
# them and in their parents), but `/`, which only root can write in. On Windows, where
# Git Bash shows every folder as 0755 and the job's user administers the runner, the
# Windows folder; there, and everywhere as a second check, no such file may be in the
# folder or above it.
build_cwd() {
  local dir parent name
  if [ -n "$windows" ]; then
    build_dir=$(cygpath -u "${SYSTEMROOT:-${SystemRoot:-C:\Windows}}")
  else
    build_dir=/
  fi
  dir=$build_dir
  while :; do
    if [ -z "$windows" ]; then
      [ -n "$(find "$dir" -maxdepth 0 -user 0 ! -perm -g+w ! -perm -o+w)" ] \
        || bail "cannot build from source safely: \`$dir\` is not owned by root or others can write in it, so cargo could read a configuration planted there; fix its owner and mode, or use a released version of the action such as @v1"
    fi
    for name in .cargo/config .cargo/config.toml rust-toolchain rust-toolchain.toml; do
      if [ -e "$dir/$name" ] || [ -L "$dir/$name" ]; then
        bail "cannot build from source safely: cargo would read \`$dir/$name\`, which this build does not trust; remove it, or use a released version of the action such as @v1"
      fi
    done
    [ "$dir" != / ] || break
    parent=$(dirname "$dir")
    # Git Bash's `/` is Git's own folder, not the drive above /c/Windows.
    if [ -n "$windows" ] && [ "$parent" = / ]; then break; fi
    dir=$parent
  done
}

# copy_source DEST: the action's source files (those of the source digest) and benches/
# (cargo checks that the benchmark Cargo.toml declares exists, even for a build), with a
# `[workspace]` table added so that cargo takes no Cargo.toml above DEST for its workspace.
copy_source() {
  local dest=$1 list name
  list=$(bash "$release_sh" source-files "$action_path") || return 1
  if [ -d "$action_path/benches" ]; then
    list="$list
$(cd "$action_path" && find benches -type f)" || return 1
  fi
  if printf '%s\n' "$list" | LC_ALL=C grep -q '[^A-Za-z0-9._/-]'; then
    printf 'asc-jwt: the action holds a file name outside [A-Za-z0-9._/-]\n' >&2
    return 1
  fi
  for name in $list; do
    mkdir -p "$dest/$(dirname "$name")" && cp "$action_path/$name" "$dest/$name" || return 1
  done
  if ! grep -q '^\[workspace\]' "$dest/Cargo.toml"; then
    printf '\n[workspace]\n' >>"$dest/Cargo.toml" || return 1
  fi
}

# Called after `||` too, where bash turns `set -e` off: every step checks its own status.
build() {
  local cargo source=$private/source
  info "building from source: $1"
  command -v cargo >/dev/null 2>&1 \
    || bail "cargo is not installed on this runner, and asc-jwt must be built from source because $1; install Rust (rustup) before this step, or use a released version of the action such as @v1"
  cargo=$(command -v cargo)
  build_env
  build_cwd
  if ! { mkdir "$source" && copy_source "$source"; }; then
    bail "could not copy the action's source to \`$source\` (see above)"
  fi
  # A fresh target folder: a target folder found on disk could hold planted artifacts
  # that cargo would take as up to date.
  (
    cd "$build_dir" \
      && env -i "${build_vars[@]}" "$cargo" build --release --locked --quiet \
        --manifest-path "$source/Cargo.toml" --target-dir "$private/target" >&2
  ) || bail "cargo build failed (see above); the binary could not be built from source"
  cp "$private/target/release/asc-jwt$exe" "$bin_dir/asc-jwt$exe" && [ -f "$bin_dir/asc-jwt$exe" ] \
    || bail "could not copy the built binary to \`$bin_dir\` (see above)"
  finish "$bin_dir/asc-jwt$exe" "built from the action's source"
}

if [ "${ASC_JWT_FROM_SOURCE:-false}" = "true" ]; then
  build "the input from-source is true"
fi

# --- is the action's source a release's source? --------------------------------------
sums="$action_path/checksums/v$version.sha256"
if [ ! -f "$sums" ]; then
  build "version $version has no release (no checksums/v$version.sha256 in the action)"
fi
recorded=$(sed -n 's/^# source-sha256 \([0-9a-f]\{64\}\)$/\1/p' "$sums")
[ -n "$recorded" ] || build "checksums/v$version.sha256 records no source digest"
digest=$(bash "$release_sh" source-digest "$action_path") \
  || build "the digest of the action's source could not be computed (see above)"
if [ "$digest" != "$recorded" ]; then
  build "the action's source differs from the source release $version was built from"
fi
info "the action's source is release $version's (source digest $digest)"

expected_sum() {
  local name
  name=$(bash "$release_sh" asset "$1")
  awk -v name="$name" '$2 == name || $2 == "*" name { print $1 }' "$sums" | grep -E '^[0-9a-f]{64}$' || true
}
expected=$(expected_sum "$target")
if [ -z "$expected" ] && [ "$target" = aarch64-apple-darwin ]; then
  # An Apple Silicon Mac runs an x86_64 binary only where it can translate one (Rosetta,
  # which a self-hosted runner may lack; developer.apple.com/documentation/apple-silicon/
  # about-the-rosetta-translation-environment): else the mint would fail with "Bad CPU
  # type". Asking arch to run one tells, whatever provides the translation.
  if arch -x86_64 /usr/bin/true >/dev/null 2>&1; then
    warn "release $version has no arm64 macOS build; using the x86_64 build under Rosetta"
    target=x86_64-apple-darwin
    expected=$(expected_sum "$target")
  else
    build "release $version has no arm64 macOS build and Rosetta is not installed to run the x86_64 one (softwareupdate --install-rosetta)"
  fi
fi
[ -n "$expected" ] || build "checksums/v$version.sha256 lists no binary for $target"
asset=$(bash "$release_sh" asset "$target")
private_bin="$bin_dir/asc-jwt$exe"

# --- the tool cache: copy first, then check the copy --------------------------------
cache_dir="$tool_cache/asc-jwt/$version/$target"
cached="$cache_dir/$asset"
# A cache folder is used only when this user owns it and nobody else can write in it:
# then nobody else can put a FIFO there or move it while it is read or written.
private_dir() {
  [ -d "$1" ] && [ ! -L "$1" ] && owned "$1" \
    && [ -z "$(find "$1" -maxdepth 0 \( -perm -g+w -o -perm -o+w \))" ]
}
# Git Bash mounts drives noacl and shows every folder as 0755, so on Windows that check
# means nothing: there the cache is used only on GitHub-hosted runners, whose machine is
# fresh and the job's own. (What runs is still the private copy, checked.)
cache_on=yes
if [ -n "$windows" ] && [ "${RUNNER_ENVIRONMENT:-}" != github-hosted ]; then
  cache_on=""
  info "the tool cache is not used: on a Windows runner that is not GitHub-hosted, nothing shows who can write in it"
fi
cache_usable() {
  local dir
  [ -n "$cache_on" ] || return 1
  for dir in "$tool_cache/asc-jwt" "$tool_cache/asc-jwt/$version" "$cache_dir"; do
    private_dir "$dir" || return 1
  done
}
if cache_usable && [ -f "$cached" ] && [ ! -L "$cached" ] && owned "$cached"; then
  cp "$cached" "$private_bin"
  if [ "$(sha256 "$private_bin")" = "$expected" ]; then
    chmod 0755 "$private_bin"
    finish "$private_bin" "copied from the tool cache and verified (SHA-256 by $sha_tool)"
  fi
  rm -f "$private_bin"
  warn "the tool cache's copy of $asset does not match checksums/v$version.sha256; downloading it again"
elif [ -n "$cache_on" ] && { [ -e "$cached" ] || [ -L "$cached" ]; }; then
  warn "the tool cache entry for $asset is not a private, regular file of this user; it is not used"
fi

# --- download, then check ------------------------------------------------------------
loopback='^http://(127\.0\.0\.1|\[::1\]):[0-9]{1,5}(/[A-Za-z0-9._~/-]*)?$'
if [ -n "${ASC_JWT_TEST_RELEASE_URL:-}" ]; then
  [[ $ASC_JWT_TEST_RELEASE_URL =~ $loopback ]] \
    || bail "ASC_JWT_TEST_RELEASE_URL is for tests only and must be http://127.0.0.1:PORT or http://[::1]:PORT, optionally followed by a path"
  url="${ASC_JWT_TEST_RELEASE_URL%/}/releases/download/v$version/$asset"
  # Loopback only: no proxy, no redirect.
  fetch=(curl --proto '=http' --noproxy '*' --max-redirs 0)
else
  repository=${ASC_JWT_ACTION_REPOSITORY:-${GITHUB_ACTION_REPOSITORY:-}}
  # github.action_repository is not promised for composite actions (actions/runner#2473).
  # The runner checks a remote action out at _actions/<owner>/<name>/<ref>: read it there.
  if [ -z "$repository" ]; then
    case "$action_path" in
      */_actions/*/*/*)
        rest=${action_path##*/_actions/}
        repository="${rest%%/*}/$(echo "${rest#*/}" | cut -d/ -f1)"
        ;;
    esac
  fi
  [[ $repository =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] \
    || build "the action's repository is unknown, so its release cannot be found"
  url="https://github.com/$repository/releases/download/v$version/$asset"
  # GitHub redirects release downloads to its storage host: follow, over HTTPS only.
  fetch=(curl --proto '=https' --proto-redir '=https' --tlsv1.2 -L)
fi

download="$private/download"
mkdir "$download"
info "downloading $url"
if ! "${fetch[@]}" -fsS --retry 3 --connect-timeout 10 -o "$download/$asset" "$url"; then
  warn "could not download $asset of release v$version (no network, or no such asset); building from source instead"
  build "the release download failed"
fi
actual=$(sha256 "$download/$asset")
if [ "$actual" != "$expected" ]; then
  rm -rf "$download"
  bail "the downloaded $asset does not match checksums/v$version.sha256 (expected $expected, got $actual); it was not run. Use from-source: true to build instead."
fi
mv "$download/$asset" "$private_bin"
chmod 0755 "$private_bin"

# Save the download for later jobs on this runner; what is saved is checked again, as a
# copy, before any later use.
if [ -n "$cache_on" ] && (umask 077 && mkdir -p "$cache_dir") 2>/dev/null && cache_usable \
  && partial=$(mktemp "$cache_dir/.$asset.XXXXXXXX" 2>/dev/null); then
  if cp "$private_bin" "$partial" && chmod 0755 "$partial"; then
    mv -f "$partial" "$cached" 2>/dev/null || rm -f "$partial"
  else
    rm -f "$partial"
  fi
fi
finish "$private_bin" "downloaded and verified (SHA-256 by $sha_tool)"
