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
AWS-like answers for check_aws_client (any other POST, e.g. /v1/submitjob or
"/" with X-Amz-Target, or a query-protocol form):
  POST /__plan    JSON list of what the next AWS requests get, in order:
                  {"status": 429, "code": "TooManyRequestsException"},
                  {"drop": true}, {"slow_ms": 2000}, or {} for a normal answer
  GET /__calls    {"<operation>": count, ...} of AWS requests seen
  GET /__last     the last AWS request's headers and body
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
PLAN = []
CALLS = {}
LAST = {}


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
        elif p.startswith("/__plan"):
            with LOCK:
                PLAN.extend(json.loads(body))
            self._send(200, b"{}")
        elif p.startswith("/__calls"):
            with LOCK:
                self._send(200, json.dumps(CALLS).encode())
        elif p.startswith("/__last"):
            with LOCK:
                self._send(200, json.dumps(LAST).encode())
        elif self.command in ("POST", "PUT", "GET", "HEAD", "DELETE"):
            self._aws(body)
        else:
            self._send(404, b"{}")

    def _operation(self, body):
        target = self.headers.get("X-Amz-Target")
        if target:
            return target.split(".")[-1], "json"
        if self.path.startswith("/v1/"):
            return self.path[4:].split("?")[0], "rest-json"
        form = dict(x.split("=", 1) for x in body.decode().split("&") if "=" in x)
        if "Action" in form:
            return form["Action"], "query"
        return self.command + " " + self.path.split("?")[0], "rest-xml"

    def _aws(self, body):
        op, proto = self._operation(body)
        with LOCK:
            CALLS[op] = CALLS.get(op, 0) + 1
            LAST.clear()
            LAST.update({"operation": op, "path": self.path, "body": body.decode(errors="replace"),
                         "headers": {k.lower(): v for k, v in self.headers.items()}})
            step = PLAN.pop(0) if PLAN else {}
        if step.get("drop"):
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if step.get("slow_ms"):
            time.sleep(step["slow_ms"] / 1000.0)
        status = step.get("status", 200)
        if status >= 300:
            code = step.get("code", "InternalError")
            if proto in ("json", "rest-json"):
                self.send_response(status)
                payload = json.dumps({"__type": code, "message": "planned " + code}).encode()
                if proto == "rest-json":
                    self.send_header("x-amzn-ErrorType", code + ":http://internal/")
                self.send_header("Content-Type", "application/json")
            else:
                payload = ("<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code>"
                           "<Message>planned %s</Message></Error><RequestId>rq</RequestId>"
                           "</ErrorResponse>" % (code, code)).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
            self.send_header("x-amzn-RequestId", "req-%s-%d" % (op, CALLS[op]))
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        if proto == "query":
            payload = ("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                       "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/fixture</Arn>"
                       "<UserId>AIDAFIXTURE</UserId><Account>123456789012</Account>"
                       "</GetCallerIdentityResult><ResponseMetadata><RequestId>rq-1</RequestId>"
                       "</ResponseMetadata></GetCallerIdentityResponse>").encode()
            self._send(200, payload, "text/xml")
            return
        answer = {"operation": op}
        if op == "submitjob":
            req = json.loads(body or b"{}")
            answer = {"jobId": "job-%d" % CALLS[op], "jobName": req.get("jobName"),
                      "jobArn": "arn:aws:batch:us-east-1:123456789012:job/job-%d" % CALLS[op]}
        elif op == "describejobs":
            req = json.loads(body or b"{}")
            answer = {"jobs": [{"jobId": j, "jobName": "n-" + j, "status": "RUNNING",
                                "createdAt": 1, "container": {"logStreamName": "d/default/" + j}}
                               for j in req.get("jobs", [])]}
        self._send(200, json.dumps(answer).encode(), "application/json")

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024

    def handle_error(self, request, client_address):
        pass  # clients that gave up (timeouts under test) are expected


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    print(srv.server_address[1], flush=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    sys.stdin.read()  # the test closes stdin (or dies) to stop us


if __name__ == "__main__":
    main()
