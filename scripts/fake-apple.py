#!/usr/bin/env python3
"""A stand-in for Apple's API hosts on 127.0.0.1, for the action's workflow self-tests.

Answers HEAD with a Date header `--offset` seconds off this machine's clock, and:
- GET /v1/apps?limit=1 with 200 when its bearer is a well-formed App Store Connect token
  (`appstoreconnectapi/generating-tokens-for-api-requests`: header `alg`, `kid`, `typ`
  JWT; `iss` for a team key or `sub` `user` for an individual one, `iat`, `exp`, `aud`
  `appstoreconnect-v1`, an optional `scope`; `iat` not ahead of this server's clock and
  at most 20 minutes to `exp`), else Apple's 401 body;
- GET /v1/mdmServers?limit=1 (Apple Business Manager API) with 200 when its bearer token
  is an access token this server issued, else 401 (`applebusinessapi/get-mdm-servers`);
- POST /auth/token (Sign in with Apple) with 400 `invalid_grant` when `client_id` is a
  `--client-id` and `client_secret` a well-formed client secret for it (the dummy code is
  all that is wrong), else 400 `invalid_client`
  (`signinwithapplerestapi/generate-and-validate-tokens`, `…/errorresponse`);
- POST /auth/oauth2/token (Apple Business/School Manager, and Apple Ads when `client_id`
  starts with `SEARCHADS.`) with 200 and a new access token for a client-credentials
  request with every field right, in the query string and no body as Apple's pages send
  it, else 400 `invalid_client`
  (`apple-school-and-business-manager-api/implementing-oauth-for-the-apple-school-manager-
  and-apple-business-api`; `apple_ads/implementing-oauth-for-the-apple-search-ads-api`).
  The access token is written to --access-token-file;
- GET /api/v5/campaigns (Apple Ads) with 200 when its bearer token is an access token this
  server issued and it sends `X-AP-Context: orgId=<digits>`, 403 without that header, else
  401 (`apple_ads/calling-the-apple-search-ads-api`).
"Well-formed" means what Apple checks: three base64url parts, ES256 with a valid
signature by --public-key (the test key's by default), and the service's exact header,
claims and times on this server's clock. Writes its port to --port-file. Never listens
beyond loopback; stops after --lifetime s; never logs a header, a form value or a token.
"""
import argparse
import base64
import email.utils
import hashlib
import http.server
import json
import os
import secrets
import threading
import time
import urllib.parse

parser = argparse.ArgumentParser()
parser.add_argument("--offset", type=int, default=0)
parser.add_argument("--port-file", required=True)
parser.add_argument("--lifetime", type=int, default=600)
parser.add_argument("--client-id", action="append", default=[])
parser.add_argument("--access-token-file")
parser.add_argument(
    "--public-key",
    default=os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "test-only-p256.pub.pem"),
)
args = parser.parse_args()

NOT_AUTHORIZED = (
    b'{"errors":[{"status":"401","code":"NOT_AUTHORIZED",'
    b'"title":"Authentication credentials are missing or invalid.",'
    b'"detail":"Provide a properly configured and signed bearer token."}]}'
)
SIX_MONTHS = 15_777_000
ONE_HUNDRED_EIGHTY_DAYS = 180 * 86_400
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MANAGER_AUDIENCE = "https://account.apple.com/auth/oauth2/v2/token"
MANAGER_SCOPES = {"BUSINESSAPI.": "business.api", "SCHOOLAPI.": "school.api"}
issued = set()


# P-256 (FIPS 186-4, D.1.2.3), for ES256 signatures: the standard library has no ECDSA,
# and the fake must refuse what Apple refuses without a package the runners lack.
P = 2**256 - 2**224 + 2**192 + 2**96 - 1
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
G = (
    0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
    0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
)


def point_add(p, q):
    if p is None or q is None:
        return p or q
    if p[0] == q[0] and (p[1] + q[1]) % P == 0:
        return None
    if p == q:
        slope = (3 * p[0] * p[0] - 3) * pow(2 * p[1], -1, P)
    else:
        slope = (q[1] - p[1]) * pow(q[0] - p[0], -1, P)
    x = (slope * slope - p[0] - q[0]) % P
    return (x, (slope * (p[0] - x) - p[1]) % P)


def point_mul(k, p):
    result = None
    while k:
        if k & 1:
            result = point_add(result, p)
        p, k = point_add(p, p), k >> 1
    return result


def public_point(pem_path):
    """The (x, y) of a P-256 SubjectPublicKeyInfo PEM: its last 65 bytes, 04 || x || y."""
    with open(pem_path) as f:
        der = base64.b64decode("".join(line for line in f if not line.startswith("-----")))
    if len(der) != 91 or der[-65] != 4:
        raise SystemExit(f"fake-apple: {pem_path} is not a P-256 public key")
    return (int.from_bytes(der[-64:-32], "big"), int.from_bytes(der[-32:], "big"))


