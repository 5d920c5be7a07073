#!/usr/bin/env bash
# The release rehearsal, with no GitHub: make a release of this tree exactly as
# release.yml would (asset names, checksum file and source digest by scripts/release.sh),
# serve it on 127.0.0.1, and install it the ways users do:
#   - scripts/install.sh (the action's install step) from the runner's checkout folders
#     _actions/org/asc-jwt-action/{v1, v1.0, v1.0.0, <release commit SHA>} → download;
#     <a later commit that changed a source file> → build; a docs-only commit → download;
#     a tampered asset, the tool cache, bad test URLs, a hostile workspace, …;
#   - the same with act, through `uses: org/asc-jwt-action@v1`;
#   - scripts/get-asc-jwt.sh and the README's plain-shell install, as other CI systems do;
#   - the names `cargo binstall` derives from Cargo.toml.
# Only the host's target can be built here: its binary stands in for all six release
# targets, under their names. Each case gets its own folders, so cases do not depend on
# each other's order. Needs python3 (with PyJWT), act and curl (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
# shellcheck source=scripts/testing.sh
source scripts/testing.sh
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"

version=$(sed -n 's/^version = "\([^"]*\)"$/\1/p' Cargo.toml | head -n 1)
major=v${version%%.*}
minor=v${version%.*}
target=x86_64-unknown-linux-musl # what RUNNER_OS=Linux RUNNER_ARCH=X64 maps to
asset=$(bash scripts/release.sh asset "$target")
ms() { echo $(($(date +%s%N) / 1000000)); }

echo "== release $version: built here, laid out as release.yml lays it out"
cargo build --release --locked --quiet
host_bin="$repo/target/release/asc-jwt"

# The release commit: this tree (tracked and new files), in a repository of its own.
rel="$work/release-repo"
mkdir -p "$rel"
git ls-files -z --cached --others --exclude-standard \
  | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | xargs -0 cp --parents -t "$rel"
rm -f "$rel/checksums/v$version.sha256"
commit() { git -C "$rel" add -A && git -C "$rel" -c user.name=rehearsal -c user.email=rehearsal@127.0.0.1 commit -q -m "$1"; }
git -C "$rel" init -q
commit "release $version source"

# release.yml, build and upload jobs: the six assets and the checksum file.
assets="$work/assets"
mkdir -p "$assets"
for t in $(bash scripts/release.sh targets); do
  cp "$host_bin" "$assets/$(bash scripts/release.sh asset "$t")"
done
bash "$rel/scripts/release.sh" checksum-file "$version" "$assets" "$rel" >"$assets/asc-jwt-$version.sha256"
# The maintainer commits that file, tags the commit; release.yml's publish job checks it.
mkdir -p "$rel/checksums"
cp "$assets/asc-jwt-$version.sha256" "$rel/checksums/v$version.sha256"
commit "checksums for $version"
release_sha=$(git -C "$rel" rev-parse HEAD)
for tag in "v$version" "$minor" "$major"; do git -C "$rel" tag "$tag"; done
expect "release.sh check (the publish job): assets and source match the committed checksum file" \
  bash "$rel/scripts/release.sh" check "$version" "$assets" "$rel"
echo "  checksum file:" && sed 's/^/    /' "$rel/checksums/v$version.sha256"

cp -r "$assets" "$work/assets-tampered"
echo "tampered" >>"$work/assets-tampered/$asset"
tampered_check=$(bash "$rel/scripts/release.sh" check "$version" "$work/assets-tampered" "$rel" 2>&1) && status=0 || status=$?
expect "release.sh check (the publish job) refuses a draft asset that is not the one built" \
  bash -c "[ $status = 1 ] && grep -q 'differ from checksums' <<<'$tampered_check'"
expect "release.sh names-this-repository: Cargo.toml and get-asc-jwt.sh name org/asc-jwt-action" \
  bash "$rel/scripts/release.sh" names-this-repository org/asc-jwt-action
expect "... and a release from any other repository is stopped until they name it" \
  bash -c "! (cd '$rel' && bash scripts/release.sh names-this-repository someone/asc-jwt-action 2>/dev/null)"
# A hand-run cargo publish goes through no workflow: Cargo.toml itself must stop it.
publish_log=$(cd "$rel" && cargo publish --dry-run --locked --allow-dirty 2>&1) && status=0 || status=$?
expect "cargo publish of the crate whose repository names the placeholder fails (publish = false)" \
  bash -c "[ $status != 0 ] && grep -q 'cannot be published' <<<'$publish_log'"
renamed() { # renamed CASE PUBLISH_FALSE(yes/no) REPOSITORY: a copy of the release tree, renamed
  cp -r "$rel" "$work/$1"
  sed -i "s|^repository = \"https://github.com/org/asc-jwt-action\"|repository = \"https://github.com/$3\"|" "$work/$1/Cargo.toml"
  sed -i "s|^repository=\${ASC_JWT_REPOSITORY:-org/asc-jwt-action}|repository=\${ASC_JWT_REPOSITORY:-$3}|" "$work/$1/scripts/get-asc-jwt.sh"
  [ "$2" = yes ] || sed -i '/^publish = false$/d' "$work/$1/Cargo.toml"
  (cd "$work/$1" && bash scripts/release.sh names-this-repository "$3") >"$work/$1.log" 2>&1
}
expect "names-this-repository: the real name with publish = false removed passes" \
  renamed renamed-ok no someone/asc-jwt-action
