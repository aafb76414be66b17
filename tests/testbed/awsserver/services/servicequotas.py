"""servicequotas.py: Service Quotas (json 1.1) -- the EC2 vCPU quotas
`gcrunner setup` checks, and quota increase requests.

Seeded values (a young account's): spot standard L-34B43A08 = 32 vCPUs,
on-demand standard L-1216C47A = 256 vCPUs.

    POST /__control/service-quotas   {"L-34B43A08": 640}   set values
    GET  /__control/service-quotas   {"quotas": {...}, "requests": [...]}
"""
import uuid

from codec import AwsError
from world import Service

NAMES = {
    'L-34B43A08': 'All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests',
    'L-1216C47A': 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances',
}


class ServiceQuotas(Service):
    MODEL = 'service-quotas'
    VALIDATION = (400, 'ValidationException')
    TYPE_ERROR = (400, 'SerializationException')
    UNKNOWN_MEMBER = (400, 'SerializationException')
    THROTTLE = (400, 'TooManyRequestsException', 'Rate exceeded')
    SERVER_ERROR = (500, 'ServiceException', 'An internal error occurred.')
    ACCESS_DENIED = (400, 'AccessDeniedException')

    def reset(self, seed):
        self.values = {'L-34B43A08': 32.0, 'L-1216C47A': 256.0}
        self.requests = []

    def _quota(self, ctx, code):
        if code not in self.values:
            raise AwsError('NoSuchResourceException', 'The quota %s does not exist.' % code, status=400)
        return {'ServiceCode': 'ec2', 'ServiceName': 'Amazon Elastic Compute Cloud (Amazon EC2)',
                'QuotaArn': 'arn:aws:servicequotas:%s:%s:ec2/%s' % (ctx.region, ctx.account, code),
                'QuotaCode': code, 'QuotaName': NAMES.get(code, code), 'Value': self.values[code],
                'Unit': 'None', 'Adjustable': True, 'GlobalQuota': False}

    def op_GetServiceQuota(self, ctx, p):
        if p['ServiceCode'] != 'ec2':
            raise AwsError('NoSuchResourceException', 'The service %s is not known here.' % p['ServiceCode'],
                           status=400)
        return {'Quota': self._quota(ctx, p['QuotaCode'])}

    def op_RequestServiceQuotaIncrease(self, ctx, p):
        q = self._quota(ctx, p['QuotaCode'])
        if p['DesiredValue'] <= q['Value']:
            raise AwsError('IllegalArgumentException',
                           'The desired value must be greater than the current value.', status=400)
        req = {'Id': uuid.uuid4().hex, 'CaseId': 'case-' + uuid.uuid4().hex[:10],
               'ServiceCode': 'ec2', 'QuotaCode': p['QuotaCode'], 'QuotaName': q['QuotaName'],
               'DesiredValue': p['DesiredValue'], 'Status': 'PENDING', 'Created': ctx.now,
               'Requester': ctx.ident.arn if ctx.ident else None, 'QuotaArn': q['QuotaArn'],
               'GlobalQuota': False, 'Unit': 'None'}
        self.requests.append(req)
        return {'RequestedQuota': req}

    def control(self, method, path, doc, q=None):
        if path != '':
            return None
        if method == 'POST':
            for code, value in doc.items():
                self.values[code] = float(value)
        return {'quotas': self.values, 'requests': self.requests}
