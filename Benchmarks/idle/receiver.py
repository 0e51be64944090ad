#!/usr/bin/env python3
"""A local stand-in for the collector's ingest API (docs/ingest-api.md) for the idle benchmark.

It checks what a receiver must (POST /api/v1/ingest, the bearer token, gzip NDJSON with a batch
header whose `records` matches the lines that follow), answers 204, and appends one line per
accepted batch ("batch SEQ RECORDS") to the log given as the second argument, so the benchmark
can show that delivery was on while it measured. Anything else gets a 4xx.

Usage: receiver.py PORT LOG TOKEN
"""
import gzip
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

port, log_path, token = int(sys.argv[1]), sys.argv[2], sys.argv[3]


class Ingest(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if self.path != "/api/v1/ingest":
            return self.answer(404)
        if self.headers.get("Authorization") != f"Bearer {token}":
            return self.answer(401)
        try:
            lines = gzip.decompress(body).decode().splitlines()
            header = json.loads(lines[0])
            records = [json.loads(line) for line in lines[1:]]
        except (OSError, ValueError, IndexError):
            return self.answer(400)
        if header.get("type") != "batch" or header.get("records") != len(records):
            return self.answer(422)
        with open(log_path, "a") as log:
            log.write(f"batch {header['batch']} {len(records)}\n")
        self.answer(204)

    def answer(self, status):
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", port), Ingest).serve_forever()