expect "... the real name with publish = false left in is refused, naming it" \
  bash -c "$(declare -f renamed); rel='$rel' work='$work' renamed renamed-publish-false yes someone/asc-jwt-action; [ \$? = 1 ] && grep -q 'still says .publish = false.' '$work/renamed-publish-false.log'"
expect "... the placeholder without publish = false is refused, naming it" \
  bash -c "$(declare -f renamed); rel='$rel' work='$work' renamed placeholder-published no org/asc-jwt-action; [ \$? = 1 ] && grep -q 'names the placeholder .org/asc-jwt-action. without .publish = false.' '$work/placeholder-published.log'"

# Two later commits: one that changes only the README, one that changes a source file.
echo "<!-- a later docs change -->" >>"$rel/README.md"
commit "docs only"
docs_sha=$(git -C "$rel" rev-parse HEAD)
echo "// a later source change" >>"$rel/src/main.rs"
commit "a source change"
later_sha=$(git -C "$rel" rev-parse HEAD)
later_check=$(bash "$rel/scripts/release.sh" check "$version" "$assets" "$rel" 2>&1) && status=0 || status=$?
expect "release.sh check refuses to publish a tree whose source is not the one built" \
  bash -c "[ $status = 1 ] && grep -q 'differ from checksums' <<<'$later_check'"

# The server: GitHub's release downloads and the repository's raw files, plus two broken
# releases (a tampered asset, a missing one) under their own prefixes.
srv="$work/srv"
mkdir -p "$srv/good/releases/download/v$version" "$srv/good/raw/v$version/checksums" \
  "$srv/tampered/releases/download/v$version" "$srv/missing/releases/download/v$version"
cp "$assets"/* "$srv/good/releases/download/v$version/"
git -C "$rel" archive "v$version" | tar -x -C "$srv/good/raw/v$version"
printf '#!/bin/sh\ntouch %s\n' "$work/tampered-ran" >"$srv/tampered/releases/download/v$version/$asset"
serve "$srv"
base=$served_url

# The action as the runner checks it out: _actions/<owner>/<name>/<ref>.
actions="$work/_actions/org/asc-jwt-action"
checkout() {
  mkdir -p "$actions/$2"
  git -C "$rel" archive "$1" | tar -x -C "$actions/$2"
}
for ref in "$major" "$minor" "v$version"; do checkout "$ref" "$ref"; done
checkout "$release_sha" "$release_sha"
checkout "$docs_sha" "$docs_sha"
checkout "$later_sha" "$later_sha"

# Stand-ins that record their arguments: a cargo (build decisions without a build) and a
# curl (URL decisions without any connection).
mkdir -p "$work/fake-cargo" "$work/fake-curl"
# (install.sh builds under `env -i`, so the cargo stand-in cannot be told where to log:
# it logs beside its target folder, in the case's RUNNER_TEMP.)
cat >"$work/fake-cargo/cargo" <<'SH'
#!/usr/bin/env bash
args="$*"
dir=""
while [ $# -gt 0 ]; do [ "$1" = --target-dir ] && dir=$2; shift; done
mkdir -p "$dir/release"
echo "$PWD: $args" >>"$dir/../../cargo.log"
env | grep -E '^(DEVELOPER_DIR|SDKROOT|COMMONPROGRAMFILES|CommonProgramW6432)=' >>"$dir/../../cargo.log"
for exe in asc-jwt asc-jwt.exe; do
  printf '#!/bin/sh\necho built-by-fake-cargo\n' >"$dir/release/$exe" && chmod +x "$dir/release/$exe"
done
SH
cat >"$work/fake-curl/curl" <<'SH'
#!/usr/bin/env bash
echo "$*" >>"$FAKE_LOG"
exit 7
SH
chmod +x "$work/fake-cargo/cargo" "$work/fake-curl/curl"
fake_cargo="$work/fake-cargo:$PATH"
stand_in() { cat >"$1" && chmod +x "$1"; } # stand_in FILE <<'SH' (a script) SH
fake_both="$work/fake-curl:$work/fake-cargo:$PATH"

# install CASE ACTION_DIR [VAR=VALUE…]: install.sh as action.yml runs it, in a runner-like
# environment with the case's own temp, tool cache, output file and workspace. Sets
# `status` to its exit status and returns 0, so a case that fails is reported, not fatal.
install() {
  local case=$1 action=$2
  shift 2
  mkdir -p "$work/$case/temp" "$work/$case/workspace"
  : >"$work/$case/github_output"
  : >"$work/$case/fake.log"
  (
    cd "$work/$case/workspace"
    env -i PATH="$PATH" HOME="$HOME" RUSTUP_HOME="$RUSTUP_HOME" CARGO_HOME="$CARGO_HOME" \
      RUNNER_OS=Linux RUNNER_ARCH=X64 GITHUB_ACTION_PATH="$action" \
      GITHUB_WORKSPACE="$work/$case/workspace" RUNNER_TEMP="$work/$case/temp" \
      RUNNER_TOOL_CACHE="${TOOL_CACHE:-$work/$case/tool-cache}" \
      GITHUB_OUTPUT="$work/$case/github_output" ASC_JWT_ACTION_REPOSITORY=org/asc-jwt-action \
      ASC_JWT_TEST_RELEASE_URL="$base/good" FAKE_LOG="$work/$case/fake.log" "$@" \
      bash "$action/scripts/install.sh"
  ) >"$work/$case/log" 2>&1 && status=0 || status=$?
}
installed() { sed -n 's/^path=//p' "$work/$1/github_output"; }
log_has() { grep -qF -- "$2" "$work/$1/log"; }
runs_release() { # the installed binary is the release's, a private copy in the case's temp
  local bin
  bin=$(installed "$1")
  case "$bin" in "$work/$1/temp/"*) ;; *) return 1 ;; esac
  [ "$("$bin" --version)" = "asc-jwt $version" ]
}
copy_action() { # copy_action CASE REF: a checkout of the case's own, to edit
  cp -r "$actions/$2" "$work/$1-action"
  echo "$work/$1-action"
}

echo "== install.sh: every ref of the release downloads and verifies"
for ref in "$major" "$minor" "v$version" "$release_sha"; do
  install "ref-$ref" "$actions/$ref"
  expect "_actions/org/asc-jwt-action/$ref: downloaded, verified, run from a private copy" \
    bash -c "grep -q 'downloaded and verified' '$work/ref-$ref/log' && $(declare -f installed runs_release); work='$work' version='$version' runs_release 'ref-$ref'"
done
install docs "$actions/$docs_sha"
expect "a later commit that changed only the README ($docs_sha): still the release binary" \
  log_has docs "downloaded and verified"

# Git Bash's sha256sum writes `<hash> *<path>`: the source digest must not change for it.
mkdir -p "$work/msys-tools"
printf '#!/usr/bin/env bash\n%s "$@" | sed "s/^\\([0-9a-f]\\{64\\}\\)  /\\1 */"\n' "$(command -v sha256sum)" \
  >"$work/msys-tools/sha256sum"
