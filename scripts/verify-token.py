#!/usr/bin/env python3
"""Verifies an App Store Connect token with PyJWT, independently of asc-jwt's own code.

Usage: verify-token.py PUBLIC_KEY_PEM [AUDIENCE] < token
Checks the ES256 signature, the audience, the exact header and claim sets and the
lifetime rule; prints the claim names (never the token) and exits non-zero on any mismatch.
"""
import sys
import time

import jwt

public_key = open(sys.argv[1]).read()
audience = sys.argv[2] if len(sys.argv) > 2 else "appstoreconnect-v1"
token = sys.stdin.read().strip()

header = jwt.get_unverified_header(token)
assert set(header) == {"alg", "kid", "typ"}, f"header fields {sorted(header)}"
assert header["alg"] == "ES256" and header["typ"] == "JWT", "alg/typ"
claims = jwt.decode(token, public_key, algorithms=["ES256"], audience=audience)
identity = {"iss"} if "iss" in claims else {"sub"}
assert set(claims) - {"scope"} == identity | {"iat", "exp", "aud"}, f"claims {sorted(claims)}"
assert claims["iat"] <= time.time() - 55, "iat is back-dated about 60 s"
lifetime = claims["exp"] - claims["iat"]
assert lifetime <= 1200 or all(s.startswith("GET ") for s in claims.get("scope", [])), lifetime
print(f"PyJWT: signature valid; header {sorted(header)}; claims {sorted(claims)}; lifetime {lifetime} s")
