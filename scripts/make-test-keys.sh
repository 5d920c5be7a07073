#!/usr/bin/env bash
# Regenerates the test-only keys in tests/fixtures/. They sign nothing real: they exist so
# the test suite can exercise every key form a user may paste. Never use them with Apple.
set -euo pipefail
cd "$(dirname "$0")/../tests/fixtures"

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out test-only-p256.p8
openssl pkey -in test-only-p256.p8 -pubout -out test-only-p256.pub.pem
openssl ec -in test-only-p256.p8 -out test-only-p256-sec1.pem 2>/dev/null
openssl ec -in test-only-p256.p8 -no_public -out test-only-p256-sec1-nopub.pem 2>/dev/null
openssl ec -in test-only-p256.p8 -no_public 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out test-only-p256-pkcs8-nopub.pem

# A second P-256 key: its public key is spliced into the first to make a mismatched pair.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out test-only-p256-other.p8

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out test-only-p384.pem
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out test-only-rsa.pem
openssl genpkey -algorithm ED25519 -out test-only-ed25519.pem
openssl req -new -x509 -key test-only-p256.p8 -subj /CN=asc-jwt-test-only -days 3650 -out test-only-cert.pem