chmod +x "$work/msys-tools/sha256sum"
install msys "$actions/$major" PATH="$work/msys-tools:$PATH"
expect "with Git Bash's sha256sum (\`<hash> *<path>\`): the same source digest, so the release binary" \
  bash -c "[ \"\$('$work/msys-tools/sha256sum' Cargo.toml | cut -c65-66)\" = ' *' ] && grep -q 'downloaded and verified' '$work/msys/log'"
# macOS's `arch -x86_64 CMD` runs CMD under Rosetta, and fails where Rosetta is not installed.
mkdir -p "$work/rosetta-yes" "$work/rosetta-no"
stand_in "$work/rosetta-yes/arch" <<'SH'
#!/bin/sh
[ "$1" = -x86_64 ] && [ "$2" = /usr/bin/true ]
SH
stand_in "$work/rosetta-no/arch" <<'SH'
#!/bin/sh
echo "arch: posix_spawnp: $2: Bad CPU type in executable" >&2
exit 1
SH
action=$(copy_action rosetta "v$version")
sed -i "/ asc-jwt-aarch64-apple-darwin\$/d" "$action/checksums/v$version.sha256"
install rosetta "$action" RUNNER_OS=macOS RUNNER_ARCH=ARM64 PATH="$work/rosetta-yes:$PATH"
expect "an arm64 Mac with no arm64 build in the release: the x86_64 build (Rosetta), verified, with a warning" \
  bash -c "grep -q 'no arm64 macOS build' '$work/rosetta/log' && grep -q 'asc-jwt-x86_64-apple-darwin' '$work/rosetta/log' && grep -q 'downloaded and verified' '$work/rosetta/log'"
install no-rosetta "$action" RUNNER_OS=macOS RUNNER_ARCH=ARM64 PATH="$work/rosetta-no:$fake_cargo"
expect "... and without Rosetta (arch -x86_64 fails): built, never an x86_64 binary that cannot run" \
  bash -c "[ $status = 0 ] && grep -q 'building from source: release $version has no arm64 macOS build and Rosetta is not installed' '$work/no-rosetta/log' && ! grep -q downloading '$work/no-rosetta/log'"

echo "== install.sh: a source that is not the release's is built"
install later "$actions/$later_sha" PATH="$fake_cargo"
expect "a later commit with a changed source file ($later_sha): built, not downloaded" \
  bash -c "grep -q \"building from source: the action's source differs from the source release $version was built from\" '$work/later/log' && ! grep -q downloading '$work/later/log' && grep -q -- '--release --locked' '$work/later/temp/cargo.log'"
action=$(copy_action wrong-digest "v$version")
sed -i "s/^# source-sha256 .*/# source-sha256 $(printf '0%.0s' $(seq 64))/" "$action/checksums/v$version.sha256"
install wrong-digest "$action" PATH="$fake_cargo"
expect "a checksum file whose source digest is not the tree's: built" \
  bash -c "grep -q 'differs from the source release' '$work/wrong-digest/log' && ! grep -q downloading '$work/wrong-digest/log'"
action=$(copy_action no-sums "v$version")
rm "$action/checksums/v$version.sha256"
install no-sums "$action" PATH="$fake_cargo"
expect "a version with no checksum file: built" \
  log_has no-sums "building from source: version $version has no release"
