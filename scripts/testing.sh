# Sourced by the test scripts (test-act.sh, test-release.sh): counters, `expect`, a work
# folder removed on exit, and background processes stopped by the PIDs this script started.
# shellcheck shell=bash

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "  ok: $*"; }
not_ok() { fail=$((fail + 1)); echo "  FAILED: $*"; }
# expect DESCRIPTION COMMAND...: the command must succeed.
expect() {
  local what=$1
  shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}
# summary NAME: the closing line, and the exit status.
summary() {
  echo "$1: $pass passed, $fail failed"
  [ "$fail" = 0 ]
}

work=$(mktemp -d)
started_pids=()
stop_started() {
  local pid
  for pid in "${started_pids[@]+"${started_pids[@]}"}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap stop_started EXIT

# serve ROOT: a static file server on 127.0.0.1 for ROOT; sets served_url to its base URL.
# (Not to be called in $(…): the server's PID must be recorded in this shell.)
# shellcheck disable=SC2034 # read by the scripts that source this file
served_url=""
serve() {
  local root=$1 port_file
  port_file=$(mktemp "$work/port.XXXXXX")
  python3 scripts/serve-files.py "$root" "$port_file" >"$port_file.log" 2>&1 &
  started_pids+=("$!")
  for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.05; done
  [ -s "$port_file" ] || { echo "serve: the server did not start" >&2; return 1; }
  # shellcheck disable=SC2034
  served_url="http://127.0.0.1:$(cat "$port_file")"
}