PUBLIC = public_point(args.public_key)


def es256_valid(message, signature):
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    if not (0 < r < N and 0 < s < N):
        return False
    e = int.from_bytes(hashlib.sha256(message).digest(), "big")
    w = pow(s, -1, N)
    point = point_add(point_mul(e * w % N, G), point_mul(r * w % N, PUBLIC))
    return point is not None and point[0] % N == r


def apple_now():
    return time.time() + args.offset


def b64url(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def decode(token):
    """The header and claims of an ES256 JWT signed by the public key, else None."""
    try:
        head, body, signature = token.split(".")
        header, claims = json.loads(b64url(head)), json.loads(b64url(body))
        raw = b64url(signature)
        ok = header.get("alg") == "ES256" and header.get("kid") and len(raw) == 64
        ok = ok and es256_valid(f"{head}.{body}".encode(), raw)
        return (header, claims) if ok and isinstance(claims, dict) else None
    except (ValueError, AttributeError):
        return None


def signed(form, field):
    """The header and claims of the form's `field` when it is a token signed by the public
    key and the form's client_id is one this server knows, else None."""
    decoded = decode(form.get(field, ""))
    return decoded if form.get("client_id") in args.client_id else None


def client_secret_ok(form):
    """Sign in with Apple: `sub` is the client_id, `aud` Apple's, exp within six months
    of this server's clock ("as measured by the clock on Apple's servers")."""
    decoded = signed(form, "client_secret")
    if decoded is None:
        return False
    header, claims = decoded
    now = apple_now()
    return (
        set(header) == {"alg", "kid"}
        and set(claims) == {"iss", "sub", "iat", "exp", "aud"}
        and claims["sub"] == form["client_id"]
        and claims["aud"] == "https://appleid.apple.com"
        and claims["iat"] <= now < claims["exp"] <= now + SIX_MONTHS
    )


def exchanged_claims(form, field, names):
    """The claims of a client-credentials request's `field` (Business/School Manager,
    Apple Ads): signed, header `alg` and `kid` alone, exactly the claims `names`, and exp
    "less than 180 days from the `iat` timestamp" and after this server's now; else None."""
    decoded = signed(form, field)
    if decoded is None or form.get("grant_type") != "client_credentials":
        return None
    header, claims = decoded
    ok = set(header) == {"alg", "kid"} and set(claims) == names
    ok = ok and claims["iat"] <= apple_now() < claims["exp"]
    return claims if ok and claims["exp"] - claims["iat"] < ONE_HUNDRED_EIGHTY_DAYS else None


def client_assertion_ok(form):
    """Business/School Manager: iss = sub = client_id, Apple's `aud`, a jti, and the scope
    that goes with the client ID's prefix."""
    client_id = form.get("client_id", "")
    scope = next((s for p, s in MANAGER_SCOPES.items() if client_id.startswith(p)), None)
    claims = exchanged_claims(form, "client_assertion", {"iss", "sub", "iat", "exp", "aud", "jti"})
    return (
        claims is not None
        and form.get("client_assertion_type") == ASSERTION_TYPE
        and form.get("scope") == scope
        and claims["iss"] == claims["sub"] == client_id
        and claims["aud"] == MANAGER_AUDIENCE
    )


def apple_ads_secret_ok(form):
    """Apple Ads: iss the SEARCHADS. team ID, sub = client_id, Apple's `aud`, scope
    `searchadsorg` (`apple_ads/implementing-oauth-for-the-apple-search-ads-api`)."""
    claims = exchanged_claims(form, "client_secret", {"iss", "sub", "iat", "exp", "aud"})
    return (
        claims is not None
        and form.get("scope") == "searchadsorg"
        and str(claims["iss"]).startswith("SEARCHADS.")
        and claims["sub"] == form["client_id"]
        and claims["aud"] == "https://appleid.apple.com"
    )


def connect_token_ok(authorization):
    """App Store Connect: the header and claims Apple lists, on this server's clock. A
    scoped token may live longer (Apple's long-lived resources), which is not checked."""
    decoded = decode(authorization.removeprefix("Bearer "))
    if decoded is None or not authorization.startswith("Bearer "):
        return False
    header, claims = decoded
    issuer = {"iss"} if "iss" in claims else {"sub"}
    keys = set(claims) - {"scope"}
    now = apple_now()
    return (
        set(header) == {"alg", "kid", "typ"}
        and header["typ"] == "JWT"
        and keys == issuer | {"iat", "exp", "aud"}
        and claims.get("sub", "user") == "user"
        and claims["aud"] == "appstoreconnect-v1"
        and claims["iat"] <= now < claims["exp"]
        and (claims["exp"] - claims["iat"] <= 1200 or "scope" in claims)
    )


def oauth_error(error):
    return json.dumps({"error": error}).encode()


class Apple(http.server.BaseHTTPRequestHandler):
    def date_time_string(self, timestamp=None):
        return email.utils.formatdate(apple_now(), usegmt=True)

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.answer(401, NOT_AUTHORIZED)

    def do_GET(self):
        authorization = self.headers.get("Authorization", "")
        if self.path == "/v1/mdmServers?limit=1":
            ok = authorization.removeprefix("Bearer ") in issued
            servers = b'{"data":[{"type":"mdmServers","id":"1"}],"links":{},"meta":{"paging":{}}}'
            return self.answer(200 if ok else 401, servers if ok else NOT_AUTHORIZED)
        if self.path == "/api/v5/campaigns":
            if authorization.removeprefix("Bearer ") not in issued:
                return self.answer(401, b'{"error":{"errors":[{"messageCode":"UNAUTHORIZED"}]}}')
            context = self.headers.get("X-AP-Context", "")
            if not (context.startswith("orgId=") and context[6:].isdigit()):
                return self.answer(403, b'{"error":{"errors":[{"messageCode":"FORBIDDEN"}]}}')
            return self.answer(200, b'{"data":[{"id":1,"name":"fake campaign"}],"error":null}')
        ok = self.path == "/v1/apps?limit=1" and connect_token_ok(authorization)
        self.answer(200 if ok else 401, b'{"data":[]}' if ok else NOT_AUTHORIZED)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        text = self.rfile.read(min(length, 64 * 1024)).decode("utf-8", "replace")
        form_type = self.headers.get("Content-Type", "").startswith(
            "application/x-www-form-urlencoded"
        )
        path, _, query = self.path.partition("?")
        # Sign in with Apple's and Apple Ads' forms are in the body; the Business/School
        # Manager exchange's in the query string, with no body, as Apple's page shows it.
        in_query = path == "/auth/oauth2/token" and not text
        if (query if not in_query else text):
            return self.answer(400, oauth_error("invalid_request"))
        pairs = urllib.parse.parse_qsl(query if in_query else text, keep_blank_values=True)
        form = dict(pairs)
        # One value per field: a field given twice is malformed.
        if not form_type or len(form) != len(pairs):
            return self.answer(400, oauth_error("invalid_request"))
        if path == "/auth/token":
            self.sign_in_with_apple(form)
        elif path == "/auth/oauth2/token" and not in_query and form.get("client_id", "").startswith("SEARCHADS."):
            self.exchange(form, {"grant_type", "client_id", "client_secret", "scope"}, apple_ads_secret_ok)
        elif in_query and not form.get("client_id", "").startswith("SEARCHADS."):
            self.exchange(
                form,
                {"grant_type", "client_id", "client_assertion_type", "client_assertion", "scope"},
                client_assertion_ok,
            )
        elif path == "/auth/oauth2/token":
            # An exchange in the other place than its page shows.
            self.answer(400, oauth_error("invalid_request"))
        else:
            self.answer(404, b'{"error":"not_found"}')

    def sign_in_with_apple(self, form):
        if set(form) != {"client_id", "client_secret", "code", "grant_type"}:
            return self.answer(400, oauth_error("invalid_request"))
        if form["grant_type"] != "authorization_code":
            return self.answer(400, oauth_error("unsupported_grant_type"))
        if not client_secret_ok(form):
            return self.answer(400, oauth_error("invalid_client"))
        # The secret passed; only the made-up code did not (Apple's words).
        body = {"error": "invalid_grant", "error_description": "The code has expired or has been revoked."}
        self.answer(400, json.dumps(body).encode())

    def exchange(self, form, fields, credentials_ok):
        if set(form) != fields:
            return self.answer(400, oauth_error("invalid_request"))
        if not credentials_ok(form):
            return self.answer(400, oauth_error("invalid_client"))
        access_token = "fake-apple-access-token." + secrets.token_hex(24)
        issued.add(access_token)
        if args.access_token_file:
            with open(args.access_token_file, "w") as f:
                f.write(access_token)
        body = {"access_token": access_token, "token_type": "Bearer", "expires_in": 3600, "scope": form["scope"]}
        self.answer(200, json.dumps(body).encode())

    def log_message(self, fmt, *values):
        # Method, path and status only: never the headers, the query or the form, which
        # carry tokens.
        path = self.path.partition("?")[0]
        print(f"fake-apple: {self.command} {path} -> {values[1] if len(values) > 1 else '?'}", flush=True)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Apple)
with open(args.port_file, "w") as f:
    f.write(str(server.server_address[1]))
threading.Timer(args.lifetime, server.shutdown).start()
server.serve_forever()