action=$(copy_action unlisted "v$version")
sed -i "/ $asset\$/d" "$action/checksums/v$version.sha256"
install unlisted "$action" PATH="$fake_cargo"
expect "a checksum file without this runner's target: built, never an unverified download" \
  bash -c "grep -q 'lists no binary for $target' '$work/unlisted/log' && ! grep -q downloading '$work/unlisted/log'"
install from-source "$actions/$major" PATH="$fake_cargo" ASC_JWT_FROM_SOURCE=true
expect "from-source: true builds even a release" log_has from-source "building from source: the input from-source is true"
install missing "$actions/$major" PATH="$fake_cargo" ASC_JWT_TEST_RELEASE_URL="$base/missing"
expect "a release whose asset cannot be downloaded: built" \
  bash -c "grep -q 'building from source: the release download failed' '$work/missing/log' && [ \"\$(\$(sed -n 's/^path=//p' '$work/missing/github_output'))\" = built-by-fake-cargo ]"

echo "== install.sh: the edge cases of each runner, with stand-ins for its tools"
# A build called after `||` runs with `set -e` off: a failed copy of the built binary must
# still stop the step, with no path output.
mkdir -p "$work/failing-cp"
stand_in "$work/failing-cp/cp" <<SH
#!/bin/sh
case "\$1" in */target/release/asc-jwt*) echo "cp: cannot create regular file: No space left on device" >&2; exit 1 ;; esac
exec $(command -v cp) "\$@"
SH
action=$(copy_action failing-cp "v$version")
sed -i "/^# source-sha256 /d" "$action/checksums/v$version.sha256"
install failing-cp "$action" PATH="$work/failing-cp:$fake_cargo"
expect "a build (after \`||\`) whose binary cannot be copied: exit 1, an ::error::, no path output" \
  bash -c "[ $status = 1 ] && grep -q '::error title=asc-jwt::could not copy the built binary' '$work/failing-cp/log' && [ ! -s '$work/failing-cp/github_output' ]"

# The Xcode a macOS workflow chose, and Windows' common program folders, reach the build.
install macos-env "$actions/$major" PATH="$fake_cargo" RUNNER_OS=macOS RUNNER_ARCH=ARM64 ASC_JWT_FROM_SOURCE=true \
  DEVELOPER_DIR=/Applications/Xcode_16.4.app/Contents/Developer SDKROOT=/Applications/Xcode_16.4.app/SDKs/MacOSX.sdk
expect "macOS: the build keeps DEVELOPER_DIR and SDKROOT" \
  bash -c "grep -qx 'DEVELOPER_DIR=/Applications/Xcode_16.4.app/Contents/Developer' '$work/macos-env/temp/cargo.log' && grep -qx 'SDKROOT=/Applications/Xcode_16.4.app/SDKs/MacOSX.sdk' '$work/macos-env/temp/cargo.log'"
# Git Bash on Windows: cygpath, and the names as MSYS passes them on.
mkdir -p "$work/git-bash" "$work/windows/Windows"
stand_in "$work/git-bash/cygpath" <<'SH'
#!/bin/sh
[ "$1" = -u ] && printf '%s\n' "$2"
SH
windows=(RUNNER_OS=Windows RUNNER_ARCH=X64 SYSTEMROOT="$work/windows/Windows")
install windows-env "$actions/$major" PATH="$work/git-bash:$fake_cargo" "${windows[@]}" ASC_JWT_FROM_SOURCE=true \
  COMMONPROGRAMFILES='C:\Program Files\Common Files' CommonProgramW6432='C:\Program Files\Common Files'
expect "Windows: the build keeps COMMONPROGRAMFILES and CommonProgramW6432, and runs asc-jwt.exe" \
  bash -c "grep -qx 'COMMONPROGRAMFILES=C:.Program Files.Common Files' '$work/windows-env/temp/cargo.log' && grep -qx 'CommonProgramW6432=C:.Program Files.Common Files' '$work/windows-env/temp/cargo.log' && grep -q 'asc-jwt.exe\$' '$work/windows-env/github_output'"
mkdir -p "$work/windows/.cargo"
printf '[build]\nrustflags = ["--cfg", "planted"]\n' >"$work/windows/.cargo/config.toml"
install windows-planted "$actions/$major" PATH="$work/git-bash:$fake_cargo" "${windows[@]}" ASC_JWT_FROM_SOURCE=true
expect "Windows: a .cargo/config.toml above the folder cargo runs in stops the build, naming it" \
  bash -c "[ $status = 1 ] && grep -q \"cannot build from source safely: cargo would read \\\`$work/windows/.cargo/config.toml\\\`\" '$work/windows-planted/log' && [ ! -s '$work/windows-planted/temp/cargo.log' ]"
rm -r "$work/windows/.cargo"

# Git Bash shows every folder as 0755: the tool cache is used on GitHub-hosted runners only.
for environment in self-hosted github-hosted; do
  for use in first second; do
    install "windows-$environment-$use" "$actions/$major" PATH="$work/git-bash:$PATH" "${windows[@]}" \
      RUNNER_ENVIRONMENT="$environment" RUNNER_TOOL_CACHE="$work/windows-$environment-cache"
  done
done
expect "Windows, self-hosted: the tool cache is neither read nor written (downloaded both times, the cache empty)" \
  bash -c "grep -q 'downloaded and verified' '$work/windows-self-hosted-second/log' && grep -q 'the tool cache is not used' '$work/windows-self-hosted-second/log' && [ -z \"\$(find '$work/windows-self-hosted-cache' -type f 2>/dev/null)\" ]"
