"""sts.py: AWS STS (query protocol) -- who am I, and temporary credentials.

AssumeRole issues a new ASIA... key with a session token that the signature
check then accepts until it expires (real time: clients compare it with
their own clock).  POST /__control/sts {"durationSeconds": N} shortens the
lifetime of what is issued (to test refresh); {"denyRoles": ["arn:...*"]}
makes AssumeRole of matching roles fail with AccessDenied.
"""
import random
import re
import string
import time

import sigv4
from codec import AwsError
from world import Service, glob_match

ROLE_ARN_RE = re.compile(r'^arn:aws[a-z-]*:iam::(\d{12}):role/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)$')


def _key(prefix, n=16):
    return prefix + ''.join(random.choice(string.ascii_uppercase + string.digits) for _ in range(n))


def _secret():
    return ''.join(random.choice(string.ascii_letters + string.digits + '+/') for _ in range(40))


class Sts(Service):
    MODEL = 'sts'
    VALIDATION = (400, 'ValidationError')
    TYPE_ERROR = (400, 'ValidationError')
    UNKNOWN_MEMBER = (400, 'InvalidParameterValue')
    THROTTLE = (400, 'Throttling', 'Rate exceeded')
    SERVER_ERROR = (500, 'InternalFailure', 'An internal error occurred.')
    UNAVAILABLE = (503, 'ServiceUnavailable', 'Service unavailable.')
    ACCESS_DENIED = (403, 'AccessDenied')
    UNSIGNED_OPERATIONS = ('AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML')

    def reset(self, seed):
        self.duration_override = None
        self.deny_roles = []
        self.web_tokens = None
        self.issued = 0

    def op_GetCallerIdentity(self, ctx, p):
        i = ctx.ident
        return {'UserId': i.user_id, 'Account': i.account, 'Arn': i.arn}

    def _issue(self, ctx, account, arn, user_id, duration):
        if self.duration_override is not None:
            duration = self.duration_override
        expires = time.time() + duration
        ident = sigv4.Identity(_key('ASIA'), _secret(), account, arn, user_id,
                               session_token='FQoGZXIvYXdzE' + _secret() + _secret(), expires=expires,
                               denied=ctx.ident.denied if ctx.ident else ())
        self.world.store.add(ident)
        self.issued += 1
        return ident, {'AccessKeyId': ident.access_key, 'SecretAccessKey': ident.secret_key,
                       'SessionToken': ident.session_token, 'Expiration': int(expires)}

    def _assume(self, ctx, p, action):
        """Checks shared by the AssumeRole calls; returns the answer."""
        m = ROLE_ARN_RE.match(p['RoleArn'])
        if not m:
            raise AwsError('ValidationError', '%s is invalid' % p['RoleArn'], 400)
        if not re.match(r'^[\w+=,.@-]{2,64}$', p['RoleSessionName']):
            raise AwsError('ValidationError', "1 validation error detected: Value '%s' at 'roleSessionName' "
                           "failed to satisfy constraint: Member must satisfy regular expression pattern: "
                           "[\\w+=,.@-]*" % p['RoleSessionName'], 400)
        if any(glob_match(pat, p['RoleArn']) for pat in self.deny_roles):
            who = ctx.ident.arn if ctx.ident else 'anonymous'
            raise AwsError('AccessDenied', 'User: %s is not authorized to perform: %s on resource: %s'
                           % (who, action, p['RoleArn']), 403)
        account, role = m.group(1), m.group(2)
        user_id = '%s:%s' % ('AROA' + _key('', 17), p['RoleSessionName'])
        arn = 'arn:aws:sts::%s:assumed-role/%s/%s' % (account, role, p['RoleSessionName'])
        _, creds = self._issue(ctx, account, arn, user_id, p.get('DurationSeconds', 3600))
        return {'Credentials': creds, 'AssumedRoleUser': {'AssumedRoleId': user_id, 'Arn': arn}}

    def op_AssumeRole(self, ctx, p):
        out = self._assume(ctx, p, 'sts:AssumeRole')
        if p.get('SourceIdentity'):
            out['SourceIdentity'] = p['SourceIdentity']
        return out

    def op_AssumeRoleWithWebIdentity(self, ctx, p):
        """Unsigned, as in AWS.  Any token is accepted unless control set
        {"webIdentityTokens": [...]} (then others are InvalidIdentityToken)."""
        if self.web_tokens is not None and p['WebIdentityToken'] not in self.web_tokens:
            raise AwsError('InvalidIdentityToken', "Couldn't retrieve verification key from your identity provider",
                           400)
        out = self._assume(ctx, p, 'sts:AssumeRoleWithWebIdentity')
        out.update({'SubjectFromWebIdentityToken': 'system:serviceaccount:default:gcrunner',
                    'Provider': 'oidc.testbed.local', 'Audience': 'sts.amazonaws.com'})
        return out

    def op_GetSessionToken(self, ctx, p):
        if ctx.ident.session_token is not None:
            raise AwsError('AccessDenied', 'Cannot call GetSessionToken with session credentials', 403)
        _, creds = self._issue(ctx, ctx.ident.account, ctx.ident.arn, ctx.ident.user_id,
                               p.get('DurationSeconds', 43200))
        return {'Credentials': creds}

    def op_GetAccessKeyInfo(self, ctx, p):
        ident = self.world.store.get(p['AccessKeyId'])
        return {'Account': ident.account if ident else '000000000000'}

    def control(self, method, path, doc, q):
        if path == '':
            if method == 'POST':
                if 'durationSeconds' in doc:
                    self.duration_override = None if doc['durationSeconds'] is None else float(doc['durationSeconds'])
                if 'denyRoles' in doc:
                    self.deny_roles = list(doc['denyRoles'])
                if 'webIdentityTokens' in doc:
                    self.web_tokens = None if doc['webIdentityTokens'] is None else list(doc['webIdentityTokens'])
            return {'durationSeconds': self.duration_override, 'denyRoles': self.deny_roles,
                    'webIdentityTokens': self.web_tokens, 'issued': self.issued}
        return None
