"""batch.py: AWS Batch (rest-json) with real state.

Compute environments, job queues, job definitions (revisions, ACTIVE /
INACTIVE) and jobs.  A job moves SUBMITTED -> (PENDING) -> RUNNABLE ->
STARTING -> RUNNING -> SUCCEEDED | FAILED on the simulated clock; each state
lasts the seconds in `timing` (control: POST /__control/batch/timing).  The
state is worked out lazily from the clock whenever a request looks at it.

How a job ends is decided when it is submitted, from (first match wins):
  1. rules set through POST /__control/batch/rules,
  2. words in its effective command: testbed:exit=N, testbed:stuck=REASON,
     testbed:runtime=SECONDS, testbed:reclaims=N, testbed:fail-at=0.4,
     testbed:period=2019-07-01..2019-08-01,
  3. TESTBED_EXIT_CODE, TESTBED_STUCK_REASON, TESTBED_RUNTIME,
     TESTBED_RECLAIMS, TESTBED_FAIL_AT, TESTBED_PERIOD in its environment;
otherwise it succeeds.  A running job writes a GEOS-Chem-like log (simulated
dates) to CloudWatch Logs.
"""
import json
import os
import re
import uuid

from codec import AwsError
from world import Service, glob_match
from services import gclog

FINAL = ('SUCCEEDED', 'FAILED')
ORDER = ('SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED')
DEFAULT_TIMING = {'SUBMITTED': 1.0, 'PENDING': 0.0, 'RUNNABLE': 1.0, 'STARTING': 1.0, 'RUNNING': 5.0}
JOB_NAME_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$')
RESOURCE_NAME_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$')
REF_RE = re.compile(r'Ref::([A-Za-z0-9_]+)')
TOKEN_RE = re.compile(r'testbed:([a-z-]+)=(\S+)')


def _client(message):
    return AwsError('ClientException', message, status=400)


def _timing_from_env():
    t = dict(DEFAULT_TIMING)
    spec = os.environ.get('TESTBED_BATCH_TIMING', '')
    for part in spec.split(','):
        if '=' in part:
            k, v = part.split('=', 1)
            t[k.strip().upper()] = float(v)
    return t


class Outcome:
    """How a job's attempts end."""

    def __init__(self):
        self.exit_code = 0
        self.stuck = None           # statusReason while it stays RUNNABLE
        self.runtime = None         # seconds RUNNING (None: timing)
        self.reclaims = 0           # attempts lost to spot reclaim first
        self.fail_at = 0.4          # progress at which a failing run stops
        self.period = None          # (start, end) simulated dates
        self.hold = False           # stays in its state until told otherwise

    def apply(self, doc):
        for key, attr, conv in (('exitCode', 'exit_code', int), ('exit', 'exit_code', int),
                                ('stuck', 'stuck', str), ('runtime', 'runtime', float),
                                ('reclaims', 'reclaims', int), ('fail-at', 'fail_at', float),
                                ('failAt', 'fail_at', float), ('hold', 'hold', bool),
                                ('period', 'period', gclog.parse_period)):
            if key in doc and doc[key] is not None:
                setattr(self, attr, conv(doc[key]))
        return self


class Job:
    __slots__ = ('id', 'name', 'arn', 'queue', 'jobdef', 'status', 'since', 'status_reason',
                 'created', 'started', 'stopped', 'attempts', 'attempt', 'params', 'container',
                 'retry', 'timeout', 'tags', 'propagate', 'depends', 'outcome', 'cancelled',
                 'terminated', 'region', 'account', 'summary_cache', 'platform')

    def __init__(self):
        self.attempts = []
        self.attempt = None
        self.started = None
        self.stopped = None
        self.status_reason = None
        self.cancelled = False
        self.terminated = False
        self.depends = []
        self.summary_cache = None