expect "Windows, GitHub-hosted: the second use comes from the tool cache" \
  bash -c "grep -q 'copied from the tool cache and verified' '$work/windows-github-hosted-second/log' && grep -q 'asc-jwt.exe\$' '$work/windows-github-hosted-second/github_output'"

# macOS's bash 3.2 (also in POSIX mode, as POSIXLY_CORRECT in a job's env makes it) and
# bash --posix run install.sh and release.sh: a `bash` on PATH that is each of them.
bash32=${ASC_JWT_BASH32:-$repo/../shared/tools/bash-3.2}
shells=("posix-bash:$BASH --posix")
if "$bash32" -c 'exit 0' 2>/dev/null; then
  shells+=("bash-3.2:$bash32" "bash-3.2-posix:$bash32")
else
  echo "  skipped: the bash 3.2 cases (no runnable bash 3.2 at $bash32; set ASC_JWT_BASH32)"
fi
for entry in "${shells[@]}"; do
  name=${entry%%:*}
  mkdir -p "$work/$name-shell"
  printf '#!/bin/sh\nexec %s "$@"\n' "${entry#*:}" >"$work/$name-shell/bash"
  chmod +x "$work/$name-shell/bash"
  posix=()
  case "$name" in *posix*) posix=(POSIXLY_CORRECT=1) ;; esac
  install "$name" "$actions/$major" PATH="$work/$name-shell:$fake_cargo" "${posix[@]+"${posix[@]}"}"
  expect "$name: install.sh and release.sh run, and the release is downloaded and verified" \
    bash -c "[ $status = 0 ] && grep -q 'downloaded and verified' '$work/$name/log' && ! grep -q 'building from source' '$work/$name/log'"
  case "$name" in
    bash-3.2*)
      expect "$name: no EPOCHREALTIME, so no timing rather than whole seconds as ms" \
        bash -c "grep -q 'downloaded and verified (SHA-256 by sha256sum); running [^ ]*\$' '$work/$name/log'" ;;
    *)
      expect "$name: the timing in milliseconds" \
        bash -c "grep -qE 'downloaded and verified \(SHA-256 by sha256sum\); running [^ ]+ \([0-9]+ ms\)\$' '$work/$name/log'" ;;
  esac
done

echo "== install.sh: a tampered asset is refused"
install tampered "$actions/$major" ASC_JWT_TEST_RELEASE_URL="$base/tampered"
expect "a tampered asset: exit 1, an ::error:: naming the mismatch" \
  bash -c "[ $status = 1 ] && grep -q '::error title=asc-jwt::the downloaded $asset does not match checksums/v$version.sha256' '$work/tampered/log'"
expect "... never run, never cached, no path output" \
  bash -c "[ ! -e '$work/tampered-ran' ] && [ -z \"\$(find '$work/tampered/tool-cache' -type f 2>/dev/null)\" ] && [ ! -s '$work/tampered/github_output' ]"

echo "== install.sh: the tool cache saves the download but is never what runs"
export TOOL_CACHE="$work/shared-tool-cache"
start=$(ms)
install cold "$actions/$major"
cold_ms=$(($(ms) - start))
start=$(ms)
install warm "$actions/$major"
warm_ms=$(($(ms) - start))
expect "second use: copied from the tool cache and verified, no download" \
  bash -c "grep -q 'copied from the tool cache and verified' '$work/warm/log' && ! grep -q downloading '$work/warm/log'"
# Another job on a self-hosted runner swaps every cached file after the check.
printf '#!/bin/sh\ntouch %s\n' "$work/swapped-ran" >"$work/swapped"
find "$TOOL_CACHE" -type f -exec cp "$work/swapped" {} \;
expect "... (the swap found a cached file to replace)" \
  bash -c "[ -n \"\$(find '$TOOL_CACHE' -type f)\" ]"
expect "a cache entry swapped after the check changes nothing: the step runs its private copy" \
  bash -c "[ \"\$('$(installed warm)' --version)\" = 'asc-jwt $version' ] && [ ! -e '$work/swapped-ran' ]"
install recache "$actions/$major"
expect "the swapped entry is detected on the next use and downloaded again" \
  bash -c "grep -q 'does not match checksums' '$work/recache/log' && grep -q 'downloaded and verified' '$work/recache/log' && [ ! -e '$work/swapped-ran' ]"
unset TOOL_CACHE

mkdir -p "$work/open-cache/asc-jwt/$version/$target"
cp "$host_bin" "$work/open-cache/asc-jwt/$version/$target/$asset"
chmod 0777 "$work/open-cache/asc-jwt"
install open-cache "$actions/$major" RUNNER_TOOL_CACHE="$work/open-cache"
expect "a tool-cache folder others can write in is neither read nor written: downloaded" \
  bash -c "grep -q 'not a private, regular file' '$work/open-cache/log' && grep -q 'downloaded and verified' '$work/open-cache/log'"

