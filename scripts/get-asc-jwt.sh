#!/bin/sh
# Installs a verified asc-jwt release binary outside GitHub Actions: GitLab CI, CircleCI,
# Bitrise, Jenkins, a laptop. POSIX sh, so it runs in Alpine and BusyBox images too.
#
#   sh get-asc-jwt.sh VERSION [DIR]     e.g. sh get-asc-jwt.sh 1.0.0 "$HOME/.local/bin"
#
# It downloads checksums/v<VERSION>.sha256 from the repository at tag v<VERSION>, then
# the release binary for this machine, and installs the binary to DIR (default
# ~/.local/bin) only if its SHA-256 is the one that file lists. Anything else (no such
# version, no binary for this machine, a mismatch, no sha256 tool) fails, and nothing is
# installed. Set ASC_JWT_REPOSITORY (owner/name) to install from a fork.
#
# ASC_JWT_TEST_RELEASE_URL is for tests only (scripts/test-release.sh): an
# http://127.0.0.1:PORT or http://[::1]:PORT server that stands in for GitHub.
set -eu

fail() {
  printf 'get-asc-jwt: %s\n' "$*" >&2
  exit 1
}

# matches VALUE ERE: the whole value is one line that matches (grep alone would pass a
# value with one good line among others).
newline='
'
matches() {
  case "$1" in *"$newline"*) return 1 ;; esac
  printf '%s\n' "$1" | grep -Eq "$2"
}

[ $# -ge 1 ] && [ $# -le 2 ] || fail "usage: sh get-asc-jwt.sh VERSION [DIR], e.g. sh get-asc-jwt.sh 1.0.0 \"\$HOME/.local/bin\""
version=$1
dir=${2:-${HOME:?HOME is not set; name the folder: sh get-asc-jwt.sh VERSION DIR}/.local/bin}
case "$version" in
  v*) version=${version#v} ;;
esac
matches "$version" '^[0-9]+\.[0-9]+\.[0-9]+$' \
  || fail "VERSION must look like 1.0.0 (a release of asc-jwt)"
repository=${ASC_JWT_REPOSITORY:-org/asc-jwt-action}
matches "$repository" '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$' \
  || fail "ASC_JWT_REPOSITORY must be owner/name"

command -v curl >/dev/null 2>&1 \
  || fail "curl is required to download the release; install it (apk add curl, apt-get install curl) and run this again"

# The machine's own architecture, which `uname -m` does not always tell: Git Bash on
# Windows on Arm runs under x64 emulation and says x86_64 (git-for-windows/git#5612), as
# does a macOS shell running under Rosetta (actions/runner-images#9676).
os=$(uname -s)
machine=$(uname -m)
case "$os/$machine" in
  MINGW*/x86_64 | MSYS*/x86_64 | CYGWIN*/x86_64)
    # An emulated process sees PROCESSOR_ARCHITECTURE=AMD64; the CPU's name
    # (PROCESSOR_IDENTIFIER `ARMv8 (64-bit) Family 8 …`), an arm64 Git for Windows'
    # MSYSTEM (CLANGARM64) and a newer runtime's `uname -s` (…-ARM64) still tell.
    case "$os/${PROCESSOR_ARCHITEW6432:-}/${PROCESSOR_IDENTIFIER:-}/${MSYSTEM:-}" in
      *-ARM64/* | */ARM64/*/* | */*/ARM*/* | */*ARM64) machine=aarch64 ;;
    esac
    ;;
  Darwin/x86_64)
    # sysctl.proc_translated is 1 under Rosetta (Apple, "About the Rosetta translation
    # environment": developer.apple.com/documentation/apple-silicon/about-the-rosetta-translation-environment).
    if [ "$(sysctl -n sysctl.proc_translated 2>/dev/null)" = 1 ]; then machine=arm64; fi
    ;;
esac

exe=""
case "$os/$machine" in
  Linux/x86_64 | Linux/amd64) target=x86_64-unknown-linux-musl ;;
  Linux/aarch64 | Linux/arm64) target=aarch64-unknown-linux-musl ;;
  Darwin/x86_64) target=x86_64-apple-darwin ;;
  Darwin/arm64) target=aarch64-apple-darwin ;;
  MINGW*/x86_64 | MSYS*/x86_64 | CYGWIN*/x86_64) target=x86_64-pc-windows-msvc exe=.exe ;;
  MINGW*/aarch64 | MSYS*/aarch64 | CYGWIN*/aarch64) target=aarch64-pc-windows-msvc exe=.exe ;;
  *) fail "no release binary for $os/$machine; build it with: cargo install --locked --git https://github.com/$repository --tag v$version" ;;
esac
asset="asc-jwt-$target$exe"

if [ -n "${ASC_JWT_TEST_RELEASE_URL:-}" ]; then
  matches "$ASC_JWT_TEST_RELEASE_URL" '^http://(127\.0\.0\.1|\[::1\]):[0-9]{1,5}(/[A-Za-z0-9._~/-]*)?$' \
    || fail "ASC_JWT_TEST_RELEASE_URL is for tests only and must be http://127.0.0.1:PORT or http://[::1]:PORT"
  base=${ASC_JWT_TEST_RELEASE_URL%/}
  sums_url="$base/raw/v$version/checksums/v$version.sha256"
  bin_url="$base/releases/download/v$version/$asset"
  fetch() { curl --proto '=http' --noproxy '*' --max-redirs 0 -fsS -o "$1" "$2"; }
else
  sums_url="https://raw.githubusercontent.com/$repository/v$version/checksums/v$version.sha256"
  bin_url="https://github.com/$repository/releases/download/v$version/$asset"
  fetch() { curl --proto '=https' --proto-redir '=https' --tlsv1.2 -fsSL --retry 3 -o "$1" "$2"; }
fi

if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sha256sum "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { shasum -a 256 "$1" | cut -d' ' -f1; }
else
  fail "neither sha256sum nor shasum is installed: cannot check the download"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
fetch "$work/sums" "$sums_url" || fail "could not download checksums/v$version.sha256 of $repository (is $version a release?)"
expected=$(awk -v name="$asset" '$2 == name { print $1 }' "$work/sums" | grep -E '^[0-9a-f]{64}$' || true)
[ -n "$expected" ] || fail "checksums/v$version.sha256 lists no $asset"
fetch "$work/$asset" "$bin_url" || fail "could not download $asset of release v$version"
actual=$(sha256 "$work/$asset")
[ "$actual" = "$expected" ] \
  || fail "the downloaded $asset does not match checksums/v$version.sha256 (expected $expected, got $actual); nothing was installed"

mkdir -p "$dir"
chmod 0755 "$work/$asset"
# Into the folder under a temporary name, then renamed: never a half-written asc-jwt.
cp "$work/$asset" "$dir/.asc-jwt$exe.$$"
mv -f "$dir/.asc-jwt$exe.$$" "$dir/asc-jwt$exe"
printf 'get-asc-jwt: installed %s (%s, SHA-256 %s, verified)\n' "$dir/asc-jwt$exe" "$asset" "$actual"
# shellcheck disable=SC2016 # the $PATH in the hint is for the user to type
case ":${PATH:-}:" in
  *":$dir:"*) ;;
  *) printf 'get-asc-jwt: %s is not on PATH; add it: export PATH="%s:$PATH"\n' "$dir" "$dir" ;;
esac
