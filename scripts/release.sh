#!/usr/bin/env bash
# The one place that knows what a release is made of: the targets, the asset names, the
# source digest, and the checksum file. release.yml, scripts/install.sh and the local
# release rehearsal (scripts/test-release.sh) all call it, so they cannot drift apart.
#
#   release.sh targets                      the six release targets, one per line
#   release.sh asset TARGET                 the asset's file name, e.g. asc-jwt-x86_64-apple-darwin
#   release.sh source-digest DIR            SHA-256 over the files that go into the binary
#   release.sh source-files DIR             those files, one path (relative to DIR) a line
#   release.sh checksum-file VERSION ASSETS SOURCE_DIR
#                                           prints checksums/v<VERSION>.sha256 for the six
#                                           assets in the folder ASSETS, built from SOURCE_DIR
#   release.sh names-this-repository OWNER/NAME
#                                           fails unless Cargo.toml's `repository` and
#                                           get-asc-jwt.sh's default both name OWNER/NAME
#                                           (a release must not point users at a placeholder
#                                           account such as `org`, which anyone could own),
#                                           and unless Cargo.toml says `publish = false`
#                                           exactly while its repository is the placeholder
#   release.sh check VERSION ASSETS SOURCE_DIR
#                                           checks the assets and the source against the
#                                           committed SOURCE_DIR/checksums/v<VERSION>.sha256
#
# The checksum file is in `sha256sum` format, with the source digest on a comment line
# (GNU `sha256sum --check` skips lines that start with `#`):
#   # source-sha256 <64 hex digits>
#   <64 hex digits>  asc-jwt-<target>[.exe]
# scripts/install.sh downloads a release binary only when the action's own files have
# the recorded source digest; any other tree is built from source.
#
# Written for bash 3.2 (macOS) and Git Bash (Windows): install.sh runs it on runners.
set -euo pipefail

die() {
  printf 'release.sh: %s\n' "$*" >&2
  exit 1
}

targets() {
  cat <<'EOF'
x86_64-unknown-linux-musl
aarch64-unknown-linux-musl
x86_64-apple-darwin
aarch64-apple-darwin
x86_64-pc-windows-msvc
aarch64-pc-windows-msvc
EOF
}

asset() {
  case "$1" in
    *-windows-*) printf 'asc-jwt-%s.exe\n' "$1" ;;
    *) printf 'asc-jwt-%s\n' "$1" ;;
  esac
}

if command -v sha256sum >/dev/null 2>&1; then
  sha256_tool=(sha256sum)
else
  sha256_tool=(shasum -a 256)
fi
sha256() { "${sha256_tool[@]}" "$@" | awk '{ print $1 }'; }

# The files cargo compiles into the binary: the manifest, the lock file, the toolchain
# and build-script files if any, and everything under src/. Tests, benches, docs,
# scripts, workflows and checksums/ do not change the binary, so a commit that only
# touches them still gets the release binary.
source_files() {
  local dir=$1 name
  (
    cd "$dir"
    for name in Cargo.toml Cargo.lock build.rs rust-toolchain rust-toolchain.toml .cargo/config.toml .cargo/config; do
      if [ -e "$name" ] || [ -L "$name" ]; then printf '%s\n' "$name"; fi
    done
    find src ! -type d
  ) | LC_ALL=C sort
}

source_digest() {
  local dir=$1 list
  [ -f "$dir/Cargo.toml" ] && [ -d "$dir/src" ] || die "$dir holds no Cargo.toml and src/"
  list=$(source_files "$dir")
  # A name outside this set could make two different trees list alike (a newline in a
  # name, say); such a tree gets a digest no release has, and so is built from source.
  if printf '%s\n' "$list" | LC_ALL=C grep -q '[^A-Za-z0-9._/-]'; then
    echo "unlisted-file-names"
    return
  fi
  # One `<sha256>  <path>` line per file, from one sha256sum (or shasum) call, then the
  # SHA-256 of those lines. Git Bash's sha256sum marks files read in binary mode with
  # `*` (`<sha256> *<path>`): the marker is dropped, so every OS lists alike.
  (cd "$dir" && printf '%s\n' "$list" | tr '\n' '\0' | xargs -0 "${sha256_tool[@]}") \
    | sed 's/^\([0-9a-f]\{64\}\) [ *]/\1  /' | sha256
}

