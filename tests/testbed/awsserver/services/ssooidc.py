"""ssooidc.py: AWS SSO OIDC (rest-json, unsigned) -- the device
authorization flow of `aws sso login` and `gcrunner setup`.

RegisterClient -> StartDeviceAuthorization -> CreateToken answers
AuthorizationPendingException until a test approves the code, as a person
would in the browser; polling faster than `interval` answers
SlowDownException.  Issued access tokens are accepted by the SSO portal
(services/sso.py).

CreateToken with grantType "refresh_token" (what the AWS CLI / botocore's
SSOTokenProvider does when the cached token is within 15 minutes of its
end) needs the client's id and secret and a refresh token this client was
given; it answers a new access token and a new refresh token (the old one
is used up).  An unknown, used, revoked or other client's refresh token
answers InvalidGrantException; a missing one InvalidRequestException.

    POST /__control/sso-oidc/approve   {"userCode": "ABCD-EFGH"} (or {} = all pending)
    POST /__control/sso-oidc/deny      {"userCode": ...}
    POST /__control/sso-oidc/slowdown  {"count": N}  the next N polls answer SlowDownException
    POST /__control/sso-oidc/lifetime  {"seconds": S}  access tokens issued from now on
                                       live S seconds (default 8 h; <= 0: already expired)
    POST /__control/sso-oidc/signin    {"startUrl":..,["region"],["expiresIn":S]}  a
                                       finished sign-in without the browser: registers a
                                       client and issues tokens; answers the AWS CLI's
                                       cache-file fields (accessToken, expiresAt,
                                       refreshToken, clientId, clientSecret,
                                       registrationExpiresAt, region, startUrl)
    POST /__control/sso-oidc/revoke    {"refreshToken": ..} (or {} = all)
    GET  /__control/sso-oidc           {"pending": [userCode...], "tokens": N,
                                        "refreshTokens": N (usable), "refreshed": N}
"""
import random
import string
import time
import uuid

from codec import AwsError
from world import Service

INTERVAL = 1          # seconds between CreateToken polls the client must keep
TOKEN_SECONDS = 8 * 3600
DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
REFRESH_GRANT = 'refresh_token'


def _code():
    letters = ''.join(random.choice(string.ascii_uppercase) for _ in range(8))
    return letters[:4] + '-' + letters[4:]


