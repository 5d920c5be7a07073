#!/usr/bin/env python3
"""A static file server on 127.0.0.1 for the release rehearsals: serves ROOT on a free
port and writes the port to PORT_FILE once it listens.

    python3 scripts/serve-files.py ROOT PORT_FILE

Used by scripts/testing.sh (serve) and scripts/ci-release-download.sh.
"""
import functools
import http.server
import sys

root, port_file = sys.argv[1], sys.argv[2]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
with open(port_file, "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
