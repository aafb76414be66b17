"""sso.py: the AWS SSO portal (rest-json, unsigned, bearer token) -- the
accounts and roles of an Identity Center user, and role credentials.

Tokens come from services/ssooidc.py.  Seeded assignments: account
111122223333 with roles GEOSChemResearcher and ReadOnly.  Role credentials
are temporary keys the signature check accepts, with the ARN
arn:aws:sts::<account>:assumed-role/<role>/sso-user.

    POST /__control/sso   {"accounts": {"111122223333": ["RoleA", ...]}}
"""
import random
import string
import time

import sigv4
from codec import AwsError
from world import Service


def _rand(prefix, n):
    return prefix + ''.join(random.choice(string.ascii_uppercase + string.digits) for _ in range(n))


class Sso(Service):
    MODEL = 'sso'
    VALIDATION = (400, 'InvalidRequestException')
    TYPE_ERROR = (400, 'InvalidRequestException')
    UNKNOWN_MEMBER = (400, 'InvalidRequestException')
    THROTTLE = (429, 'TooManyRequestsException', 'Rate exceeded')
    SERVER_ERROR = (500, 'InternalServerException', 'Internal error')

    def reset(self, seed):
        self.accounts = {'111122223333': ['GEOSChemResearcher', 'ReadOnly']}

    def _check(self, p):
        oidc = self.world.services.get('sso-oidc')
        if oidc is None or not oidc.token_valid(p.get('accessToken')):
            raise AwsError('UnauthorizedException', 'Session token not found or invalid', status=401)

    def op_ListAccounts(self, ctx, p):
        self._check(p)
        return {'accountList': [{'accountId': a, 'accountName': 'account-' + a[-4:],
                                 'emailAddress': 'aws+%s@example.org' % a} for a in sorted(self.accounts)]}

    def op_ListAccountRoles(self, ctx, p):
        self._check(p)
        roles = self.accounts.get(p['accountId'], [])
        return {'roleList': [{'roleName': r, 'accountId': p['accountId']} for r in roles]}

    def op_GetRoleCredentials(self, ctx, p):
        self._check(p)
        if p['roleName'] not in self.accounts.get(p['accountId'], []):
            raise AwsError('ForbiddenException', 'No access', status=403)
        expires = time.time() + 3600
        secret = _rand('', 40)
        ident = sigv4.Identity(_rand('ASIA', 16), secret, p['accountId'],
                               'arn:aws:sts::%s:assumed-role/%s/sso-user' % (p['accountId'], p['roleName']),
                               _rand('AROA', 17) + ':sso-user', session_token=_rand('IQoJb3JpZ2lu', 200),
                               expires=expires)
        self.world.store.add(ident)
        return {'roleCredentials': {'accessKeyId': ident.access_key, 'secretAccessKey': secret,
                                    'sessionToken': ident.session_token, 'expiration': int(expires * 1000)}}

    def op_Logout(self, ctx, p):
        return {}

    def control(self, method, path, doc, q=None):
        if path != '':
            return None
        if method == 'POST' and 'accounts' in doc:
            self.accounts = doc['accounts']
        return {'accounts': self.accounts}
