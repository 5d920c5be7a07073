#!/usr/bin/env bash
# Whole-process cost of one mint of every kind of token (one line per `ASC_API` value),
# side by side with an empty Rust program and, for App Store Connect, a PyJWT one-liner,
# on this machine, in one run (the machines are shared and noisy: compare medians from
# the same run). Also: instructions (callgrind, repeatable), peak RSS, stripped binary
# size, and a clean release build's wall time.
# Needs: valgrind, GNU time (Debian: valgrind time), PyJWT; hyperfine (Debian: hyperfine)
# for the wall times, else a shell loop stands in, whose times include bash's fork.
#   RUNS=500 bash scripts/bench.sh
#   BIN=target/release/asc-jwt bash scripts/bench.sh   measure that binary, no clean build
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -n "${BIN:-}" ]; then
  bin=$BIN
  echo "== $bin (BIN: no clean build)"
else
  echo "== clean release build (cargo build --release --locked, fresh target dir)"
  start=$(date +%s%N)
  CARGO_TARGET_DIR="$work/target" cargo build --release --locked --quiet
  echo "build: $((($(date +%s%N) - start) / 1000000)) ms"
  bin="$work/target/release/asc-jwt"
fi
echo "binary: $(stat -c %s "$bin") bytes (stripped by the release profile)"

mkdir -p "$work/empty/src"
cat >"$work/empty/Cargo.toml" <<'TOML'
[package]
name = "empty"
version = "0.0.0"
edition = "2024"
[profile.release]
lto = true
codegen-units = 1
strip = true
panic = "abort"
TOML
echo 'fn main() {}' >"$work/empty/src/main.rs"
cargo build --release --quiet --manifest-path "$work/empty/Cargo.toml" --target-dir "$work/target-empty"
empty="$work/target-empty/release/empty"

# Every kind of token, and the settings that mint it (test-only key and made-up IDs).
kinds=(app-store-connect enterprise app-store-server sign-in-with-apple business-manager
  school-manager apns music weatherkit maps apple-ads devicecheck)
issuer=57246542-96fe-1a63-e053-0824d011072a
uuid=e339d085-a821-438a-a527-d044edacf50a
settings() {
  unset ASC_ISSUER_ID ASC_TEAM_ID ASC_BUNDLE_ID ASC_CLIENT_ID ASC_SERVICE_ID ASC_SCOPE
  export ASC_API=$1 ASC_KEY_ID=TESTKEY123 ASC_PRIVATE_KEY_PATH=tests/fixtures/test-only-p256.p8
  case $1 in
    app-store-connect | enterprise) export ASC_ISSUER_ID=$issuer ;;
    app-store-server) export ASC_ISSUER_ID=$issuer ASC_BUNDLE_ID=com.example.app ;;
    sign-in-with-apple) export ASC_TEAM_ID=ABCDE12345 ASC_CLIENT_ID=com.example.web ;;
    business-manager) export ASC_KEY_ID=$uuid ASC_CLIENT_ID=BUSINESSAPI.$uuid ;;
    school-manager) export ASC_KEY_ID=$uuid ASC_CLIENT_ID=SCHOOLAPI.$uuid ;;
    apns | music | devicecheck) export ASC_TEAM_ID=ABCDE12345 ;;
    weatherkit) export ASC_TEAM_ID=ABCDE12345 ASC_SERVICE_ID=com.example.weatherkit-client ;;
    maps) export ASC_TEAM_ID=ABCDE12345 ASC_SCOPE=server_api ;;
    # The SEC1 file openssl makes, as Apple's page has Apple Ads users make their key.
    apple-ads) export ASC_KEY_ID=$uuid ASC_TEAM_ID=SEARCHADS.$uuid ASC_CLIENT_ID=SEARCHADS.$uuid \
      ASC_PRIVATE_KEY_PATH=tests/fixtures/test-only-p256-sec1.pem ;;
  esac
}
# A kind that does not mint would be timed on its error path: refuse to go on.
for kind in "${kinds[@]}"; do
  settings "$kind"
  "$bin" >/dev/null 2>"$work/check.log" || { echo "bench: $kind does not mint:" >&2; cat "$work/check.log" >&2; exit 1; }
