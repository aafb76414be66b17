#!/usr/bin/python3
"""http_fixture.py: a tiny local HTTP/1.1 server for check_aws_http.

Prints its port on stdout, then serves until stdin closes (the test's end).
Paths:
  /echo           200, JSON {method, path, headers, body_len, body_sha256, peer_port}
  /status/N       answers status N with a small JSON error body
  /slow/MS        waits MS milliseconds, then answers like /echo
  /drop           reads the request, closes the connection without answering
  /truncate       promises 1000 bytes, sends 10, closes
  /bytes/N        200 with N bytes (a repeating pattern)
  /count          how many requests reached /echo-like handlers so far
"""
import hashlib
import http.server
import json
import socket
import sys
import threading
import time

COUNT = 0
LOCK = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _send(self, status, payload, ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-amzn-RequestId", "fixture-%d" % COUNT)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _echo(self, body):
        global COUNT
        with LOCK:
            COUNT += 1
        doc = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body_len": len(body),
            "body_sha256": hashlib.sha256(body).hexdigest(),
            "peer_port": self.client_address[1],
        }
        self._send(200, json.dumps(doc).encode())

    def _handle(self):
        body = self._body()
        p = self.path
        if p.startswith("/echo"):
            self._echo(body)
        elif p.startswith("/status/"):
            code = int(p.split("/")[2])
            self._send(code, json.dumps({"__type": "Fixture#Code%d" % code,
                                         "message": "status %d" % code}).encode())
        elif p.startswith("/slow/"):
            time.sleep(int(p.split("/")[2]) / 1000.0)
            self._echo(body)
        elif p.startswith("/drop"):
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif p.startswith("/truncate"):
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif p.startswith("/bytes/"):
            n = int(p.split("/")[2])
            pattern = bytes(range(256))
            data = (pattern * (n // 256 + 1))[:n]
            self._send(200, data, "application/octet-stream")
        elif p.startswith("/count"):
            self._send(200, json.dumps({"count": COUNT}).encode())
        else:
            self._send(404, b"{}")

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    print(srv.server_address[1], flush=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    sys.stdin.read()  # the test closes stdin (or dies) to stop us


if __name__ == "__main__":
    main()
