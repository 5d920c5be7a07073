#!/usr/bin/env python3
"""A stand-in for Apple's API host on 127.0.0.1, for the action's workflow self-test.

Answers HEAD with a Date header `--offset` seconds off this machine's clock, and
GET /v1/apps?limit=1 with 200 when it carries a bearer token, else Apple's 401 body.
Writes its port to --port-file. Never listens beyond loopback; stops after --lifetime s.
"""
import argparse
import email.utils
import http.server
import threading
import time

parser = argparse.ArgumentParser()
parser.add_argument("--offset", type=int, default=0)
parser.add_argument("--port-file", required=True)
parser.add_argument("--lifetime", type=int, default=600)
args = parser.parse_args()

NOT_AUTHORIZED = (
    b'{"errors":[{"status":"401","code":"NOT_AUTHORIZED",'
    b'"title":"Authentication credentials are missing or invalid.",'
    b'"detail":"Provide a properly configured and signed bearer token."}]}'
)


class Apple(http.server.BaseHTTPRequestHandler):
    def date_time_string(self, timestamp=None):
        return email.utils.formatdate(time.time() + args.offset, usegmt=True)

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
        bearer = self.headers.get("Authorization", "").startswith("Bearer ey")
        ok = self.path == "/v1/apps?limit=1" and bearer
        self.answer(200 if ok else 401, b'{"data":[]}' if ok else NOT_AUTHORIZED)

    def log_message(self, fmt, *values):
        # Method and path only: never the headers, which carry the token.
        print(f"fake-apple: {self.command} {self.path} -> answered", flush=True)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Apple)
with open(args.port_file, "w") as f:
    f.write(str(server.server_address[1]))
threading.Timer(args.lifetime, server.shutdown).start()
server.serve_forever()
