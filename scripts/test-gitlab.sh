#!/usr/bin/env bash
# The README's GitLab CI block (between `<!-- gitlab -->` and `<!-- /gitlab -->`), run as
# written by gitlab-ci-local (scripts/package.json pins it) with the shell executor,
# against a release of this tree served on 127.0.0.1. Only the hosts are rewritten:
# GitHub's (the script and the release download) to the rehearsal's server, as
# test-release.sh does for the plain-shell block, and Apple's API host to
# scripts/fake-apple.py, which answers `GET /v1/apps?limit=1` with 200 only for a
# well-formed App Store Connect token signed by the test key. So the pipeline passes only
# if `mint` installs a verified binary and mints, and the later job (`needs: [mint]`)
# receives ASC_TOKEN from mint's dotenv report and Apple's stand-in accepts it (its ES256
# signature by the test key, header, claims and times). Needs rsync (.ci/run installs
# it), node, python3 and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
# shellcheck source=scripts/testing.sh
source scripts/testing.sh
[ ! -x .ci/venv/bin/python ] || PATH="$PWD/.ci/venv/bin:$PATH"

gcl="$repo/scripts/node_modules/.bin/gitlab-ci-local"
[ -x "$gcl" ] || npm ci --silent --no-audit --no-fund --prefix scripts
command -v rsync >/dev/null || { echo "test-gitlab: rsync is missing (gitlab-ci-local's shell executor needs it; .ci/run installs it)" >&2; exit 1; }

block=$(sed -n '/<!-- gitlab -->/,/<!-- \/gitlab -->/p' README.md | sed '/^```/d; /^<!--/d')
[ -n "$block" ] || { echo "test-gitlab: no <!-- gitlab --> block in README.md" >&2; exit 1; }
version=$(sed -n 's/^version = "\([^"]*\)"$/\1/p' Cargo.toml | head -n 1)
expect "the README's GitLab block names version $version" grep -q "v$version/" <<<"$block"

echo "== a release of this tree on 127.0.0.1, laid out as GitHub serves it"
cargo build --release --locked --quiet
srv="$work/srv"
download="$srv/releases/download/v$version"
raw="$srv/raw/v$version"
mkdir -p "$download" "$raw/scripts" "$raw/checksums"
for t in $(bash scripts/release.sh targets); do
  cp target/release/asc-jwt "$download/$(bash scripts/release.sh asset "$t")"
done
bash scripts/release.sh checksum-file "$version" "$download" "$repo" >"$raw/checksums/v$version.sha256"
cp scripts/get-asc-jwt.sh "$raw/scripts/"
serve "$srv"
base=$served_url

fake_port="$work/fake-apple.port"
python3 scripts/fake-apple.py --lifetime 300 --port-file "$fake_port" >"$work/fake-apple.log" 2>&1 &
started_pids+=("$!")
for _ in $(seq 100); do [ -s "$fake_port" ] && break; sleep 0.05; done
[ -s "$fake_port" ] || { echo "test-gitlab: the fake Apple did not start" >&2; exit 1; }
apple="http://127.0.0.1:$(cat "$fake_port")"

# The project gitlab-ci-local runs: a git repository holding the block as .gitlab-ci.yml.
project="$work/project"
mkdir -p "$project"
block=${block//https:\/\/raw.githubusercontent.com\/org\/asc-jwt-action/$base/raw}
block=${block//--proto \'=https\'/--proto \'=http\'}
block=${block//https:\/\/api.appstoreconnect.apple.com/$apple}
printf '%s\n' "$block" >"$project/.gitlab-ci.yml"
git -C "$project" init -q
git -C "$project" add .gitlab-ci.yml
git -C "$project" -c user.name=test -c user.email=test@127.0.0.1 commit -q -m "the README's GitLab block"

echo "== gitlab-ci-local $("$gcl" --version) --force-shell-executor"
key_b64=$(base64 -w0 tests/fixtures/test-only-p256.p8)
log="$work/gitlab.log"
(
  cd "$project"
  env -i PATH="$PATH" HOME="$work/home" \
    "$gcl" --force-shell-executor --no-color --home "$work/home" \
    --variable ASC_KEY_ID=TESTKEY123 \
    --variable ASC_ISSUER_ID=57246542-96fe-1a63-e053-0824d011072a \
    --variable "ASC_PRIVATE_KEY=$key_b64" \
    --variable "ASC_JWT_TEST_RELEASE_URL=$base"
) >"$log" 2>&1 && status=0 || status=$?
sed 's/^/    /' "$log" | grep -v -e "$key_b64" | tail -n 40
expect "gitlab-ci-local ran the pipeline to success" test "$status" = 0
expect "mint installed the release binary only after checking its SHA-256" grep -q 'verified' "$log"
expect "list-apps (needs: [mint]) ran after mint, and Apple's stand-in accepted its bearer" \
  grep -q 'fake-apple: GET /v1/apps -> 200' "$work/fake-apple.log"
expect "the log shows no token and no line of the key" \
  bash -c "! grep -q eyJ '$log' && ! grep -qF -e '$key_b64' '$log'"
summary test-gitlab