echo "== install.sh: the test-only release URL is loopback and nothing else"
for url in "http://127.0.0.1:1@192.0.2.2:18090" "https://example.com" "http://localhost:8080" \
  "http://127.0.0.1:8080/x?y=1" "http://127.0.0.1:8080#x" "http://127.0.0.1.example.com:80" \
  "http://127.0.0.1:80 http://192.0.2.2"; do
  install bad-url "$actions/$major" PATH="$fake_both" ASC_JWT_TEST_RELEASE_URL="$url"
  expect "refused without a connection: $url" \
    bash -c "[ $status = 1 ] && grep -q 'ASC_JWT_TEST_RELEASE_URL is for tests only' '$work/bad-url/log' && [ ! -s '$work/bad-url/fake.log' ]"
  rm -rf "$work/bad-url"
done
install ipv6-url "$actions/$major" PATH="$fake_both" ASC_JWT_TEST_RELEASE_URL="http://[::1]:9/r"
expect "http://[::1]:PORT/path is accepted, fetched with no proxy and no redirect" \
  bash -c "grep -q -- \"--noproxy \\* --max-redirs 0 .*http://\\[::1\\]:9/r/releases/download/v$version/$asset\" '$work/ipv6-url/fake.log'"

echo "== install.sh: from the runner's folder alone, the download goes to GitHub over HTTPS"
install layout "$actions/$major" PATH="$fake_both" ASC_JWT_TEST_RELEASE_URL= ASC_JWT_ACTION_REPOSITORY=
expect "the repository is read from _actions/org/asc-jwt-action/$major" \
  bash -c "grep -q -- \"--proto =https --proto-redir =https .*https://github.com/org/asc-jwt-action/releases/download/v$version/$asset\" '$work/layout/fake.log'"

echo "== install.sh: a hostile workspace has no effect on the build (a real build)"
mkdir -p "$work/hostile/workspace/.cargo"
marker="$work/hostile-ran"
printf '#!/bin/sh\ntouch %s\nexec "$@"\n' "$marker" >"$work/hostile/wrapper"
chmod +x "$work/hostile/wrapper"
printf '[build]\nrustc-wrapper = "%s"\n' "$work/hostile/wrapper" >"$work/hostile/workspace/.cargo/config.toml"
printf '[toolchain]\nchannel = "no-such-toolchain"\n' >"$work/hostile/workspace/rust-toolchain.toml"
# gcc runs the `as` and `ld` it finds on COMPILER_PATH first.
mkdir -p "$work/hostile/tools"
for tool in as ld; do
  printf '#!/bin/sh\ntouch %s\nexec %s "$@"\n' "$marker" "$(command -v "$tool")" >"$work/hostile/tools/$tool"
  chmod +x "$work/hostile/tools/$tool"
done
# Earlier steps can write above the action's folder and in RUNNER_TEMP: a cargo
# configuration and a workspace planted there must not reach the build either.
planted="$work/planted-ran"
printf '#!/bin/sh\ntouch %s\nexec "$@"\n' "$planted" >"$work/hostile/planted-wrapper"
chmod +x "$work/hostile/planted-wrapper"
for dir in "$work/_actions/org" "$work/hostile" "$work/hostile/temp"; do
  mkdir -p "$dir/.cargo"
  printf '[build]\nrustc-wrapper = "%s"\n' "$work/hostile/planted-wrapper" >"$dir/.cargo/config.toml"
  printf '[workspace]\nmembers = ["*", "*/*"]\n[profile.release]\nopt-level = "planted"\n' >"$dir/Cargo.toml"
done
start=$(ms)
install hostile "$actions/$later_sha" RUSTC_WRAPPER="$work/hostile/wrapper" \
  CARGO_BUILD_RUSTC_WRAPPER="$work/hostile/wrapper" RUSTUP_TOOLCHAIN=no-such-toolchain \
  RUSTFLAGS="--cfg planted" CC="$work/hostile/wrapper" CC_x86_64-unknown-linux-gnu="$work/hostile/wrapper" \
  CFLAGS="-B$work/hostile/tools" COMPILER_PATH="$work/hostile/tools"
build_ms=$(($(ms) - start))
expect "a real build: the workspace's .cargo/config.toml and rust-toolchain.toml, and RUSTC_WRAPPER, RUSTUP_TOOLCHAIN, RUSTFLAGS, CC, CC_<target>, CFLAGS, COMPILER_PATH, all ignored" \
  bash -c "[ $status = 0 ] && [ ! -e '$marker' ] && [ \"\$('$(installed hostile)' --version)\" = 'asc-jwt $version' ]"
expect "built from a private copy: a .cargo/config.toml and a workspace Cargo.toml above the action's folder, above RUNNER_TEMP and in it, all without effect" \
  bash -c "[ $status = 0 ] && [ ! -e '$planted' ]"
[ "$status" = 0 ] || tail -n 20 "$work/hostile/log"
for dir in "$work/_actions/org" "$work/hostile" "$work/hostile/temp"; do rm -r "$dir/.cargo" "$dir/Cargo.toml"; done

echo "== act: uses: org/asc-jwt-action@$major, the rehearsal's checkout standing in for GitHub's"
mkdir -p "$work/act-repo/.github/workflows"
cat >"$work/act-repo/.github/workflows/rehearsal.yml" <<EOF
on: push
jobs:
  rehearsal:
    runs-on: ubuntu-latest
    steps:
      - id: jwt
        uses: org/asc-jwt-action@$major
        with:
          key-id: TESTKEY123
          issuer-id: 57246542-96fe-1a63-e053-0824d011072a
          private-key-path: $repo/tests/fixtures/test-only-p256.p8
      - env:
          TOKEN: \${{ steps.jwt.outputs.token }}
        run: python3 "$repo/scripts/verify-token.py" "$repo/tests/fixtures/test-only-p256.pub.pem" <<<"\$TOKEN"
