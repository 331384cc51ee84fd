#!/usr/bin/env python3
"""A do-nothing OTLP/HTTP collector for perf/tracing/run.sh: answers every POST /v1/traces with 200 and an empty
ExportTraceServiceResponse, counting bytes, so the exporter's cost is measured without a real collector's."""
import http.server
import sys


class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    exports = 0

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Sink.exports += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
