#!/usr/bin/env bash
# The check every action job of ci.yml makes of a token it got: present, not expired,
# and signed by the test key, as node's jose (no code shared with asc-jwt) verifies it.
#   TOKEN=… [EXPIRES_AT=…] bash scripts/check-token-output.sh [PUBLIC_KEY_PEM]
# Prints nothing of the token itself.
set -euo pipefail
cd "$(dirname "$0")/.."

public_key=${1:-tests/fixtures/test-only-p256.pub.pem}
[ -n "${TOKEN:-}" ] || { echo "::error::the token output is empty"; exit 1; }
if [ -n "${EXPIRES_AT:-}" ]; then
  now=$(date +%s)
  [ "$EXPIRES_AT" -gt "$now" ] || { echo "::error::expires-at $EXPIRES_AT is not in the future"; exit 1; }
  echo "expires-at $EXPIRES_AT is $((EXPIRES_AT - now)) s from now"
fi
[ -d scripts/node_modules/jose ] || npm ci --silent --no-audit --no-fund --prefix scripts
node scripts/verify-token.mjs "$public_key" <<<"$TOKEN"