EOF
git -C "$work/act-repo" init -q
act_log="$work/act.log"
if (cd "$work/act-repo" && HOME="$work/act-home" act -W .github/workflows/rehearsal.yml \
  -P ubuntu-latest=-self-hosted --no-cache-server \
  --local-repository "org/asc-jwt-action@$major=$actions/$major" \
  --env ASC_JWT_TEST_RELEASE_URL="$base/good" >"$act_log" 2>&1); then
  status=0
else
  status=$?
fi
expect "act: the action downloaded and verified release $version, and PyJWT verified its token" \
  bash -c "[ $status = 0 ] && grep -q 'downloaded and verified' '$act_log' && grep -q 'PyJWT: signature valid' '$act_log'"
grep -E "asc-jwt: |PyJWT" "$act_log" | sed 's/^/    /'
grep -v -e '-----' tests/fixtures/test-only-p256.p8 >"$work/key-lines"
expect "act: the log shows no token and no line of the key" \
  bash -c "! grep -q eyJ '$act_log' && ! grep -qF -f '$work/key-lines' '$act_log'"
[ "$status" = 0 ] || tail -n 30 "$act_log"

echo "== other CI systems: get-asc-jwt.sh and the README's plain-shell install"
get() { # get CASE URL_PREFIX VERSION [VAR=VALUE…]: get-asc-jwt.sh run by a POSIX sh (GET_SH,
  # default sh; `busybox sh`), into the case's bin/; sets status
  local shell
  read -r -a shell <<<"${GET_SH:-sh}"
  mkdir -p "$work/$1"
  env -i PATH="$PATH" HOME="$work/$1" ASC_JWT_TEST_RELEASE_URL="$base/$2" "${@:4}" \
    "${shell[@]}" scripts/get-asc-jwt.sh "$3" "$work/$1/bin" >"$work/$1/log" 2>&1 && status=0 || status=$?
}
get get-good good "$version"
expect "get-asc-jwt.sh $version: installs the verified binary" \
  bash -c "[ $status = 0 ] && [ \"\$('$work/get-good/bin/asc-jwt' --version)\" = 'asc-jwt $version' ] && grep -q verified '$work/get-good/log'"
mkdir -p "$srv/tampered/raw"
cp -r "$srv/good/raw/v$version" "$srv/tampered/raw/"
get get-tampered tampered "$version"
expect "get-asc-jwt.sh with a tampered asset: fails, installs nothing, runs nothing" \
  bash -c "[ $status = 1 ] && grep -q 'does not match' '$work/get-tampered/log' && [ ! -e '$work/get-tampered/bin/asc-jwt' ] && [ ! -e '$work/tampered-ran' ]"
mkdir -p "$work/get-multiline"
env -i PATH="$work/fake-curl:$PATH" HOME="$work/get-multiline" FAKE_LOG="$work/get-multiline/fake.log" \
  ASC_JWT_TEST_RELEASE_URL="http://127.0.0.1:1"$'\n'"http://192.0.2.2:9" \
  sh scripts/get-asc-jwt.sh "$version" "$work/get-multiline/bin" >"$work/get-multiline/log" 2>&1 && status=0 || status=$?
expect "get-asc-jwt.sh refuses a test URL of two lines, one of them loopback, before any connection" \
  bash -c "[ $status = 1 ] && grep -q 'for tests only' '$work/get-multiline/log' && [ ! -s '$work/get-multiline/fake.log' ]"
get get-unknown good 9.9.9
expect "get-asc-jwt.sh with a version that has no release: fails, installs nothing" \
  bash -c "[ $status = 1 ] && [ ! -e '$work/get-unknown/bin/asc-jwt' ]"

# What `uname` and `sysctl` say on Git Bash on Windows on Arm (x64 emulation), in a shell
# under Rosetta on an Apple Silicon Mac, and on their x64 twins.
machine() { # machine NAME UNAME_S UNAME_M PROC_TRANSLATED: stand-ins for uname and sysctl
  mkdir -p "$work/machines/$1"
  stand_in "$work/machines/$1/uname" <<SH
#!/bin/sh
case "\$1" in -s) echo $2 ;; -m) echo $3 ;; esac
SH
  if [ -n "$4" ]; then
    stand_in "$work/machines/$1/sysctl" <<SH
#!/bin/sh
[ "\$1 \$2" = "-n sysctl.proc_translated" ] && echo $4
SH
  else
    stand_in "$work/machines/$1/sysctl" <<'SH'
