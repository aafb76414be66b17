"""sigv4.py: checks a request's Signature Version 4 with botocore's signer.

The server knows the test credentials (static key pairs, and temporary ones
it issued through STS AssumeRole).  For each request it rebuilds the
canonical request from what was received -- the headers the client listed in
SignedHeaders, the query decoded and re-encoded as AWS does, the path encoded
once more as for every service but S3, the real payload hash -- and lets
botocore's SigV4Auth compute the signature the client should have sent.
Failures are raised as AwsError with the code each protocol really uses.
"""
import datetime
import hashlib
import hmac
import re
import threading
import urllib.parse

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

from codec import AwsError

SKEW_SECONDS = 300          # AWS accepts X-Amz-Date within 5 minutes
_AUTH_RE = re.compile(r'^AWS4-HMAC-SHA256\s+(.*)$', re.S)
_REGION_RE = re.compile(r'^[a-z]{2}(-[a-z]+)+-\d+$')


class Identity:
    """Who a key belongs to.  arn is the caller ARN GetCallerIdentity shows."""

    def __init__(self, access_key, secret_key, account, arn, user_id,
                 session_token=None, expires=None, denied=()):
        self.access_key = access_key
        self.secret_key = secret_key
        self.account = account
        self.arn = arn
        self.user_id = user_id
        self.session_token = session_token
        self.expires = expires          # epoch seconds, real time
        self.denied = set(denied)       # "service:Operation" patterns refused

    def public(self):
        return {'accessKeyId': self.access_key, 'account': self.account, 'arn': self.arn,
                'userId': self.user_id, 'temporary': self.session_token is not None,
                'expires': self.expires, 'denied': sorted(self.denied)}


class CredentialStore:
    def __init__(self):
        self.lock = threading.Lock()
        self.by_key = {}

    def add(self, ident):
        with self.lock:
            self.by_key[ident.access_key] = ident

    def get(self, key):
        with self.lock:
            return self.by_key.get(key)

    def remove(self, key):
        with self.lock:
            return self.by_key.pop(key, None) is not None

    def all(self):
        with self.lock:
            return list(self.by_key.values())


# Codes and statuses per protocol for each kind of failure (what AWS answers).
_CODES = {
    # kind: {protocol: (status, code)}
    'missing': {'json': (400, 'MissingAuthenticationTokenException'),
                'rest-json': (403, 'MissingAuthenticationTokenException'),
                'query': (403, 'MissingAuthenticationToken'),
                'ec2': (401, 'AuthFailure')},
    'incomplete': {'json': (400, 'IncompleteSignatureException'),
                   'rest-json': (403, 'IncompleteSignatureException'),
                   'query': (400, 'IncompleteSignature'),
                   'ec2': (400, 'IncompleteSignature')},
    'unknown_key': {'json': (400, 'UnrecognizedClientException'),
                    'rest-json': (403, 'UnrecognizedClientException'),
                    'query': (403, 'InvalidClientTokenId'),
                    'ec2': (401, 'AuthFailure')},
    'bad_signature': {'json': (400, 'InvalidSignatureException'),
                      'rest-json': (403, 'InvalidSignatureException'),
                      'query': (403, 'SignatureDoesNotMatch'),
                      'ec2': (401, 'AuthFailure')},
    'expired_date': {'json': (400, 'InvalidSignatureException'),
                     'rest-json': (403, 'InvalidSignatureException'),
                     'query': (403, 'SignatureDoesNotMatch'),
                     'ec2': (400, 'RequestExpired')},
    'expired_token': {'json': (400, 'ExpiredTokenException'),
                      'rest-json': (403, 'ExpiredTokenException'),
                      'query': (403, 'ExpiredToken'),
                      'ec2': (400, 'RequestExpired')},
}

_MESSAGES = {
    'unknown_key': 'The security token included in the request is invalid.',
    'bad_signature': ('The request signature we calculated does not match the signature you '
                      'provided. Check your AWS Secret Access Key and signing method. Consult '
                      'the service documentation for details.'),
    'expired_token': 'The security token included in the request is expired',
}


def fail(kind, protocol, message=None):
    status, code = _CODES[kind][protocol]
    if protocol == 'ec2' and kind in ('unknown_key', 'bad_signature', 'missing'):
        message = 'AWS was not able to validate the provided access credentials'
    return AwsError(code, message or _MESSAGES.get(kind, code), status=status, coral=True)


def _amz_time(ts):
    return datetime.datetime.strptime(ts, '%Y%m%dT%H%M%SZ').replace(
        tzinfo=datetime.timezone.utc).timestamp()


class _ReceivedRequestSigner(SigV4Auth):
    """botocore's SigV4Auth, told which headers the client signed and the
    real hash of the body received."""

    def __init__(self, credentials, service, region, signed_names, payload_hash):
        super().__init__(credentials, service, region)
        self._signed_names = signed_names
        self._payload_hash = payload_hash

    def headers_to_sign(self, request):
        hm = HTTPHeaders()
        for name in self._signed_names:
            for v in request.headers.get_all(name) or []:
                hm[name] = v
        return hm

    def payload(self, request):
        return self._payload_hash


