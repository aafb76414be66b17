"""iam.py: AWS IAM (query protocol) -- the roles, policies and instance
profiles `gcrunner setup` creates.

State: roles (trust policy, inline policies, attached managed policies,
tags), instance profiles (at most one role each, as in AWS), service-linked
roles (CreateServiceLinkedRole makes AWSServiceRoleFor<Service>).  Policy
documents must be JSON (MalformedPolicyDocument otherwise) and come back
URL-encoded, as IAM answers them.  SimulatePrincipalPolicy decides from the
caller's "denied" list (the test server's only notion of permissions).

    GET /__control/iam           {"roles": {...}, "instanceProfiles": {...}}
"""
import json
import time
import urllib.parse
import uuid

from codec import AwsError
from world import Service, glob_match

MANAGED = {
    'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role',
    'arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole',
}


def _id(prefix):
    return prefix + uuid.uuid4().hex[:17].upper()


class Iam(Service):
    MODEL = 'iam'
    VALIDATION = (400, 'ValidationError')
    TYPE_ERROR = (400, 'ValidationError')
    UNKNOWN_MEMBER = (400, 'InvalidParameterValue')
    THROTTLE = (400, 'Throttling', 'Rate exceeded')
    SERVER_ERROR = (500, 'ServiceFailure', 'The request processing has failed because of an unknown error.')
    UNAVAILABLE = (503, 'ServiceUnavailable', 'Service unavailable.')
    ACCESS_DENIED = (403, 'AccessDenied')

    def reset(self, seed):
        self.roles = {}
        self.profiles = {}

    # -- helpers -----------------------------------------------------------
    def _role(self, name):
        r = self.roles.get(name)
        if r is None:
            raise AwsError('NoSuchEntity', 'The role with name %s cannot be found.' % name, status=404)
        return r

    def _profile(self, name):
        p = self.profiles.get(name)
        if p is None:
            raise AwsError('NoSuchEntity', 'Instance Profile %s cannot be found.' % name, status=404)
        return p

    @staticmethod
    def _document(text):
        try:
            doc = json.loads(urllib.parse.unquote(text) if text.lstrip().startswith('%') else text)
        except ValueError:
            raise AwsError('MalformedPolicyDocument', 'Syntax errors in policy.', status=400)
        if not isinstance(doc, dict) or 'Statement' not in doc:
            raise AwsError('MalformedPolicyDocument', 'Policy document must contain Statement.', status=400)
        return doc

    def _public_role(self, r):
        out = {k: r[k] for k in ('Path', 'RoleName', 'RoleId', 'Arn', 'CreateDate')}
        out['AssumeRolePolicyDocument'] = urllib.parse.quote(json.dumps(r['trust']))
        if r.get('Description'):
            out['Description'] = r['Description']
        if r['tags']:
            out['Tags'] = [{'Key': k, 'Value': v} for k, v in r['tags'].items()]
        return out

    def _public_profile(self, p):
        return {'Path': '/', 'InstanceProfileName': p['name'], 'InstanceProfileId': p['id'],
                'Arn': p['arn'], 'CreateDate': p['created'],
                'Roles': [self._public_role(self.roles[n]) for n in p['roles'] if n in self.roles]}

    def _new_role(self, ctx, name, trust, path='/', description=None, tags=None):
        r = {'Path': path, 'RoleName': name, 'RoleId': _id('AROA'),
             'Arn': 'arn:aws:iam::%s:role%s%s' % (ctx.account, path, name),
             'CreateDate': ctx.now, 'trust': trust, 'Description': description,
             'tags': {t['Key']: t['Value'] for t in (tags or [])},
             'inline': {}, 'attached': []}
        self.roles[name] = r
        return r

    # -- roles -------------------------------------------------------------
    def op_CreateRole(self, ctx, p):
        name = p['RoleName']
        if name in self.roles:
            raise AwsError('EntityAlreadyExists', 'Role with name %s already exists.' % name, status=409)
        r = self._new_role(ctx, name, self._document(p['AssumeRolePolicyDocument']),
                           p.get('Path', '/'), p.get('Description'), p.get('Tags'))
        return {'Role': self._public_role(r)}

    def op_GetRole(self, ctx, p):
        return {'Role': self._public_role(self._role(p['RoleName']))}

    def op_DeleteRole(self, ctx, p):
        r = self._role(p['RoleName'])
        if r['inline'] or r['attached']:
            raise AwsError('DeleteConflict', 'Cannot delete entity, must delete policies first.', status=409)
        if any(r['RoleName'] in ip['roles'] for ip in self.profiles.values()):
            raise AwsError('DeleteConflict',
                           'Cannot delete entity, must remove roles from instance profile first.', status=409)
        del self.roles[r['RoleName']]
        return {}

    def op_CreateServiceLinkedRole(self, ctx, p):
        service = p['AWSServiceName']
        short = service.split('.')[0].capitalize()
        name = 'AWSServiceRoleFor' + short
        if name in self.roles:
            raise AwsError('InvalidInput', 'Service role name %s has been taken in this account, '
                           'please try a different suffix.' % name, status=400)
        trust = {'Version': '2012-10-17', 'Statement': [
            {'Effect': 'Allow', 'Principal': {'Service': service}, 'Action': 'sts:AssumeRole'}]}
        r = self._new_role(ctx, name, trust, '/aws-service-role/%s/' % service, p.get('Description'))
        return {'Role': self._public_role(r)}

    def op_PutRolePolicy(self, ctx, p):
        r = self._role(p['RoleName'])
        r['inline'][p['PolicyName']] = self._document(p['PolicyDocument'])
        return {}

    def op_GetRolePolicy(self, ctx, p):
        r = self._role(p['RoleName'])
        doc = r['inline'].get(p['PolicyName'])
        if doc is None:
            raise AwsError('NoSuchEntity', 'The role policy with name %s cannot be found.' % p['PolicyName'],
                           status=404)
        return {'RoleName': r['RoleName'], 'PolicyName': p['PolicyName'],
                'PolicyDocument': urllib.parse.quote(json.dumps(doc))}

    def op_DeleteRolePolicy(self, ctx, p):
        r = self._role(p['RoleName'])
        if r['inline'].pop(p['PolicyName'], None) is None:
            raise AwsError('NoSuchEntity', 'The role policy with name %s cannot be found.' % p['PolicyName'],
                           status=404)
        return {}

    def op_ListRolePolicies(self, ctx, p):
        return {'PolicyNames': sorted(self._role(p['RoleName'])['inline']), 'IsTruncated': False}

    def op_AttachRolePolicy(self, ctx, p):
        r = self._role(p['RoleName'])
        arn = p['PolicyArn']
        if arn not in MANAGED and ':aws:policy/' in arn:
            raise AwsError('NoSuchEntity', 'Policy %s does not exist or is not attachable.' % arn, status=404)
        if arn not in r['attached']:
            r['attached'].append(arn)
        return {}

    def op_DetachRolePolicy(self, ctx, p):
        r = self._role(p['RoleName'])
        if p['PolicyArn'] not in r['attached']:
            raise AwsError('NoSuchEntity', 'Policy %s was not found.' % p['PolicyArn'], status=404)
        r['attached'].remove(p['PolicyArn'])
        return {}

    def op_ListAttachedRolePolicies(self, ctx, p):
        r = self._role(p['RoleName'])
        return {'AttachedPolicies': [{'PolicyName': a.rsplit('/', 1)[1], 'PolicyArn': a}
                                     for a in r['attached']], 'IsTruncated': False}

    # -- instance profiles ----------------------------------------------------
    def op_CreateInstanceProfile(self, ctx, p):
        name = p['InstanceProfileName']
        if name in self.profiles:
            raise AwsError('EntityAlreadyExists', 'Instance Profile %s already exists.' % name, status=409)
        ip = {'name': name, 'id': _id('AIPA'), 'created': ctx.now, 'roles': [],
              'arn': 'arn:aws:iam::%s:instance-profile/%s' % (ctx.account, name)}
        self.profiles[name] = ip
        return {'InstanceProfile': self._public_profile(ip)}

    def op_GetInstanceProfile(self, ctx, p):
        return {'InstanceProfile': self._public_profile(self._profile(p['InstanceProfileName']))}

    def op_AddRoleToInstanceProfile(self, ctx, p):
        ip = self._profile(p['InstanceProfileName'])
        self._role(p['RoleName'])
        if ip['roles']:
            raise AwsError('LimitExceeded', 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1',
                           status=409)
        ip['roles'].append(p['RoleName'])
        return {}

    def op_RemoveRoleFromInstanceProfile(self, ctx, p):
        ip = self._profile(p['InstanceProfileName'])
        if p['RoleName'] not in ip['roles']:
            raise AwsError('NoSuchEntity', 'The role %s is not in instance profile %s.'
                           % (p['RoleName'], ip['name']), status=404)
        ip['roles'].remove(p['RoleName'])
        return {}

    def op_DeleteInstanceProfile(self, ctx, p):
        ip = self._profile(p['InstanceProfileName'])
        if ip['roles']:
            raise AwsError('DeleteConflict', 'Cannot delete entity, must remove roles from instance profile first.',
                           status=409)
        del self.profiles[ip['name']]
        return {}

    # -- permissions -------------------------------------------------------------
    def op_SimulatePrincipalPolicy(self, ctx, p):
        denied = ctx.ident.denied if ctx.ident else ()
        results = []
        for action in p['ActionNames']:
            refused = any(glob_match(d, action, case=False) for d in denied)
            results.append({'EvalActionName': action, 'EvalResourceName': '*',
                            'EvalDecision': 'implicitDeny' if refused else 'allowed'})
        return {'EvaluationResults': results, 'IsTruncated': False}

    def control(self, method, path, doc, q=None):
        if path in ('', 'state'):
            return {'roles': {n: {'arn': r['Arn'], 'inline': sorted(r['inline']), 'attached': r['attached'],
                                  'tags': r['tags']} for n, r in self.roles.items()},
                    'instanceProfiles': {n: ip['roles'] for n, ip in self.profiles.items()}}
        return None
