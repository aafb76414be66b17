"""ssooidc.py: AWS SSO OIDC (rest-json, unsigned) -- the device
authorization flow of `aws sso login` and `gcrunner setup`.

RegisterClient -> StartDeviceAuthorization -> CreateToken answers
AuthorizationPendingException until a test approves the code, as a person
would in the browser; polling faster than `interval` answers
SlowDownException.  Issued access tokens are accepted by the SSO portal
(services/sso.py).

    POST /__control/sso-oidc/approve   {"userCode": "ABCD-EFGH"} (or {} = all pending)
    POST /__control/sso-oidc/deny      {"userCode": ...}
    POST /__control/sso-oidc/slowdown  {"count": N}  the next N polls answer SlowDownException
    GET  /__control/sso-oidc           {"pending": [userCode...], "tokens": N}
"""
import random
import string
import time
import uuid

from codec import AwsError
from world import Service

INTERVAL = 1          # seconds between CreateToken polls the client must keep


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
        self.slowdowns = 0      # forced SlowDownException answers still to give

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
        if p['grantType'] != 'urn:ietf:params:oauth:grant-type:device_code':
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
        token = 'aoa' + uuid.uuid4().hex + uuid.uuid4().hex
        self.tokens[token] = {'startUrl': d['startUrl'], 'expires': now + 8 * 3600}
        return {'accessToken': token, 'tokenType': 'Bearer', 'expiresIn': 8 * 3600,
                'refreshToken': 'aor' + uuid.uuid4().hex}

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
        if path == '':
            return {'pending': [d['userCode'] for d in self.devices.values() if d['state'] == 'pending'],
                    'tokens': len(self.tokens)}
        return None