checksum_file() {
  local version=$1 assets=$2 source=$3 target name
  printf '# asc-jwt %s: SHA-256 of each release binary (scripts/release.sh)\n' "$version"
  printf '# source-sha256 %s\n' "$(source_digest "$source")"
  for target in $(targets); do
    name=$(asset "$target")
    [ -f "$assets/$name" ] || die "$assets has no $name"
    printf '%s  %s\n' "$(sha256 "$assets/$name")" "$name"
  done
}

check() {
  local version=$1 assets=$2 source=$3 committed expected
  committed="$source/checksums/v$version.sha256"
  [ -f "$committed" ] || die "checksums/v$version.sha256 is not committed"
  expected=$(checksum_file "$version" "$assets" "$source")
  if [ "$expected" != "$(cat "$committed")" ]; then
    # `diff -`, not `diff <(…)`: process substitution is a syntax error in POSIX-mode bash
    # before 5.1 (macOS's bash 3.2 with POSIXLY_CORRECT set), and install.sh runs this file.
    printf '%s\n' "$expected" | diff - "$committed" >&2 || true
    die "the assets or the source differ from checksums/v$version.sha256 (diff above: < built, > committed)"
  fi
  echo "release.sh: the six assets and the source match checksums/v$version.sha256"
}

placeholder=org/asc-jwt-action
names_this_repository() {
  local repository=$1 named
  named=$(sed -n 's|^repository = "https://github.com/\([^"]*\)"$|\1|p' Cargo.toml)
  [ "$named" = "$repository" ] \
    || die "Cargo.toml's repository names \`$named\`, not \`$repository\`: cargo binstall and crates.io would send users there"
  # shellcheck disable=SC2016 # the text to find holds a literal ${…}
  named=$(sed -n 's|^repository=${ASC_JWT_REPOSITORY:-\(.*\)}$|\1|p' scripts/get-asc-jwt.sh)
  [ "$named" = "$repository" ] \
    || die "scripts/get-asc-jwt.sh installs from \`$named\` by default, not \`$repository\`"
  # `cargo publish` is no workflow: Cargo.toml itself stops it while the placeholder is
  # there, and must stop stopping it when the real name comes.
  if grep -q '^publish = false$' Cargo.toml; then
    [ "$named" = "$placeholder" ] \
      || die "Cargo.toml still says \`publish = false\`, which is for the placeholder \`$placeholder\` only: remove it with the placeholder"
  else
    [ "$named" != "$placeholder" ] \
      || die "Cargo.toml names the placeholder \`$placeholder\` without \`publish = false\`: a hand-run cargo publish would send crates.io users there"
  fi
  echo "release.sh: Cargo.toml and get-asc-jwt.sh name $repository"
}

usage() { die "usage: release.sh $1 (see the comment at the top of scripts/release.sh)"; }
command=${1:-}
[ $# = 0 ] || shift
case "$command/$#" in
  targets/0) targets ;;
  asset/1) asset "$1" ;;
  source-digest/1) source_digest "$1" ;;
  source-files/1) source_files "$1" ;;
  checksum-file/3) checksum_file "$@" ;;
  check/3) check "$@" ;;
  names-this-repository/1) names_this_repository "$1" ;;
  *) usage "targets | asset TARGET | source-digest DIR | source-files DIR | checksum-file VERSION ASSETS SOURCE_DIR | check VERSION ASSETS SOURCE_DIR | names-this-repository OWNER/NAME" ;;
esac