done

pyjwt='import jwt, time, os; now = int(time.time()); print(jwt.encode({"iss": os.environ["ASC_ISSUER_ID"], "iat": now - 60, "exp": now + 1140, "aud": "appstoreconnect-v1"}, open(os.environ["ASC_PRIVATE_KEY_PATH"]).read(), algorithm="ES256", headers={"kid": os.environ["ASC_KEY_ID"]}))'
runs=${RUNS:-300}

# wall NAME: one line per command of one side-by-side run, the empty program first.
wall() {
  local name=$1
  shift
  if command -v hyperfine >/dev/null; then
    # Its warnings about outliers are the shared machine's noise: kept out of the report.
    hyperfine --warmup 20 --runs "$runs" -N --export-json "$work/hyperfine.json" \
      -n "empty Rust program" "$empty" "$@" >/dev/null 2>"$work/hyperfine.err" \
      || { cat "$work/hyperfine.err" >&2; return 1; }
  else
    loop_times "$@" >"$work/hyperfine.json"
  fi
  python3 - "$work/hyperfine.json" "$name" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = results[0]["median"]
for r in results[1:]:
    name = r["command"].replace("asc-jwt", f"asc-jwt {sys.argv[2]}")
    print(f"{name:<30} median {r['median'] * 1000:7.2f} ms  min {r['min'] * 1000:7.2f} ms  "
          f"({r['median'] / base:.2f}x the empty program, {base * 1000:.2f} ms)")
PY
}

# loop_times -n NAME COMMAND...: hyperfine's JSON shape from a shell loop, each command
# timed run by run, the empty program first.
loop_times() {
  local -a names=("empty Rust program") commands=("$empty")
  while [ "$#" -gt 0 ]; do names+=("$2"); commands+=("$3"); shift 3; done
  local i run start
  for i in "${!commands[@]}"; do
    : >"$work/times.$i"
    for run in $(seq "$runs"); do
      # EPOCHREALTIME (bash 5) forks no clock process of its own.
      start=${EPOCHREALTIME/[.,]/}
      eval "${commands[$i]}" >/dev/null 2>&1
      echo "$((${EPOCHREALTIME/[.,]/} - start))" >>"$work/times.$i"
      : "$run"
    done
  done
  python3 - "$work" "${names[@]}" <<'PY'
import json, statistics, sys
work, names = sys.argv[1], sys.argv[2:]
results = []
for i, name in enumerate(names):
    times = [int(t) / 1e6 for t in open(f"{work}/times.{i}")]
    results.append({"command": name, "median": statistics.median(times), "min": min(times)})
print(json.dumps({"results": results}))
PY
}

if command -v hyperfine >/dev/null; then
  echo "== wall time (hyperfine, $runs runs; each kind side by side with the empty program)"
else
  echo "== wall time: hyperfine not found, a shell loop of $runs runs instead (each run includes bash's fork: compare ratios within this run, not with hyperfine's)"
fi
for kind in "${kinds[@]}"; do
  settings "$kind"
  if [ "$kind" = app-store-connect ]; then
    wall "$kind" -n "asc-jwt" "$bin" -n "PyJWT one-liner" "python3 -c '$pyjwt'"
  else
    wall "$kind" -n "asc-jwt" "$bin"
  fi
done

echo "== instructions (valgrind --tool=callgrind, whole process)"
instructions() {
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$1" >/dev/null 2>"$work/cg.log"
  grep -o 'Collected : [0-9]*' "$work/cg.log" | grep -o '[0-9]*'
}
echo "empty: $(instructions "$empty") instructions"
for kind in "${kinds[@]}"; do
  settings "$kind"
  echo "asc-jwt $kind: $(instructions "$bin") instructions"
done

echo "== peak RSS (GNU time)"
rss() {
  /usr/bin/time -f "%M" "$1" >/dev/null 2>"$work/rss" || true
  tail -n 1 "$work/rss"
}
echo "empty: $(rss "$empty") KiB"
for kind in "${kinds[@]}"; do
  settings "$kind"
  echo "asc-jwt $kind: $(rss "$bin") KiB"
done