class Batch(Service):
    MODEL = 'batch'
    VALIDATION = (400, 'ClientException')
    TYPE_ERROR = (400, 'ClientException')
    UNKNOWN_MEMBER = (400, 'ClientException')
    THROTTLE = (429, 'TooManyRequestsException', 'Too Many Requests')
    SERVER_ERROR = (500, 'ServerException', 'Internal Server Error')
    UNAVAILABLE = (503, 'ServiceUnavailableException', 'Service Unavailable')
    ACCESS_DENIED = (403, 'AccessDeniedException')

    def reset(self, seed):
        self.ces = {}
        self.queues = {}
        self.jobdefs = {}          # name -> [revision dicts]
        self.jobs = {}             # id -> Job
        self.order = []            # jobs in creation order
        self.active = set()        # ids not yet final
        self.rules = []
        self.timing = _timing_from_env()
        self.default_outcome = {}
        if seed == 'default':
            region, account = 'us-east-1', '111122223333'
            for arch, families in (('arm64', ['c7g', 'c8g', 'hpc7g']),
                                   ('x86_64', ['c5', 'c6i', 'c6a'])):
                ce = 'gcrunner-%s-spot' % arch
                self._create_ce(region, account, {
                    'computeEnvironmentName': ce, 'type': 'MANAGED', 'state': 'ENABLED',
                    'computeResources': {'type': 'SPOT', 'allocationStrategy': 'SPOT_CAPACITY_OPTIMIZED',
                                         'minvCpus': 0, 'maxvCpus': 5000, 'instanceTypes': families,
                                         'subnets': ['subnet-0a1b2c3d'], 'securityGroupIds': ['sg-0a1b2c3d'],
                                         'instanceRole': 'ecsInstanceRole'}})
                self._create_queue(region, account, {
                    'jobQueueName': 'gcrunner-%s' % arch, 'state': 'ENABLED', 'priority': 1,
                    'computeEnvironmentOrder': [{'order': 1, 'computeEnvironment': ce}]})

    # ---- helpers -------------------------------------------------------------
    def _arn(self, region, account, kind, name):
        return 'arn:aws:batch:%s:%s:%s/%s' % (region, account, kind, name)

    def _create_ce(self, region, account, p):
        name = p['computeEnvironmentName']
        ce = {'computeEnvironmentName': name,
              'computeEnvironmentArn': self._arn(region, account, 'compute-environment', name),
              'ecsClusterArn': 'arn:aws:ecs:%s:%s:cluster/%s_Batch_%s' % (region, account, name, uuid.uuid4().hex[:8]),
              'tags': p.get('tags') or {}, 'type': p['type'], 'state': p.get('state', 'ENABLED'),
              'status': 'VALID', 'statusReason': 'ComputeEnvironment Healthy',
              'uuid': str(uuid.uuid4())}
        for k in ('computeResources', 'serviceRole', 'unmanagedvCpus'):
            if p.get(k) is not None:
                ce[k] = p[k]
        if ce['type'] == 'MANAGED' and 'serviceRole' not in ce:
            ce['serviceRole'] = 'arn:aws:iam::%s:role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch' % account
        self.ces[name] = ce
        return ce

    def _create_queue(self, region, account, p):
        name = p['jobQueueName']
        q = {'jobQueueName': name, 'jobQueueArn': self._arn(region, account, 'job-queue', name),
             'state': p.get('state', 'ENABLED'), 'status': 'VALID', 'statusReason': 'JobQueue Healthy',
             'priority': p['priority'], 'computeEnvironmentOrder': [], 'tags': p.get('tags') or {}}
        for o in p['computeEnvironmentOrder']:
            ce = self._find_ce(o['computeEnvironment'])
            q['computeEnvironmentOrder'].append({'order': o['order'],
                                                 'computeEnvironment': ce['computeEnvironmentArn']})
        if p.get('schedulingPolicyArn'):
            q['schedulingPolicyArn'] = p['schedulingPolicyArn']
        self.queues[name] = q
        return q

    def _find_ce(self, ref):
        name = ref.rsplit('/', 1)[-1] if ref.startswith('arn:') else ref
        ce = self.ces.get(name)
        if ce is None:
            raise _client('%s does not exist' % ref)
        return ce

    def _find_queue(self, ref):
        name = ref.rsplit('/', 1)[-1] if ref.startswith('arn:') else ref
        return self.queues.get(name)

    def _find_jobdef(self, ref):
        """name, name:revision or ARN -> revision dict or None."""
        if ref.startswith('arn:'):
            ref = ref.rsplit('/', 1)[-1]
        name, _, rev = ref.partition(':')
        revs = self.jobdefs.get(name)
        if not revs:
            return None
        if rev:
            try:
                r = int(rev)
            except ValueError:
                return None
            return revs[r - 1] if 1 <= r <= len(revs) else None
        active = [d for d in revs if d['status'] == 'ACTIVE']
        return active[-1] if active else None

    # ---- compute environments, queues, job definitions --------------------------
    def op_CreateComputeEnvironment(self, ctx, p):
        name = p['computeEnvironmentName']
        if not RESOURCE_NAME_RE.match(name):
            raise _client('computeEnvironmentName must be up to 128 letters, numbers, hyphens and underscores')
        if name in self.ces:
            raise _client('Object already exists')
        cr = p.get('computeResources')
        if p['type'] == 'MANAGED':
            if not cr:
                raise _client('computeResources must be specified for a MANAGED compute environment')
            if cr.get('minvCpus', 0) > cr['maxvCpus']:
                raise _client('minvCpus must be less than or equal to maxvCpus')
            if cr['type'] in ('EC2', 'SPOT') and not cr.get('instanceTypes'):
                raise _client('instanceTypes must be specified for EC2 and SPOT compute environments')
        ce = self._create_ce(ctx.region, ctx.account, p)
        return {'computeEnvironmentName': name, 'computeEnvironmentArn': ce['computeEnvironmentArn']}

    def op_DescribeComputeEnvironments(self, ctx, p):
        wanted = p.get('computeEnvironments')
        items = list(self.ces.values())
        if wanted:
            items = [c for c in items if c['computeEnvironmentName'] in wanted
                     or c['computeEnvironmentArn'] in wanted]
        page, token = _paginate(items, p.get('maxResults'), p.get('nextToken'), 100)
        return {'computeEnvironments': page, 'nextToken': token}

    def op_UpdateComputeEnvironment(self, ctx, p):
        ce = self._find_ce(p['computeEnvironment'])
        if p.get('state'):
            ce['state'] = p['state']
        if p.get('computeResources'):
            ce.setdefault('computeResources', {}).update(p['computeResources'])
        return {'computeEnvironmentName': ce['computeEnvironmentName'],
                'computeEnvironmentArn': ce['computeEnvironmentArn']}

    def op_DeleteComputeEnvironment(self, ctx, p):
        ce = self._find_ce(p['computeEnvironment'])
        if ce['state'] != 'DISABLED':
            raise _client('Cannot delete, found existing JobQueue relationship' if self._ce_in_use(ce)
                          else 'Compute environment must be DISABLED before it can be deleted')
        if self._ce_in_use(ce):
            raise _client('Cannot delete, found existing JobQueue relationship')
        del self.ces[ce['computeEnvironmentName']]
        return {}

    def _ce_in_use(self, ce):
        return any(o['computeEnvironment'] == ce['computeEnvironmentArn']
                   for q in self.queues.values() for o in q['computeEnvironmentOrder'])

    def op_CreateJobQueue(self, ctx, p):
        name = p['jobQueueName']
        if not RESOURCE_NAME_RE.match(name):
            raise _client('jobQueueName must be up to 128 letters, numbers, hyphens and underscores')
        if name in self.queues:
            raise _client('Object already exists')
        if not p['computeEnvironmentOrder'] or len(p['computeEnvironmentOrder']) > 3:
            raise _client('computeEnvironmentOrder must have between 1 and 3 compute environments')
        q = self._create_queue(ctx.region, ctx.account, p)
        return {'jobQueueName': name, 'jobQueueArn': q['jobQueueArn']}

    def op_DescribeJobQueues(self, ctx, p):
        wanted = p.get('jobQueues')
        items = list(self.queues.values())
        if wanted:
            items = [q for q in items if q['jobQueueName'] in wanted or q['jobQueueArn'] in wanted]
        page, token = _paginate(items, p.get('maxResults'), p.get('nextToken'), 100)
        return {'jobQueues': page, 'nextToken': token}

    def op_UpdateJobQueue(self, ctx, p):
        q = self._find_queue(p['jobQueue'])
        if q is None:
            raise _client('%s does not exist' % p['jobQueue'])
        if p.get('state'):
            q['state'] = p['state']
        if p.get('priority') is not None:
            q['priority'] = p['priority']
        if p.get('computeEnvironmentOrder'):
            q['computeEnvironmentOrder'] = [
                {'order': o['order'], 'computeEnvironment': self._find_ce(o['computeEnvironment'])['computeEnvironmentArn']}
                for o in p['computeEnvironmentOrder']]
        return {'jobQueueName': q['jobQueueName'], 'jobQueueArn': q['jobQueueArn']}

    def op_DeleteJobQueue(self, ctx, p):
        q = self._find_queue(p['jobQueue'])
        if q is None:
            raise _client('%s does not exist' % p['jobQueue'])
        if q['state'] != 'DISABLED':
            raise _client('Job queue must be DISABLED before it can be deleted')
        del self.queues[q['jobQueueName']]
        return {}

    def op_RegisterJobDefinition(self, ctx, p):
        name = p['jobDefinitionName']
        if not RESOURCE_NAME_RE.match(name):
            raise _client('jobDefinitionName must be up to 128 letters, numbers, hyphens and underscores')
        if p['type'] == 'container':
            cp = p.get('containerProperties')
            if not cp or not cp.get('image'):
                raise _client('containerProperties.image must be specified for a container job definition')
            _check_resources(cp.get('resourceRequirements') or [])
        _check_retry(p.get('retryStrategy'))
        _check_timeout(p.get('timeout'))
        revs = self.jobdefs.setdefault(name, [])
        rev = len(revs) + 1
        d = {'jobDefinitionName': name, 'revision': rev, 'status': 'ACTIVE',
             'jobDefinitionArn': self._arn(ctx.region, ctx.account, 'job-definition', '%s:%d' % (name, rev)),
             'type': p['type'], 'containerOrchestrationType': 'ECS'}
        for k in ('parameters', 'containerProperties', 'nodeProperties', 'retryStrategy', 'timeout', 'tags',
                  'propagateTags', 'platformCapabilities', 'schedulingPriority'):
            if p.get(k) is not None:
                d[k] = p[k]
        revs.append(d)
        return {'jobDefinitionName': name, 'jobDefinitionArn': d['jobDefinitionArn'], 'revision': rev}

    def op_DeregisterJobDefinition(self, ctx, p):
        d = self._find_jobdef(p['jobDefinition'])
        if d is None or ':' not in p['jobDefinition'].rsplit('/', 1)[-1]:
            raise _client('Job definition %s not found or revision not given' % p['jobDefinition'])
        d['status'] = 'INACTIVE'
        return {}

    def op_DescribeJobDefinitions(self, ctx, p):
        if p.get('jobDefinitions') and (p.get('jobDefinitionName') or p.get('status')):
            raise _client('jobDefinitions cannot be combined with jobDefinitionName or status')
        items = []
        if p.get('jobDefinitions'):
            for ref in p['jobDefinitions']:
                if ':' in ref.rsplit('/', 1)[-1]:
                    d = self._find_jobdef(ref)
                    if d:
                        items.append(d)
                else:
                    items.extend(self.jobdefs.get(ref.rsplit('/', 1)[-1], []))
        else:
            for name in sorted(self.jobdefs):
                if p.get('jobDefinitionName') and name != p['jobDefinitionName']:
                    continue
                for d in self.jobdefs[name]:
                    if p.get('status') and d['status'] != p['status']:
                        continue
                    items.append(d)
        page, token = _paginate(items, p.get('maxResults'), p.get('nextToken'), 100)
        return {'jobDefinitions': page, 'nextToken': token}

    # ---- jobs -------------------------------------------------------------------------------
    def op_SubmitJob(self, ctx, p):
        if not JOB_NAME_RE.match(p['jobName']):
            raise _client('Job name should be up to 128 letters (uppercase and lowercase), numbers, '
                          'hyphens, and underscores, and the first character must be a letter or number')
        q = self._find_queue(p['jobQueue'])
        if q is None:
            raise _client('JobQueue %s not found' % p['jobQueue'])
        if q['state'] != 'ENABLED':
            raise _client('Job queue %s is not in ENABLED state' % q['jobQueueName'])
        d = self._find_jobdef(p['jobDefinition'])
        if d is None:
            raise _client('Job definition %s does not exist' % p['jobDefinition'])
        if d['status'] != 'ACTIVE':
            raise _client('Job definition %s is INACTIVE' % d['jobDefinitionArn'])
        if p.get('arrayProperties') or p.get('nodeOverrides') or p.get('eksPropertiesOverride'):
            raise _client('the test server supports single container jobs only')
        over = p.get('containerOverrides') or {}
        _check_resources(over.get('resourceRequirements') or [])
        _check_retry(p.get('retryStrategy'))
        _check_timeout(p.get('timeout'))
        for dep in p.get('dependsOn') or []:
            if dep.get('jobId') not in self.jobs:
                raise _client('Dependent job %s does not exist' % dep.get('jobId'))
        params = dict(d.get('parameters') or {})
        params.update(p.get('parameters') or {})
        cp = d.get('containerProperties') or {}
        command = over.get('command') if over.get('command') is not None else list(cp.get('command') or [])
        command = [REF_RE.sub(lambda m: params.get(m.group(1), m.group(0)), c) for c in command]
        env = {e['name']: e.get('value', '') for e in cp.get('environment') or []}
        env.update({e['name']: e.get('value', '') for e in over.get('environment') or []})
        res = {r['type']: r for r in cp.get('resourceRequirements') or []}
        res.update({r['type']: r for r in over.get('resourceRequirements') or []})
        container = {'image': cp.get('image'), 'command': command,
                     'environment': [{'name': k, 'value': v} for k, v in env.items()],
                     'resourceRequirements': list(res.values()),
                     'volumes': cp.get('volumes') or [], 'mountPoints': cp.get('mountPoints') or [],
                     'ulimits': cp.get('ulimits') or [], 'secrets': cp.get('secrets') or [],
                     'networkInterfaces': []}
        for k in ('jobRoleArn', 'executionRoleArn', 'linuxParameters', 'logConfiguration', 'user',
                  'privileged', 'readonlyRootFilesystem'):
            if cp.get(k) is not None:
                container[k] = cp[k]
        if over.get('instanceType'):
            container['instanceType'] = over['instanceType']
        tags = dict(d.get('tags') or {}) if (p.get('propagateTags') or d.get('propagateTags')) else {}
        tags.update(p.get('tags') or {})
        if len(tags) > 50:
            raise _client('Too many tags: at most 50')

        job = Job()
        job.id = str(uuid.uuid4())
        job.name = p['jobName']
        job.region, job.account = ctx.region, ctx.account
        job.arn = self._arn(ctx.region, ctx.account, 'job', job.id)
        job.queue = q['jobQueueArn']
        job.jobdef = d
        job.status = 'SUBMITTED'
        job.created = job.since = ctx.now
        job.params = params
        job.container = container
        job.retry = p.get('retryStrategy') or d.get('retryStrategy')
        job.timeout = p.get('timeout') or d.get('timeout')
        job.tags = tags
        job.propagate = bool(p.get('propagateTags', d.get('propagateTags', False)))
        job.depends = p.get('dependsOn') or []
        job.platform = d.get('platformCapabilities') or ['EC2']
        job.outcome = self._plan(job, env)
        self._add_job(job)
        return {'jobArn': job.arn, 'jobName': job.name, 'jobId': job.id}

    def _add_job(self, job):
        self.jobs[job.id] = job
        self.order.append(job)
        if job.status not in FINAL:
            self.active.add(job.id)

    def _plan(self, job, env):
        out = Outcome().apply(self.default_outcome)
        for rule in self.rules:
            m = rule.get('match', {})
            if 'jobName' in m and not glob_match(m['jobName'], job.name):
                continue
            if 'jobQueue' in m and not (glob_match(m['jobQueue'], job.queue.rsplit('/', 1)[-1])
                                        or m['jobQueue'] == job.queue):
                continue
            if 'jobDefinition' in m and not glob_match(m['jobDefinition'], job.jobdef['jobDefinitionName']):
                continue
            if 'tag' in m and not all(job.tags.get(k) == v for k, v in m['tag'].items()):
                continue
            return out.apply(rule.get('outcome', {}))
        words = {}
        for c in job.container['command']:
            for k, v in TOKEN_RE.findall(c):
                words[k] = v
        for k, v in env.items():
            if k.startswith('TESTBED_'):
                key = {'TESTBED_EXIT_CODE': 'exit', 'TESTBED_STUCK_REASON': 'stuck',
                       'TESTBED_RUNTIME': 'runtime', 'TESTBED_RECLAIMS': 'reclaims',
                       'TESTBED_FAIL_AT': 'fail-at', 'TESTBED_PERIOD': 'period'}.get(k)
                if key and key not in words:
                    words[key] = v
        return out.apply(words)

    def _duration(self, job):
        if job.outcome.hold:
            return None
        if job.status == 'RUNNABLE' and job.outcome.stuck:
            return None
        if job.status == 'RUNNING':
            run = job.outcome.runtime if job.outcome.runtime is not None else self.timing.get('RUNNING')
            if run is None:
                return None
            if job.outcome.reclaims > len(job.attempts):
                run = run * 0.5          # reclaimed half way
            elif job.outcome.exit_code != 0:
                run = run * job.outcome.fail_at
            limit = (job.timeout or {}).get('attemptDurationSeconds')
            if limit is not None and limit < run:
                run = float(limit)
            return run
        return self.timing.get(job.status)

    def advance(self, job, now):
        """Move job through the states whose time has passed."""
        guard = 0
        while job.status not in FINAL and guard < 100:
            guard += 1
            if job.status == 'SUBMITTED' and job.depends:
                if any(self.jobs[d['jobId']].status != 'SUCCEEDED' for d in job.depends
                       if d.get('jobId') in self.jobs):
                    dur = self.timing.get('SUBMITTED')
                    if dur is None or job.since + dur > now:
                        break
                    self._set(job, 'PENDING', job.since + dur)
                    continue
            if job.status == 'PENDING':
                deps = [self.jobs.get(d.get('jobId')) for d in job.depends]
                for dj in deps:
                    if dj is not None:
                        self.advance(dj, now)
                if any(dj is not None and dj.status == 'FAILED' for dj in deps):
                    t = max(dj.stopped for dj in deps if dj is not None and dj.status == 'FAILED')
                    self._finish(job, 'FAILED', max(t, job.since), 'Dependent Job failed')
                    break
                if all(dj is None or dj.status == 'SUCCEEDED' for dj in deps):
                    t = max([job.since] + [dj.stopped for dj in deps if dj is not None])
                    if t > now:
                        break
                    self._set(job, 'RUNNABLE', t)
                    continue
                break
            dur = self._duration(job)
            if dur is None or job.since + dur > now:
                break
            t = job.since + dur
            if job.status == 'SUBMITTED':
                self._set(job, 'RUNNABLE', t)
            elif job.status == 'RUNNABLE':
                self._start_attempt(job, t)
                self._set(job, 'STARTING', t)
            elif job.status == 'STARTING':
                self._set(job, 'RUNNING', t)
                self._running(job, t)
            elif job.status == 'RUNNING':
                self._end_attempt(job, t)
        if job.status in FINAL:
            self.active.discard(job.id)

    def _set(self, job, status, t):
        job.status = status
        job.since = t
        job.summary_cache = None
        if status == 'RUNNABLE' and job.outcome.stuck:
            job.status_reason = job.outcome.stuck
        elif status in ('STARTING', 'RUNNING'):
            job.status_reason = None

    def _start_attempt(self, job, t):
        task = uuid.uuid4().hex
        name = job.jobdef['jobDefinitionName']
        job.attempt = {'container': {
            'containerInstanceArn': 'arn:aws:ecs:%s:%s:container-instance/%s' % (job.region, job.account, uuid.uuid4().hex),
            'taskArn': 'arn:aws:ecs:%s:%s:task/%s' % (job.region, job.account, task),
            'logStreamName': '%s/default/%s' % (name, task), 'networkInterfaces': []},
            'startedAt': None, 'stoppedAt': None, 'statusReason': None,
            'instance': 'i-%s' % uuid.uuid4().hex[:17]}
        job.container['taskArn'] = job.attempt['container']['taskArn']
        job.container['containerInstanceArn'] = job.attempt['container']['containerInstanceArn']

    def _log_target(self, job):
        lc = job.container.get('logConfiguration') or {}
        if lc and lc.get('logDriver', 'awslogs') != 'awslogs':
            return None
        return (lc.get('options') or {}).get('awslogs-group', '/aws/batch/job')

    def _running(self, job, t):
        a = job.attempt
        a['startedAt'] = int(t * 1000)
        if job.started is None:
            job.started = t
        job.container['logStreamName'] = a['container']['logStreamName']
        logs = self.world.services.get('logs')
        group = self._log_target(job)
        if logs is not None and group:
            reclaimed = job.outcome.reclaims > len(job.attempts)
            logs.attach_stream(group, a['container']['logStreamName'],
                               gclog.GeosChemLog(self, job, len(job.attempts), t, reclaimed),
                               job.region, job.account)

    def _end_attempt(self, job, t):
        a = job.attempt
        a['stoppedAt'] = int(t * 1000)
        limit = (job.timeout or {}).get('attemptDurationSeconds')
        reclaimed = job.outcome.reclaims > len(job.attempts)
        timed_out = False
        if reclaimed:
            a['statusReason'] = 'Host EC2 (instance %s) terminated.' % a['instance']
            exit_code = None
        else:
            run = job.outcome.runtime if job.outcome.runtime is not None else self.timing.get('RUNNING')
            if limit is not None and run is not None and limit < (run if job.outcome.exit_code == 0
                                                                  else run * job.outcome.fail_at):
                timed_out = True
                a['statusReason'] = 'Job attempt duration exceeded timeout'
                exit_code = 137
            else:
                exit_code = job.outcome.exit_code
                a['statusReason'] = 'Essential container in task exited'
        if exit_code is not None:
            a['container']['exitCode'] = exit_code
            if timed_out:
                a['container']['reason'] = 'Task stopped: timeout'
        self._close_attempt(job)
        if exit_code == 0:
            self._finish(job, 'SUCCEEDED', t, a['statusReason'], exit_code)
            return
        if not timed_out and self._should_retry(job, a):
            self._set(job, 'RUNNABLE', t)
            job.container.pop('exitCode', None)
            return
        self._finish(job, 'FAILED', t, a['statusReason'], exit_code)

    def _close_attempt(self, job):
        a = job.attempt
        job.attempts.append({'container': a['container'], 'startedAt': a['startedAt'],
                             'stoppedAt': a['stoppedAt'], 'statusReason': a['statusReason']})
        job.attempt = None

    def _should_retry(self, job, a):
        retry = job.retry or {}
        if len(job.attempts) >= retry.get('attempts', 1):
            return False
        rules = retry.get('evaluateOnExit') or []
        code = a['container'].get('exitCode')
        for r in rules:
            if 'onStatusReason' in r and not glob_match(r['onStatusReason'], a['statusReason'] or ''):
                continue
            if 'onReason' in r and not glob_match(r['onReason'], a['container'].get('reason') or ''):
                continue
            if 'onExitCode' in r and not glob_match(r['onExitCode'], '' if code is None else str(code)):
                continue
            return r['action'].upper() == 'RETRY'
        return True

    def _finish(self, job, status, t, reason, exit_code=None):
        job.status = status
        job.since = t
        job.stopped = t
        job.status_reason = reason
        job.summary_cache = None
        if exit_code is not None:
            job.container['exitCode'] = exit_code
        self.active.discard(job.id)

    def tick(self, now):
        for jid in list(self.active):
            self.advance(self.jobs[jid], now)

    # -- job views ---------------------------------------------------------------------------
    def detail(self, job):
        c = dict(job.container)
        d = {'jobArn': job.arn, 'jobName': job.name, 'jobId': job.id, 'jobQueue': job.queue,
             'status': job.status, 'attempts': list(job.attempts), 'createdAt': int(job.created * 1000),
             'dependsOn': job.depends, 'jobDefinition': job.jobdef['jobDefinitionArn'],
             'parameters': job.params, 'container': c, 'tags': job.tags,
             'propagateTags': job.propagate, 'platformCapabilities': job.platform,
             'isCancelled': job.cancelled, 'isTerminated': job.terminated}
        if job.status_reason:
            d['statusReason'] = job.status_reason
        if job.retry:
            d['retryStrategy'] = job.retry
        if job.timeout:
            d['timeout'] = job.timeout
        if job.started is not None:
            d['startedAt'] = int(job.started * 1000)
        if job.stopped is not None:
            d['stoppedAt'] = int(job.stopped * 1000)
        return d

    def summary(self, job):
        if job.summary_cache is not None:
            return job.summary_cache
        s = {'jobArn': job.arn, 'jobId': job.id, 'jobName': job.name, 'createdAt': int(job.created * 1000),
             'status': job.status, 'jobDefinition': job.jobdef['jobDefinitionArn']}
        if job.status_reason:
            s['statusReason'] = job.status_reason
        if job.started is not None:
            s['startedAt'] = int(job.started * 1000)
        if job.stopped is not None:
            s['stoppedAt'] = int(job.stopped * 1000)
        if 'exitCode' in job.container or job.container.get('reason'):
            s['container'] = {k: job.container[k] for k in ('exitCode', 'reason') if k in job.container}
        job.summary_cache = s
        return s

    def op_DescribeJobs(self, ctx, p):
        ids = p['jobs']
        if len(ids) > 100:
            raise _client('1 validation error detected: Value at \'jobs\' failed to satisfy constraint: '
                          'Member must have length less than or equal to 100')
        out = []
        for ref in ids:
            job = self.jobs.get(ref.rsplit('/', 1)[-1] if ref.startswith('arn:') else ref)
            if job is None:
                continue
            self.advance(job, ctx.now)
            out.append(self.detail(job))
        return {'jobs': out}

    def op_ListJobs(self, ctx, p):
        if p.get('arrayJobId') or p.get('multiNodeJobId'):
            return {'jobSummaryList': []}
        if not p.get('jobQueue'):
            raise _client('jobQueue, arrayJobId or multiNodeJobId must be specified')
        q = self._find_queue(p['jobQueue'])
        if q is None:
            raise _client('Job Queue %s does not exist' % p['jobQueue'])
        filters = p.get('filters') or []
        if len(filters) > 1:
            raise _client('Only one filter can be specified at a time')
        self.tick(ctx.now)
        jobs = [j for j in self.order if j.queue == q['jobQueueArn']]
        if filters:
            f = filters[0]
            name, values = f.get('name'), f.get('values') or []
            if len(values) != 1:
                raise _client('Filter %s needs exactly one value' % name)
            v = values[0]
            if name == 'JOB_NAME':
                jobs = [j for j in jobs if _prefix_match(v, j.name, case=False)]
            elif name == 'JOB_DEFINITION':
                jobs = [j for j in jobs if _prefix_match(v, j.jobdef['jobDefinitionName'], True)
                        or _prefix_match(v, '%s:%d' % (j.jobdef['jobDefinitionName'], j.jobdef['revision']), True)
                        or _prefix_match(v, j.jobdef['jobDefinitionArn'], True)]
            elif name in ('BEFORE_CREATED_AT', 'AFTER_CREATED_AT'):
                try:
                    ms = int(v)
                except ValueError:
                    raise _client('%s needs a time in milliseconds since the epoch' % name)
                if name == 'BEFORE_CREATED_AT':
                    jobs = [j for j in jobs if j.created * 1000 < ms]
                else:
                    jobs = [j for j in jobs if j.created * 1000 > ms]
            else:
                raise _client('Invalid filter name %s: allowed JOB_NAME, JOB_DEFINITION, '
                              'BEFORE_CREATED_AT, AFTER_CREATED_AT' % name)
            limit = 100
        else:
            status = p.get('jobStatus') or 'RUNNING'
            jobs = [j for j in jobs if j.status == status]
            limit = 1000
        jobs.reverse()       # newest first
        page, token = _paginate(jobs, p.get('maxResults'), p.get('nextToken'), limit,
                                fingerprint=json.dumps([p.get('jobQueue'), p.get('jobStatus'), filters]))
        return {'jobSummaryList': [self.summary(j) for j in page], 'nextToken': token}

    def op_CancelJob(self, ctx, p):
        job = self._job_or_fail(p['jobId'])
        self.advance(job, ctx.now)
        if job.status in ('SUBMITTED', 'PENDING', 'RUNNABLE'):
            job.cancelled = True
            self._finish(job, 'FAILED', ctx.now, p['reason'])
        return {}

    def op_TerminateJob(self, ctx, p):
        job = self._job_or_fail(p['jobId'])
        self.advance(job, ctx.now)
        if job.status in FINAL:
            return {}
        job.terminated = True
        if job.status in ('STARTING', 'RUNNING'):
            a = job.attempt
            a['stoppedAt'] = ctx.now_ms()
            a['statusReason'] = 'Essential container in task exited'
            if job.status == 'RUNNING':
                a['container']['exitCode'] = 143
                a['container']['reason'] = 'Terminated by user'
            self._close_attempt(job)
            self._finish(job, 'FAILED', ctx.now, p['reason'], 143 if job.status == 'RUNNING' else None)
        else:
            job.cancelled = True
            self._finish(job, 'FAILED', ctx.now, p['reason'])
        return {}

    def _job_or_fail(self, ref):
        job = self.jobs.get(ref.rsplit('/', 1)[-1] if ref.startswith('arn:') else ref)
        if job is None:
            raise _client('Job %s not found' % ref)
        return job

    def op_TagResource(self, ctx, p):
        target = self._tag_target(p['resourceArn'])
        target.update(p['tags'])
        return {}

    def op_ListTagsForResource(self, ctx, p):
        return {'tags': dict(self._tag_target(p['resourceArn']))}

    def _tag_target(self, arn):
        kind, _, name = arn.rsplit(':', 1)[-1].partition('/')
        if kind == 'job' and name in self.jobs:
            return self.jobs[name].tags
        if kind == 'job-queue' and name in self.queues:
            return self.queues[name]['tags']
        if kind == 'compute-environment' and name in self.ces:
            return self.ces[name]['tags']
        if kind == 'job-definition':
            d = self._find_jobdef(name)
            if d is not None:
                return d.setdefault('tags', {})
        raise _client('Resource %s not found' % arn)

    # -- control ------------------------------------------------------------------------
    def control(self, method, path, doc, q):
        now = self.world.clock.now()
        if path == 'timing':
            if method == 'POST':
                for k, v in doc.items():
                    if k.upper() not in DEFAULT_TIMING:
                        raise ValueError('timing keys: %s' % ', '.join(DEFAULT_TIMING))
                    self.tick(now)      # states so far end on the old timing
                    self.timing[k.upper()] = None if v is None else float(v)
            return self.timing
        if path == 'rules':
            if method == 'DELETE':
                self.rules = []
            elif method == 'POST':
                rules = doc if isinstance(doc, list) else doc.get('rules', [doc])
                for r in rules:
                    Outcome().apply(r.get('outcome', {}))      # type check now
                self.rules.extend(rules)
            return {'rules': self.rules}
        if path == 'default-outcome':
            if method == 'POST':
                Outcome().apply(doc)
                self.default_outcome = doc
            return self.default_outcome
        if path == 'jobs' and method == 'POST':
            return self._bulk(doc, now)
        if path == 'jobs':
            self.tick(now)
            counts = {}
            for j in self.order:
                counts[j.status] = counts.get(j.status, 0) + 1
            return {'total': len(self.order), 'byStatus': counts, 'active': len(self.active)}
        if path == 'job':
            job = self._job_or_fail(doc.get('jobId') or q.get('jobId'))
            self.advance(job, now)
            if method == 'POST':
                self._force(job, doc, now)
            d = self.detail(job)
            d['outcome'] = {k: getattr(job.outcome, k) for k in Outcome().__dict__}
            return d
        return None

    def _force(self, job, doc, now):
        st = doc.get('status')
        if 'hold' in doc:
            job.outcome.hold = bool(doc['hold'])
        if 'outcome' in doc:
            job.outcome.apply(doc['outcome'])
        if st is None:
            return
        if st not in ORDER:
            raise ValueError('status must be one of %s' % ', '.join(ORDER))
        guard = 0
        while ORDER.index(job.status) < ORDER.index(st) and job.status not in FINAL and guard < 10:
            guard += 1
            # walk forward through the real transitions so attempts and logs exist
            if job.status in ('SUBMITTED', 'PENDING'):
                self._set(job, 'RUNNABLE', now)
            elif job.status == 'RUNNABLE':
                if st == 'FAILED':
                    break
                self._start_attempt(job, now)
                self._set(job, 'STARTING', now)
            elif job.status == 'STARTING':
                if st == 'FAILED':
                    break
                self._set(job, 'RUNNING', now)
                self._running(job, now)
            elif job.status == 'RUNNING':
                if st == 'SUCCEEDED':
                    job.outcome.exit_code = 0
                elif 'exitCode' in doc:
                    job.outcome.exit_code = int(doc['exitCode'])
                elif job.outcome.exit_code == 0:
                    job.outcome.exit_code = 1
                job.outcome.reclaims = 0
                job.retry = None
                self._end_attempt(job, now)
        if st == 'FAILED' and job.status not in FINAL:
            if job.attempt is not None:
                job.attempt['stoppedAt'] = int(now * 1000)
                self._close_attempt(job)
            self._finish(job, 'FAILED', now, doc.get('statusReason', 'Failed by the test'))
        if doc.get('statusReason') and job.status not in FINAL:
            job.status_reason = doc['statusReason']
            job.outcome.hold = True
        job.summary_cache = None

    def _bulk(self, doc, now):
        """Create many jobs at once, directly in their states (no requests)."""
        count = int(doc.get('count', 1))
        finished = int(doc.get('finished', 0))
        failed = int(doc.get('failed', finished // 10))
        running = int(doc.get('running', (count - finished + 1) // 2))
        q = self._find_queue(doc.get('jobQueue', 'gcrunner-x86_64'))
        if q is None:
            raise ValueError('no such job queue %s' % doc.get('jobQueue'))
        d = self._find_jobdef(doc['jobDefinition']) if doc.get('jobDefinition') else None
        if d is None:
            name = doc.get('jobDefinition', 'testbed-bulk')
            region, account = q['jobQueueArn'].split(':')[3:5]
            revs = self.jobdefs.setdefault(name, [])
            d = {'jobDefinitionName': name, 'revision': len(revs) + 1, 'status': 'ACTIVE', 'type': 'container',
                 'jobDefinitionArn': self._arn(region, account, 'job-definition', '%s:%d' % (name, len(revs) + 1)),
                 'containerProperties': {'image': 'geoschem/gcclassic:14.5.0', 'command': ['/app/entrypoint.sh']},
                 'containerOrchestrationType': 'ECS'}
            revs.append(d)
        prefix = doc.get('namePrefix', 'bulk')
        spread = float(doc.get('spreadSeconds', 86400))
        region, account = q['jobQueueArn'].split(':')[3:5]
        hold = bool(doc.get('hold', True))
        ids = []
        for i in range(count):
            job = Job()
            job.id = str(uuid.uuid4())
            job.name = '%s-%05d' % (prefix, i)
            job.region, job.account = region, account
            job.arn = 'arn:aws:batch:%s:%s:job/%s' % (region, account, job.id)
            job.queue = q['jobQueueArn']
            job.jobdef = d
            job.created = now - spread + spread * i / max(count, 1)
            job.params = {}
            job.container = {'image': d['containerProperties'].get('image'),
                             'command': list(d['containerProperties'].get('command') or []),
                             'environment': [], 'resourceRequirements': [], 'volumes': [],
                             'mountPoints': [], 'networkInterfaces': []}
            job.retry = job.timeout = None
            job.tags = dict(doc.get('tags') or {})
            job.propagate = False
            job.platform = ['EC2']
            job.outcome = Outcome()
            job.outcome.hold = hold
            if i < finished:
                ok = i >= failed
                job.started = job.created + 60
                job.stopped = job.created + 120
                a = {'container': {'exitCode': 0 if ok else 1, 'logStreamName': '%s/default/%s' % (
                    d['jobDefinitionName'], uuid.uuid4().hex), 'networkInterfaces': []},
                    'startedAt': int(job.started * 1000), 'stoppedAt': int(job.stopped * 1000),
                    'statusReason': 'Essential container in task exited'}
                job.attempts = [a]
                job.container['exitCode'] = a['container']['exitCode']
                job.container['logStreamName'] = a['container']['logStreamName']
                job.status = 'SUCCEEDED' if ok else 'FAILED'
                job.status_reason = 'Essential container in task exited'
                job.since = job.stopped
            elif i < finished + running:
                job.status = 'RUNNING'
                job.started = job.since = max(job.created, now - 60)
                self._start_attempt(job, job.since)
                job.attempt['startedAt'] = int(job.started * 1000)
                job.container['logStreamName'] = job.attempt['container']['logStreamName']
            else:
                job.status = 'RUNNABLE'
                job.since = job.created
            self._add_job(job)
            if len(ids) < 100000:
                ids.append(job.id)
        self.order.sort(key=lambda j: j.created)
        return {'created': count, 'jobQueue': q['jobQueueArn'], 'jobDefinition': d['jobDefinitionArn'],
                'jobIds': ids if doc.get('returnIds', True) else None}


def _prefix_match(pattern, text, case):
    if pattern.endswith('*'):
        a, b = pattern[:-1], text
        if not case:
            a, b = a.lower(), b.lower()
        return b.startswith(a)
    return pattern == text if case else pattern.lower() == text.lower()


def _paginate(items, max_results, token, limit, fingerprint=''):
    if max_results is not None and max_results < 1:
        raise _client('maxResults must be at least 1')
    return Service.paginate(items, min(max_results or limit, limit), token, fingerprint,
                            bad_token=lambda: _client('Invalid nextToken'))


def _check_resources(reqs):
    for r in reqs:
        v = r.get('value', '')
        if r.get('type') in ('VCPU', 'MEMORY', 'GPU'):
            try:
                n = float(v)
            except ValueError:
                raise _client('resourceRequirements %s value must be a number, got %r' % (r['type'], v))
            if n <= 0:
                raise _client('resourceRequirements %s value must be greater than 0' % r['type'])
            if r['type'] == 'MEMORY' and n < 4:
                raise _client('Memory must be at least 4 MiB')


def _check_retry(rs):
    if not rs:
        return
    if 'attempts' in rs and not 1 <= rs['attempts'] <= 10:
        raise _client('Retry strategy attempts must be between 1 and 10')
    if len(rs.get('evaluateOnExit') or []) > 5:
        raise _client('evaluateOnExit can have at most 5 conditions')
    for r in rs.get('evaluateOnExit') or []:
        if r.get('action', '').upper() not in ('RETRY', 'EXIT'):
            raise _client('evaluateOnExit action must be RETRY or EXIT')


def _check_timeout(t):
    if t and t.get('attemptDurationSeconds') is not None and t['attemptDurationSeconds'] < 60:
        raise _client('attemptDurationSeconds must be at least 60 seconds')