#!/bin/sh
echo "sysctl: unknown oid $2" >&2
exit 1
SH
  fi
}
machine windows-on-arm MINGW64_NT-10.0-26100 x86_64 ""
machine windows-x64 MINGW64_NT-10.0-26100 x86_64 ""
machine rosetta Darwin x86_64 1
machine intel-mac Darwin x86_64 0
machine intel-mac-old Darwin x86_64 ""
for case in "windows-on-arm:aarch64-pc-windows-msvc.exe:ARMv8 (64-bit) Family 8 Model 1 Revision 201, Qualcomm Technologies Inc" \
  "windows-x64:x86_64-pc-windows-msvc.exe:Intel64 Family 6 Model 85 Stepping 7, GenuineIntel" \
  "rosetta:aarch64-apple-darwin:" "intel-mac:x86_64-apple-darwin:" "intel-mac-old:x86_64-apple-darwin:"; do
  name=${case%%:*}
  rest=${case#*:}
  wanted=asc-jwt-${rest%%:*}
  get "get-$name" good "$version" PATH="$work/machines/$name:$PATH" PROCESSOR_ARCHITECTURE=AMD64 \
    PROCESSOR_IDENTIFIER="${rest#*:}"
  expect "get-asc-jwt.sh on $name: installs $wanted, verified" \
    bash -c "[ $status = 0 ] && grep -q 'installed .*($wanted, SHA-256 [0-9a-f]*, verified)' '$work/get-$name/log'"
done

# An Alpine or BusyBox image: BusyBox's sh and tools, with curl or without.
expect "busybox is installed (.ci/run installs it)" command -v busybox
mkdir -p "$work/busybox" "$work/curl-only"
busybox --install -s "$work/busybox"
ln -s "$(command -v curl)" "$work/curl-only/curl"
GET_SH="$(command -v busybox) sh" get get-busybox-no-curl good "$version" PATH="$work/busybox"
expect "get-asc-jwt.sh in BusyBox without curl: fails first with \"curl is required\"" \
  bash -c "[ $status = 1 ] && grep -q 'get-asc-jwt: curl is required' '$work/get-busybox-no-curl/log' && [ ! -e '$work/get-busybox-no-curl/bin/asc-jwt' ]"
GET_SH="$(command -v busybox) sh" get get-busybox good "$version" PATH="$work/busybox:$work/curl-only"
expect "get-asc-jwt.sh in BusyBox with curl: BusyBox's sha256sum, mktemp and awk install the verified binary" \
  bash -c "[ $status = 0 ] && [ \"\$('$work/get-busybox/bin/asc-jwt' --version)\" = 'asc-jwt $version' ]"

# The README's block as a user pastes it, with GitHub's hosts pointed at the rehearsal.
block=$(sed -n '/<!-- install-shell -->/,/<!-- \/install-shell -->/p' README.md | sed '/^```/d; /^<!--/d')
[ -n "$block" ] || block="false # no install-shell block in README.md"
block=${block//https:\/\/raw.githubusercontent.com\/org\/asc-jwt-action/$base/good/raw}
block=${block//--proto \'=https\'/--proto \'=http\'}
mkdir -p "$work/readme-user"
(
  cd "$work/readme-user"
  env -i PATH="/usr/local/bin:/usr/bin:/bin" HOME="$work/readme-user" \
    ASC_JWT_TEST_RELEASE_URL="$base/good" sh -euc "$block
      ASC_KEY_ID=TESTKEY123 ASC_ISSUER_ID=57246542-96fe-1a63-e053-0824d011072a \
        ASC_PRIVATE_KEY_PATH='$repo/tests/fixtures/test-only-p256.p8' asc-jwt >token"
) >"$work/readme-user.log" 2>&1 && status=0 || status=$?
expect "the README's plain-shell install ends with a verified asc-jwt on PATH that mints a token PyJWT accepts" \
  bash -c "[ $status = 0 ] && python3 scripts/verify-token.py tests/fixtures/test-only-p256.pub.pem <'$work/readme-user/token'"
[ "$status" = 0 ] || tail -n 20 "$work/readme-user.log"
expect "the README's install block names version $version" \
  bash -c "sed -n '/<!-- install-shell -->/,/<!-- \/install-shell -->/p' README.md | grep -q 'v$version/'"

echo "== cargo binstall: the URL it derives from Cargo.toml is the release's asset, for every target"
binstall_mismatches=0
binstall_count=0
for t in $(bash scripts/release.sh targets); do
  ext=""
  case "$t" in *-windows-*) ext=.exe ;; esac
  url=$(python3 -c '
import sys, tomllib
p = tomllib.load(open("Cargo.toml", "rb"))["package"]
t = p["metadata"]["binstall"]["pkg-url"]
for k, v in {"repo": p["repository"], "version": p["version"], "target": sys.argv[1], "binary-ext": sys.argv[2]}.items():
    t = t.replace("{ " + k + " }", v)
print(t)' "$t" "$ext")
  binstall_count=$((binstall_count + 1))
  if [ "$url" != "https://github.com/org/asc-jwt-action/releases/download/v$version/$(bash scripts/release.sh asset "$t")" ]; then
    binstall_mismatches=$((binstall_mismatches + 1))
    echo "    binstall would fetch $url for $t"
  fi
done
expect "binstall's URLs are release.sh's asset names under the repository's release v$version, for all six targets" \
  test "$binstall_count" = 6 -a "$binstall_mismatches" = 0

echo "== timings of the install step (release served from 127.0.0.1)"
echo "  cold (empty tool cache: download, verify, private copy): ${cold_ms} ms"
echo "  warm (tool cache: private copy, verify): ${warm_ms} ms"
echo "  build from source (fresh target folder, hostile workspace): ${build_ms} ms"

summary test-release
