"""pcluster.py: the AWS ParallelCluster 3 API (rest-json, SigV4 as
execute-api) -- the cluster operations gcrunner uses: ListClusters,
CreateCluster, DescribeCluster, DeleteCluster.

botocore has no model for this API (it is deployed into the user's account
behind API Gateway); models/parallelcluster/3.0.0/service-2.json is written
from the ParallelCluster 3 API reference (docs.aws.amazon.com/parallelcluster/
latest/ug/api-reference-v3.html, and the OpenAPI spec in the
aws-parallelcluster repository's api/spec) for the four operations, with
the same shapes, status enums, name pattern and HTTP codes (202 for create
and delete, 404 NotFoundException, 409 ConflictException, 400
BadRequestException).

Requests may carry the API Gateway stage of the invoke URL first
(/prod/v3/clusters), as the deployed API's do.

Clusters live on the simulated clock: CREATE_IN_PROGRESS for
create_seconds, then CREATE_COMPLETE with a head node (instance type from
the configuration's HeadNode.InstanceType); DELETE_IN_PROGRESS for
delete_seconds, then gone.  The configuration is checked the way the
service's own validators would fail it first: YAML, the required sections
(Image.Os, HeadNode with InstanceType and Networking.SubnetId,
Scheduling.Scheduler slurm with SlurmQueues), and Region equal to the
request's region when given.

    POST /__control/parallelcluster {"create_seconds": 2, "delete_seconds": 1,
                                     "fail_next_create": "reason"}
    GET  /__control/parallelcluster  {"clusters": [...], "settings": {...}}
"""
import hashlib
import os

import yaml

from codec import AwsError
from world import Service

HERE = os.path.dirname(os.path.abspath(__file__))
VERSION = '3.12.0'


