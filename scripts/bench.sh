#!/usr/bin/env bash
# Whole-process cost of one mint, side by side with an empty Rust program and a PyJWT
# one-liner, on this machine, in one run (the machines are shared and noisy: compare
# medians from the same run). Also: instructions (callgrind, repeatable), peak RSS,
# stripped binary size, and a clean release build's wall time.
# Needs: hyperfine, valgrind, GNU time (Debian: hyperfine valgrind time), PyJWT.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== clean release build (cargo build --release --locked, fresh target dir)"
start=$(date +%s%N)
CARGO_TARGET_DIR="$work/target" cargo build --release --locked --quiet
echo "build: $((($(date +%s%N) - start) / 1000000)) ms"
bin="$work/target/release/asc-jwt"
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

export ASC_KEY_ID=TESTKEY123
export ASC_ISSUER_ID=57246542-96fe-1a63-e053-0824d011072a
export ASC_PRIVATE_KEY_PATH=tests/fixtures/test-only-p256.p8
pyjwt='import jwt, time, os; now = int(time.time()); print(jwt.encode({"iss": os.environ["ASC_ISSUER_ID"], "iat": now - 60, "exp": now + 1140, "aud": "appstoreconnect-v1"}, open(os.environ["ASC_PRIVATE_KEY_PATH"]).read(), algorithm="ES256", headers={"kid": os.environ["ASC_KEY_ID"]}))'

echo "== wall time (hyperfine, the three side by side in one run)"
hyperfine --warmup 20 --runs "${RUNS:-300}" -N --export-json "$work/hyperfine.json" \
  -n "empty Rust program" "$empty" \
  -n "asc-jwt" "$bin" \
  -n "PyJWT one-liner" "python3 -c '$pyjwt'" >/dev/null
python3 - "$work/hyperfine.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = results[0]["median"]
for r in results:
    print(f"{r['command']:<20} median {r['median'] * 1000:7.2f} ms  "
          f"min {r['min'] * 1000:7.2f} ms  ({r['median'] / base:.2f}x the empty program)")
PY

echo "== instructions (valgrind --tool=callgrind, whole process)"
for name in empty asc-jwt; do
  target=$([ "$name" = empty ] && echo "$empty" || echo "$bin")
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.$name" "$target" >/dev/null 2>"$work/cg.$name.log"
  echo "$name: $(grep -o 'Collected : [0-9]*' "$work/cg.$name.log" | grep -o '[0-9]*') instructions"
done

echo "== peak RSS (GNU time)"
for name in empty asc-jwt; do
  target=$([ "$name" = empty ] && echo "$empty" || echo "$bin")
  /usr/bin/time -f "$name: %M KiB" "$target" >/dev/null 2>"$work/rss.$name" || true
  tail -n 1 "$work/rss.$name"
done