class SsoOidc(Service):
    MODEL = 'sso-oidc'
    VALIDATION = (400, 'InvalidRequestException')
    TYPE_ERROR = (400, 'InvalidRequestException')
    UNKNOWN_MEMBER = (400, 'InvalidRequestException')
    THROTTLE = (400, 'SlowDownException', 'Slow down')
    SERVER_ERROR = (500, 'InternalServerException', 'Internal error')

    def reset(self, seed):
        self.clients = {}
        self.devices = {}       # deviceCode -> {...}
        self.tokens = {}        # accessToken -> {startUrl, expires}
        self.refresh_tokens = {}    # refreshToken -> {clientId, startUrl, state}
        self.refreshed = 0      # successful refresh_token grants
        self.slowdowns = 0      # forced SlowDownException answers still to give
        self.token_seconds = TOKEN_SECONDS

    def _issue(self, client_id, start_url):
        """A new access token and refresh token (the CreateToken answer)."""
        token = 'aoa' + uuid.uuid4().hex + uuid.uuid4().hex
        refresh = 'aor' + uuid.uuid4().hex
        self.tokens[token] = {'startUrl': start_url, 'expires': time.time() + self.token_seconds}
        self.refresh_tokens[refresh] = {'clientId': client_id, 'startUrl': start_url, 'state': 'valid'}
        return {'accessToken': token, 'tokenType': 'Bearer', 'expiresIn': self.token_seconds,
                'refreshToken': refresh}

    def _refresh(self, p):
        if not p.get('refreshToken'):
            raise AwsError('InvalidRequestException', 'refreshToken is required for this grant type',
                           status=400)
        r = self.refresh_tokens.get(p['refreshToken'])
        if r is None or r['clientId'] != p['clientId'] or r['state'] != 'valid':
            raise AwsError('InvalidGrantException', 'Invalid grant provided', status=400)
        r['state'] = 'used'
        self.refreshed += 1
        return self._issue(p['clientId'], r['startUrl'])

    def op_RegisterClient(self, ctx, p):
        cid = 'client-' + uuid.uuid4().hex
        secret = uuid.uuid4().hex + uuid.uuid4().hex
        now = int(time.time())
        self.clients[cid] = {'secret': secret, 'name': p['clientName']}
        return {'clientId': cid, 'clientSecret': secret, 'clientIdIssuedAt': now,
                'clientSecretExpiresAt': now + 90 * 86400}

    def _client(self, p):
        c = self.clients.get(p['clientId'])
        if c is None or c['secret'] != p['clientSecret']:
            raise AwsError('InvalidClientException', 'Invalid client', status=401)
        return c

    def op_StartDeviceAuthorization(self, ctx, p):
        self._client(p)
        device = uuid.uuid4().hex
        user = _code()
        self.devices[device] = {'clientId': p['clientId'], 'userCode': user, 'startUrl': p['startUrl'],
                                'expires': time.time() + 600, 'state': 'pending', 'last_poll': 0}
        uri = 'https://device.sso.%s.amazonaws.com/' % ctx.region
        return {'deviceCode': device, 'userCode': user, 'verificationUri': uri,
                'verificationUriComplete': uri + '?user_code=' + user, 'expiresIn': 600,
                'interval': INTERVAL}

    def op_CreateToken(self, ctx, p):
        self._client(p)
        if p['grantType'] == REFRESH_GRANT:
            return self._refresh(p)
        if p['grantType'] != DEVICE_GRANT:
            raise AwsError('UnsupportedGrantTypeException', 'Unsupported grant type', status=400)
        d = self.devices.get(p.get('deviceCode'))
        if d is None or d['clientId'] != p['clientId']:
            raise AwsError('InvalidGrantException', 'Invalid grant provided', status=400)
        now = time.time()
        if now > d['expires']:
            raise AwsError('ExpiredTokenException', 'Device code has expired', status=400)
        too_fast = now - d['last_poll'] < INTERVAL * 0.8
        d['last_poll'] = now
        if self.slowdowns > 0:
            self.slowdowns -= 1
            raise AwsError('SlowDownException', 'Client is polling too fast', status=400)
        if d['state'] == 'denied':
            raise AwsError('AccessDeniedException', 'Access denied', status=400)
        if d['state'] == 'pending':
            if too_fast:
                raise AwsError('SlowDownException', 'Client is polling too fast', status=400)
            raise AwsError('AuthorizationPendingException', 'Authorization is still pending', status=400)
        del self.devices[p['deviceCode']]
        return self._issue(p['clientId'], d['startUrl'])

    def token_valid(self, token):
        t = self.tokens.get(token)
        return t is not None and t['expires'] > time.time()

    def control(self, method, path, doc, q=None):
        if path == 'slowdown':
            self.slowdowns = int(doc.get('count', 1))
            return {'slowdowns': self.slowdowns}
        if path in ('approve', 'deny'):
            n = 0
            for d in self.devices.values():
                if d['state'] == 'pending' and doc.get('userCode') in (None, d['userCode']):
                    d['state'] = 'approved' if path == 'approve' else 'denied'
                    n += 1
            return {'changed': n}
        if path == 'lifetime':
            self.token_seconds = int(doc.get('seconds', TOKEN_SECONDS))
            return {'seconds': self.token_seconds}
        if path == 'signin':
            return self._signin(doc)
        if path == 'revoke':
            n = 0
            for k, r in self.refresh_tokens.items():
                if doc.get('refreshToken') in (None, k) and r['state'] == 'valid':
                    r['state'] = 'revoked'
                    n += 1
            return {'revoked': n}
        if path == '':
            return {'pending': [d['userCode'] for d in self.devices.values() if d['state'] == 'pending'],
                    'tokens': len(self.tokens),
                    'refreshTokens': sum(r['state'] == 'valid' for r in self.refresh_tokens.values()),
                    'refreshed': self.refreshed}
        return None

    def _signin(self, doc):
        start_url = doc.get('startUrl', 'https://d-0000000000.awsapps.com/start')
        reg = self.op_RegisterClient(None, {'clientName': 'testbed-signin'})
        saved = self.token_seconds
        self.token_seconds = int(doc.get('expiresIn', saved))
        try:
            tok = self._issue(reg['clientId'], start_url)
        finally:
            self.token_seconds = saved
        fmt = '%Y-%m-%dT%H:%M:%SZ'
        return {'startUrl': start_url, 'region': doc.get('region', 'us-east-1'),
                'accessToken': tok['accessToken'],
                'expiresAt': time.strftime(fmt, time.gmtime(time.time() + tok['expiresIn'])),
                'refreshToken': tok['refreshToken'], 'clientId': reg['clientId'],
                'clientSecret': reg['clientSecret'],
                'registrationExpiresAt': time.strftime(fmt, time.gmtime(reg['clientSecretExpiresAt']))}