def verify(store, method, raw_path, raw_query, headers, body, protocol,
           signing_name, now=None, allowed_regions=None):
    """Check a request's signature.  headers: an email.message.Message-like
    object (case-insensitive, get_all).  Returns (Identity, region) or
    raises AwsError."""
    now = now if now is not None else datetime.datetime.now(datetime.timezone.utc).timestamp()
    auth = headers.get('Authorization')
    query = urllib.parse.parse_qsl(raw_query, keep_blank_values=True)
    presigned = dict(query).get('X-Amz-Signature') is not None
    if auth is None and not presigned:
        raise fail('missing', protocol, 'Missing Authentication Token')
    if presigned:
        q = dict(query)
        cred, signed, sig = q.get('X-Amz-Credential'), q.get('X-Amz-SignedHeaders'), q.get('X-Amz-Signature')
        amz_date = q.get('X-Amz-Date')
        token = q.get('X-Amz-Security-Token')
        query = [(k, v) for k, v in query if k != 'X-Amz-Signature']
        try:
            expires = int(q.get('X-Amz-Expires', '0'))
        except ValueError:
            raise fail('incomplete', protocol, 'X-Amz-Expires must be a number')
    else:
        m = _AUTH_RE.match(auth.strip())
        if not m:
            if auth.startswith('AWS '):
                raise fail('incomplete', protocol, 'Signature Version 2 is not accepted; use AWS4-HMAC-SHA256')
            raise fail('incomplete', protocol,
                       "Authorization header requires 'Credential' parameter. Authorization header "
                       "requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
                       "parameter. Authorization=%s" % auth.split(' ', 1)[0])
        parts = {}
        for item in m.group(1).split(','):
            k, _, v = item.strip().partition('=')
            parts[k.strip()] = v.strip()
        missing = [p for p in ('Credential', 'SignedHeaders', 'Signature') if not parts.get(p)]
        if missing:
            raise fail('incomplete', protocol, ' '.join(
                "Authorization header requires '%s' parameter." % p for p in missing)
                + ' Authorization=AWS4-HMAC-SHA256')
        cred, signed, sig = parts['Credential'], parts['SignedHeaders'], parts['Signature']
        amz_date = headers.get('X-Amz-Date')
        token = headers.get('X-Amz-Security-Token')
        expires = None
    if not amz_date:
        raise fail('incomplete', protocol,
                   "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
    try:
        signed_at = _amz_time(amz_date)
    except ValueError:
        raise fail('incomplete', protocol, "Date must be in ISO-8601 'basic format'. Got '%s'." % amz_date)
    scope = cred.split('/')
    if len(scope) != 5 or scope[4] != 'aws4_request':
        raise fail('incomplete', protocol,
                   "Credential should be scoped to a valid region and service, in the form "
                   "<key>/<date>/<region>/<service>/aws4_request: '%s'" % cred)
    key, day, region, service, _ = scope
    if day != amz_date[:8]:
        raise fail('bad_signature', protocol,
                   "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                   "from HTTP: '%s' != '%s', from '%s'." % (day, amz_date[:8], amz_date))
    ident = store.get(key)
    if ident is None:
        raise fail('unknown_key', protocol)
    if ident.session_token is not None and token != ident.session_token:
        raise fail('unknown_key', protocol)
    if ident.session_token is None and token:
        raise fail('unknown_key', protocol)
    if not _REGION_RE.match(region) or (allowed_regions and region not in allowed_regions):
        raise fail('bad_signature', protocol,
                   "Credential should be scoped to a valid region, not '%s'." % region)
    if service != signing_name:
        raise fail('bad_signature', protocol,
                   "Credential should be scoped to correct service: '%s'." % signing_name)
    names = [n for n in signed.split(';') if n]
    if 'host' not in names:
        raise fail('bad_signature', protocol, "'Host' must be a 'SignedHeader' in the AWS Authorization.")
    for n in names:
        if n != n.lower():
            raise fail('incomplete', protocol, "SignedHeaders must be lower case: '%s'" % signed)
        if headers.get(n) is None:
            raise fail('bad_signature', protocol, _MESSAGES['bad_signature'])
    if not presigned and 'x-amz-date' not in names and 'date' not in names:
        raise fail('bad_signature', protocol, _MESSAGES['bad_signature'])

    payload_hash = hashlib.sha256(body).hexdigest()
    declared = headers.get('X-Amz-Content-SHA256')
    if declared is not None and declared != payload_hash:
        raise fail('bad_signature', protocol, 'The provided x-amz-content-sha256 header does not match what was computed.')

    request = AWSRequest(method=method, url='http://' + (headers.get('Host') or 'localhost') + raw_path,
                         data=body)
    request.headers = HTTPHeaders()
    for n in names:
        for v in headers.get_all(n) or []:
            request.headers[n] = v
    request.params = query         # decoded pairs; botocore re-encodes them
    request.context['timestamp'] = amz_date
    creds = Credentials(ident.access_key, ident.secret_key, ident.session_token)
    signer = _ReceivedRequestSigner(creds, service, region, names, payload_hash)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if not hmac.compare_digest(expected, sig):
        raise fail('bad_signature', protocol, _MESSAGES['bad_signature'])

    # Time checks after the signature, as AWS does (a bad signature wins).
    if presigned:
        if now > signed_at + expires:
            raise fail('expired_date', protocol, 'Request has expired')
    else:
        if signed_at < now - SKEW_SECONDS:
            raise fail('expired_date', protocol,
                       'Signature expired: %s is now earlier than %s (%s - 5 min.)' % (
                           amz_date, _fmt(now - SKEW_SECONDS), _fmt(now)))
        if signed_at > now + SKEW_SECONDS:
            raise fail('expired_date', protocol,
                       'Signature not yet current: %s is still later than %s (%s + 5 min.)' % (
                           amz_date, _fmt(now + SKEW_SECONDS), _fmt(now)))
    if ident.expires is not None and now >= ident.expires:
        raise fail('expired_token', protocol)
    return ident, region


def _fmt(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime('%Y%m%dT%H%M%SZ')