class ParallelCluster(Service):
    MODEL = 'parallelcluster'
    MODEL_DIRS = (os.path.join(HERE, '..', 'models'),)
    API_GATEWAY_STAGE = True        # /prod/v3/clusters as well as /v3/clusters
    VALIDATION = (400, 'BadRequestException')
    TYPE_ERROR = (400, 'BadRequestException')
    UNKNOWN_MEMBER = (400, 'BadRequestException')
    THROTTLE = (429, 'LimitExceededException', 'Too Many Requests')
    SERVER_ERROR = (500, 'InternalServiceException', 'Internal server error')
    ACCESS_DENIED = (403, 'AccessDeniedException')

    def reset(self, seed):
        self.clusters = {}
        self.create_seconds = 2.0
        self.delete_seconds = 1.0
        self.fail_next_create = None

    # -- state on the simulated clock ------------------------------------------------
    def _advance(self, now):
        for key, c in list(self.clusters.items()):
            if c['status'] == 'CREATE_IN_PROGRESS' and now >= c['created'] + self.create_seconds:
                if c.get('fail'):
                    c['status'], c['stack'] = 'CREATE_FAILED', 'ROLLBACK_COMPLETE'
                    c['failures'] = [{'failureCode': 'HeadNodeBootstrapFailure',
                                      'failureReason': c['fail']}]
                else:
                    c['status'], c['stack'] = 'CREATE_COMPLETE', 'CREATE_COMPLETE'
                    c['fleet'] = 'RUNNING'
                c['updated'] = c['created'] + self.create_seconds
            if c['status'] == 'DELETE_IN_PROGRESS' and now >= c['deleting'] + self.delete_seconds:
                del self.clusters[key]

    def _region(self, ctx, p):
        return p.get('region') or ctx.region

    def _summary(self, c):
        return {'clusterName': c['name'], 'region': c['region'], 'version': VERSION,
                'cloudformationStackArn': c['arn'], 'cloudformationStackStatus': c['stack'],
                'clusterStatus': c['status'], 'scheduler': {'type': 'slurm'}}

    def _get(self, ctx, p):
        self._advance(ctx.now)
        c = self.clusters.get((self._region(ctx, p), p['clusterName']))
        if c is None:
            raise AwsError('NotFoundException',
                           "Cluster '%s' does not exist or belongs to an incompatible ParallelCluster "
                           "major version." % p['clusterName'], status=404)
        return c

    @staticmethod
    def _check_config(text, region):
        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as e:
            raise AwsError('BadRequestException', 'Bad Request: configuration must be a valid YAML '
                           'document: %s' % str(e).splitlines()[0], status=400)
        if not isinstance(doc, dict):
            raise AwsError('BadRequestException', 'Bad Request: configuration must be a valid YAML '
                           'document', status=400)
        errors = []

        def need(path):
            node = doc
            for part in path.split('.'):
                if not isinstance(node, dict) or part not in node:
                    errors.append("Missing data for required field '%s'" % path)
                    return None
                node = node[part]
            return node
        need('Image.Os')
        need('HeadNode.InstanceType')
        need('HeadNode.Networking.SubnetId')
        sched = need('Scheduling.Scheduler')
        if sched is not None and sched not in ('slurm', 'awsbatch'):
            errors.append("Scheduling.Scheduler must be one of: slurm, awsbatch")
        queues = need('Scheduling.SlurmQueues')
        if queues is not None and not (isinstance(queues, list) and queues):
            errors.append('Scheduling.SlurmQueues must be a non-empty list')
        if region and doc.get('Region') not in (None, region):
            errors.append("The region in the configuration (%s) differs from the request's (%s)"
                          % (doc.get('Region'), region))
        if errors:
            raise AwsError('BadRequestException', 'Invalid cluster configuration: ' + '; '.join(errors),
                           status=400)
        return doc

    # -- operations ------------------------------------------------------------------
    def op_ListClusters(self, ctx, p):
        self._advance(ctx.now)
        region = self._region(ctx, p)
        wanted = set(p.get('clusterStatus') or [])
        return {'clusters': [self._summary(c) for (r, _), c in sorted(self.clusters.items())
                             if r == region and (not wanted or c['status'] in wanted)]}

    def op_CreateCluster(self, ctx, p):
        self._advance(ctx.now)
        region = self._region(ctx, p)
        name = p['clusterName']
        doc = self._check_config(p['clusterConfiguration'], region)
        if (region, name) in self.clusters:
            raise AwsError('ConflictException', "Cluster '%s' already exists." % name, status=409)
        digest = hashlib.sha256(('%s/%s' % (region, name)).encode()).hexdigest()
        c = {'name': name, 'region': region, 'config': p['clusterConfiguration'],
             'arn': 'arn:aws:cloudformation:%s:%s:stack/%s/%s' % (region, ctx.account, name, digest[:36]),
             'status': 'CREATE_IN_PROGRESS', 'stack': 'CREATE_IN_PROGRESS', 'fleet': 'UNKNOWN',
             'created': ctx.now, 'updated': ctx.now, 'failures': [],
             'head_type': doc['HeadNode']['InstanceType'], 'head_id': 'i-0' + digest[:16],
             'head_ip': '10.0.%d.%d' % (int(digest[:2], 16), int(digest[2:4], 16) or 1),
             'fail': self.fail_next_create}
        self.fail_next_create = None
        if p.get('dryrun'):
            raise AwsError('DryRunOperationException', 'Request would have succeeded, but DryRun flag is set.',
                           status=412)
        self.clusters[(region, name)] = c
        return {'cluster': self._summary(c)}

    def op_DescribeCluster(self, ctx, p):
        c = self._get(ctx, p)
        out = self._summary(c)
        out.pop('cloudformationStackStatus')
        out.update({'cloudFormationStackStatus': c['stack'], 'computeFleetStatus': c['fleet'],
                    'creationTime': c['created'], 'lastUpdatedTime': c['updated'],
                    'clusterConfiguration': {'url': 'https://parallelcluster-%s.s3.amazonaws.com/%s/config.yaml'
                                             % (c['region'], c['name'])},
                    'tags': [{'key': 'parallelcluster:version', 'value': VERSION}],
                    'failures': c['failures']})
        if c['status'] in ('CREATE_COMPLETE', 'UPDATE_COMPLETE', 'DELETE_IN_PROGRESS'):
            out['headNode'] = {'instanceId': c['head_id'], 'instanceType': c['head_type'],
                               'launchTime': c['created'] + 60, 'privateIpAddress': c['head_ip'],
                               'state': 'running' if c['status'] != 'DELETE_IN_PROGRESS' else 'shutting-down'}
        return out

    def op_DeleteCluster(self, ctx, p):
        c = self._get(ctx, p)
        if c['status'] != 'DELETE_IN_PROGRESS':
            c['status'], c['stack'] = 'DELETE_IN_PROGRESS', 'DELETE_IN_PROGRESS'
            c['deleting'] = ctx.now
        return {'cluster': self._summary(c)}

    def control(self, method, path, doc, q=None):
        if path != '':
            return None
        if method == 'POST':
            if 'create_seconds' in doc:
                self.create_seconds = float(doc['create_seconds'])
            if 'delete_seconds' in doc:
                self.delete_seconds = float(doc['delete_seconds'])
            if 'fail_next_create' in doc:
                self.fail_next_create = doc['fail_next_create']
        return {'clusters': [dict(self._summary(c), headNode=c['head_id']) for c in self.clusters.values()],
                'settings': {'create_seconds': self.create_seconds, 'delete_seconds': self.delete_seconds}}
