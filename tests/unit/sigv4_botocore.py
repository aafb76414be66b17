#!/usr/bin/python3
"""sigv4_botocore.py: sign one request with botocore, for check_sigv4.

Reads a JSON request description on stdin:
  {"s3": bool, "unsigned_payload": bool, "method": "PUT",
   "url": "https://host/path?query", "headers": [[name, value], ...],
   "body": "text", "access_key": ..., "secret_key": ..., "token": ... or null,
   "service": "s3", "region": "us-east-1"}
Writes JSON {"authorization", "amz_date", "content_sha256", "security_token",
"canonical_request"} on stdout.  botocore signs at the current time; the
caller signs again with the X-Amz-Date it reports, so no clock is patched.
Run with Debian's /usr/bin/python3 (python3-botocore).
"""
import json
import sys
import types

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def main():
    spec = json.load(sys.stdin)
    creds = Credentials(spec["access_key"], spec["secret_key"], spec.get("token"))
    cls = S3SigV4Auth if spec.get("s3") else SigV4Auth
    auth = cls(creds, spec["service"], spec["region"])
    captured = []
    original = auth.canonical_request

    def capture(request):
        text = original(request)
        captured.append(text)
        return text

    auth.canonical_request = capture
    request = AWSRequest(method=spec["method"], url=spec["url"],
                         headers=dict(spec.get("headers") or []),
                         data=spec.get("body", "").encode("utf-8"))
    if spec.get("unsigned_payload"):
        # What a client with payload signing switched off sends.
        request.context["client_config"] = types.SimpleNamespace(
            s3={"payload_signing_enabled": False})
    auth.add_auth(request)
    json.dump({
        "authorization": request.headers["Authorization"],
        "amz_date": request.headers["X-Amz-Date"],
        "content_sha256": request.headers.get("X-Amz-Content-SHA256", ""),
        "security_token": request.headers.get("X-Amz-Security-Token"),
        "canonical_request": captured[-1] if captured else "",
    }, sys.stdout)


if __name__ == "__main__":
    main()
