#!/usr/bin/env bash
# The check every action job of ci.yml makes of a token it got: present, not expired,
# and signed by the test key, as node's jose (no code shared with asc-jwt) verifies it.
#   TOKEN=… [EXPIRES_AT=…] bash scripts/check-token-output.sh [PUBLIC_KEY_PEM]
# An App Store Connect token is checked by scripts/verify-token.mjs. A token of another
# service is checked against what the job expects of it, given as JSON:
#   HEADER='{"alg":"ES256","kid":"…"}'   the exact header
#   CLAIMS='{"iss":"…","aud":"…","jti":"*"}'   the exact claims besides iat and exp
#                                          ("*": any non-empty string); `aud`, if any, is
#                                          the audience jose checks
#   LIFETIME=…                             exp - iat, in seconds
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
if [ -z "${CLAIMS:-}" ]; then
  node scripts/verify-token.mjs "$public_key" <<<"$TOKEN"
  exit
fi
# Run from scripts/ so that `import "jose"` finds scripts/node_modules; the token and the
# key's path go through the environment.
script=$(cat <<'JS'
import { readFileSync } from "node:fs";
import { importSPKI, jwtVerify } from "jose";
import { isDeepStrictEqual } from "node:util";

const fail = (what) => { console.log(`::error::${what}`); process.exit(1); };
const token = process.env.TOKEN.trim();
const header = JSON.parse(process.env.HEADER);
const expected = JSON.parse(process.env.CLAIMS);
const key = await importSPKI(readFileSync(process.env.PUBLIC_KEY, "utf8"), "ES256");
const { payload, protectedHeader } = await jwtVerify(token, key, {
  algorithms: ["ES256"],
  ...(expected.aud ? { audience: expected.aud } : {}),
}).catch((err) => fail(`jose: ${err.code}: ${err.message}`));
if (!isDeepStrictEqual(protectedHeader, header)) fail(`header ${JSON.stringify(protectedHeader)}`);
const names = [...Object.keys(expected), "iat", "exp"].sort();
if (!isDeepStrictEqual(Object.keys(payload).sort(), names)) fail(`claims ${Object.keys(payload).sort()}`);
for (const [name, value] of Object.entries(expected)) {
  const ok = value === "*" ? typeof payload[name] === "string" && payload[name] !== "" : isDeepStrictEqual(payload[name], value);
  if (!ok) fail(`claim ${name} is not ${JSON.stringify(value)}`);
}
const lifetime = payload.exp - payload.iat;
if (process.env.LIFETIME && lifetime !== Number(process.env.LIFETIME)) fail(`exp - iat is ${lifetime}`);
if (process.env.EXPIRES_AT && payload.exp !== Number(process.env.EXPIRES_AT)) fail("exp is not expires-at");
console.log(`jose: signature valid; header ${Object.keys(protectedHeader).sort()}; claims ${names}; lifetime ${lifetime} s`);
JS
)
key_path="$(cd "$(dirname "$public_key")" && pwd)/$(basename "$public_key")"
cd scripts
PUBLIC_KEY=$key_path node --input-type=module -e "$script"
