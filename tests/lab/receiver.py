#!/usr/bin/env python3
"""A service-desk webhook receiver for the lab tests.

Answers 503 for the first --fail-for seconds, then 200.  Every request is
logged as one JSON line (time, status answered, idempotency key, event,
incident id, priority, cause); a real desk would deduplicate on the key,
and the tests do the same with the log.
"""
import argparse
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ap = argparse.ArgumentParser()
ap.add_argument("--addr", default="127.0.0.1")
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--fail-for", type=float, default=0)
ap.add_argument("--status", type=int, default=200,
                help="the answer once --fail-for is over")
ap.add_argument("--log", required=True)
args = ap.parse_args()
start = time.time()
log = open(args.log, "a", buffering=1)


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n) if n > 0 else b""
        status = 503 if time.time() - start < args.fail_for else args.status
        rec = {"t": time.time(), "status": status,
               "header_key": self.headers.get("Idempotency-Key", "")}
        try:
            j = json.loads(body)
            inc = j.get("incident", {})
            rec.update(key=j.get("idempotency_key"), event=j.get("event"),
                       change=j.get("change"), incident=inc.get("id"),
                       priority=inc.get("priority"), cause=inc.get("cause"),
                       sites=inc.get("sites"), devices=inc.get("devices"))
        except ValueError:
            rec["bad_json"] = True
        log.write(json.dumps(rec) + "\n")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok":%s}' % (b"true" if status == 200 else b"false"))

    def log_message(self, *a):
        pass


ThreadingHTTPServer((args.addr, args.port), Hook).serve_forever()
