#!/usr/bin/python3
"""cred_fixture.py: local stand-ins for the endpoints credentials come from,
for check_credentials.  Prints its port on stdout, serves until stdin closes.

  POST /        STS AssumeRole (SigV4 checked with botocore against the
                secrets this server knows or issued; 403
                SignatureDoesNotMatch otherwise) and AssumeRoleWithWebIdentity
                (must be unsigned; the token must be "web-token-123")
  GET  /federation/credentials   SSO portal (x-amz-sso_bearer_token
                must be "sso-access-token")
  GET  /container                container endpoint (Authorization must be
                "container-auth")
  PUT  /latest/api/token, GET /latest/meta-data/iam/security-credentials/[role]
                IMDSv2 (the token must come back)
  GET  /log     every request so far, as JSON
Run with Debian's /usr/bin/python3 (python3-botocore).
"""
import datetime
import http.server
import json
import sys
import threading
import urllib.parse
import uuid

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

# key id -> (secret, session token or None)
SECRETS = {"AKIDBASE": ("base-secret", None), "AKIDENV": ("env-secret", None)}
LOG = []
LOCK = threading.Lock()


def iso(ts):
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def issue():
    key = "ASIA" + uuid.uuid4().hex[:16].upper()
    secret = uuid.uuid4().hex
    token = "token-" + uuid.uuid4().hex
    SECRETS[key] = (secret, token)
    expires = datetime.datetime.utcnow() + datetime.timedelta(hours=1)
    return key, secret, token, expires


def check_signature(handler, body):
    """Recomputes the request's signature the way AWS would; returns
    (ok, key id, region, reason)."""
    authz = handler.headers.get("Authorization", "")
    try:
        parts = dict(p.strip().split("=", 1) for p in authz[len("AWS4-HMAC-SHA256 "):].split(","))
        key, date, region, service, _ = parts["Credential"].split("/")
        signed = parts["SignedHeaders"].split(";")
        signature = parts["Signature"]
    except (ValueError, KeyError):
        return False, None, None, "malformed Authorization"
    if key not in SECRETS:
        return False, key, region, "unknown key"
    secret, token = SECRETS[key]
    if token is not None and handler.headers.get("X-Amz-Security-Token") != token:
        return False, key, region, "wrong or missing session token"
    headers = {h: handler.headers.get(h) for h in signed}
    url = "http://%s%s" % (handler.headers.get("Host"), handler.path)
    request = AWSRequest(method=handler.command, url=url, headers=headers, data=body)
    request.context["timestamp"] = handler.headers.get("X-Amz-Date", "")
    auth = SigV4Auth(Credentials(key, secret, token), service, region)
    canonical = auth.canonical_request(request)
    expected = auth.signature(auth.string_to_sign(request, canonical), request)
    if expected != signature:
        return False, key, region, "signature mismatch"
    return True, key, region, ""


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, payload, ctype="application/json"):
        if isinstance(payload, str):
            payload = payload.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def record(self, **extra):
        entry = {"method": self.command, "path": self.path}
        entry.update(extra)
        with LOCK:
            LOG.append(entry)

    def sts_error(self, status, code, message):
        self.send(status, "<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code>"
                  "<Message>%s</Message></Error><RequestId>fixture</RequestId>"
                  "</ErrorResponse>" % (code, message), "text/xml")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        form = dict(urllib.parse.parse_qsl(body.decode()))
        action = form.get("Action")
        if action == "AssumeRole":
            ok, key, region, reason = check_signature(self, body)
            self.record(action=action, key=key, region=region, ok=ok, reason=reason,
                        role_arn=form.get("RoleArn"), session=form.get("RoleSessionName"),
                        external_id=form.get("ExternalId"),
                        duration=form.get("DurationSeconds"),
                        token_sent="X-Amz-Security-Token" in self.headers)
            if not ok:
                self.sts_error(403, "SignatureDoesNotMatch", reason)
                return
            if not form.get("RoleArn") or not form.get("RoleSessionName"):
                self.sts_error(400, "ValidationError", "RoleArn and RoleSessionName are required")
                return
            result = "AssumeRoleResult"
        elif action == "AssumeRoleWithWebIdentity":
            self.record(action=action, signed="Authorization" in self.headers,
                        role_arn=form.get("RoleArn"), session=form.get("RoleSessionName"))
            if "Authorization" in self.headers:
                self.sts_error(400, "InvalidParameterValue", "must not be signed")
                return
            if form.get("WebIdentityToken") != "web-token-123":
                self.sts_error(400, "InvalidIdentityToken", "bad token")
                return
            result = "AssumeRoleWithWebIdentityResult"
        else:
            self.sts_error(400, "InvalidAction", "unknown action")
            return
        key, secret, token, expires = issue()
        self.send(200, '<%sResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
                  "<%s><Credentials><AccessKeyId>%s</AccessKeyId>"
                  "<SecretAccessKey>%s</SecretAccessKey><SessionToken>%s</SessionToken>"
                  "<Expiration>%s</Expiration></Credentials></%s>"
                  "<ResponseMetadata><RequestId>fixture</RequestId></ResponseMetadata>"
                  "</%sResponse>" % (action, result, key, secret, token, iso(expires),
                                     result, action), "text/xml")

    def do_PUT(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        self.record()
        if self.path == "/latest/api/token" and \
                self.headers.get("x-aws-ec2-metadata-token-ttl-seconds"):
            self.send(200, "imds-token", "text/plain")
        else:
            self.send(400, "bad token request", "text/plain")

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/log":
            with LOCK:
                self.send(200, json.dumps(LOG))
            return
        self.record(query=query)
        if url.path == "/federation/credentials":
            if self.headers.get("x-amz-sso_bearer_token") != "sso-access-token":
                self.send(401, '{"message":"Session token not found or invalid"}')
                return
            key, secret, token, expires = issue()
            self.send(200, json.dumps({"roleCredentials": {
                "accessKeyId": key, "secretAccessKey": secret, "sessionToken": token,
                "expiration": int(expires.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000),
                "account": query.get("account_id"), "role": query.get("role_name")}}))
            return
        if url.path == "/container":
            if self.headers.get("Authorization") != "container-auth":
                self.send(401, '{"message":"unauthorized"}')
                return
            key, secret, token, expires = issue()
            self.send(200, json.dumps({"AccessKeyId": key, "SecretAccessKey": secret,
                                       "Token": token, "Expiration": iso(expires),
                                       "RoleArn": "arn:aws:iam::123456789012:role/task"}))
            return
        if url.path.startswith("/latest/meta-data/iam/security-credentials/"):
            if self.headers.get("x-aws-ec2-metadata-token") != "imds-token":
                self.send(401, "", "text/plain")
                return
            role = url.path[len("/latest/meta-data/iam/security-credentials/"):]
            if role == "":
                self.send(200, "gcr-role\n", "text/plain")
                return
            if role != "gcr-role":
                self.send(404, "", "text/plain")
                return
            key, secret, token, expires = issue()
            self.send(200, json.dumps({"Code": "Success", "Type": "AWS-HMAC",
                                       "AccessKeyId": key, "SecretAccessKey": secret,
                                       "Token": token, "Expiration": iso(expires)}))
            return
        self.send(404, '{"message":"not found"}')


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
