"""ssm.py: AWS Systems Manager Run Command (json 1.1, AmazonSSM).

SendCommand with the AWS-RunShellScript document REALLY runs its
`commands` on this machine (the test's "head node"): joined into a script
run by /bin/sh (as the SSM agent does; on Debian that is dash, so
bash-only syntax fails here as it would on an Ubuntu head node), in
`workingDirectory` or the server's SSM work directory, killed after
`executionTimeout` seconds (default 3600).  GetCommandInvocation reports
Pending -> InProgress -> Success | Failed | TimedOut | Cancelled with the
exit code (ResponseCode, -1 until done) and up to 24,000 characters of
stdout and 8,000 of stderr, as SSM does.

Any instance id of the right shape is a managed, online instance unless
POST /__control/ssm {"instances": [...]} names the only ones;
{"invocationDelayMs": N} makes GetCommandInvocation answer
InvocationDoesNotExist for N ms after SendCommand (as AWS sometimes does).
"""
import datetime
import os
import signal
import subprocess
import tempfile
import threading
import time
import uuid

from codec import AwsError
from world import Service

STDOUT_LIMIT = 24000
STDERR_LIMIT = 8000
DOCUMENTS = ('AWS-RunShellScript',)


def _iso(t):
    if t is None:
        return ''
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.') + \
        '%03dZ' % (int(t * 1000) % 1000)


class Invocation:
    def __init__(self, command, instance):
        self.command = command
        self.instance = instance
        self.status = 'Pending'
        self.details = 'Pending'
        self.code = -1
        self.started = None
        self.ended = None
        self.stdout = ''
        self.stderr = ''
        self.proc = None
        self.cancel = False


class Ssm(Service):
    MODEL = 'ssm'
    VALIDATION = (400, 'ValidationException')
    TYPE_ERROR = (400, 'SerializationException')
    UNKNOWN_MEMBER = (400, 'SerializationException')
    THROTTLE = (400, 'ThrottlingException', 'Rate exceeded')
    SERVER_ERROR = (500, 'InternalServerError', 'Internal Server Error')

    def reset(self, seed):
        self.shutdown()
        self.commands = {}          # id -> dict (the Command shape)
        self.invocations = {}       # (command id, instance) -> Invocation
        self.instances = None       # None: any id is a managed instance
        self.invocation_delay = 0.0

    def shutdown(self):
        for inv in getattr(self, 'invocations', {}).values():
            if inv.proc is not None and inv.proc.poll() is None:
                try:
                    os.killpg(inv.proc.pid, signal.SIGKILL)
                except OSError:
                    pass

    def _workdir(self):
        base = self.world.settings.get('ssm_workdir')
        if not base:
            base = self.world.settings['ssm_workdir'] = tempfile.mkdtemp(prefix='testbed-ssm-')
        os.makedirs(base, exist_ok=True)
        return base

    def op_SendCommand(self, ctx, p):
        if p['DocumentName'] not in DOCUMENTS:
            raise AwsError('InvalidDocument', 'Document %s does not exist (the test server runs only %s)'
                           % (p['DocumentName'], ', '.join(DOCUMENTS)), 400)
        ids = p.get('InstanceIds') or []
        if p.get('Targets'):
            raise AwsError('InvalidParameters', 'the test server supports InstanceIds, not Targets', 400)
        if not ids:
            raise AwsError('InvalidInstanceId', 'Instances [[]] not in a valid state for account %s'
                           % ctx.account, 400)
        if len(set(ids)) != len(ids):
            raise AwsError('DuplicateInstanceId', 'Instance Id is duplicated', 400)
        if self.instances is not None:
            bad = [i for i in ids if i not in self.instances]
            if bad:
                raise AwsError('InvalidInstanceId', 'Instances [[%s]] not in a valid state for account %s'
                               % (', '.join(bad), ctx.account), 400)
        params = p.get('Parameters') or {}
        commands = params.get('commands')
        if not commands:
            raise AwsError('InvalidParameters', 'Parameter "commands" is required by document AWS-RunShellScript', 400)
        unknown = set(params) - {'commands', 'workingDirectory', 'executionTimeout'}
        if unknown:
            raise AwsError('InvalidParameters', 'Document AWS-RunShellScript does not support parameters: %s'
                           % ', '.join(sorted(unknown)), 400)
        try:
            timeout = int((params.get('executionTimeout') or ['3600'])[0])
        except ValueError:
            raise AwsError('InvalidParameters', 'executionTimeout must be a number of seconds', 400)
        if not 1 <= timeout <= 172800:
            raise AwsError('InvalidParameters', 'executionTimeout must be between 1 and 172800', 400)
        workdir = (params.get('workingDirectory') or [''])[0]
        now = time.time()
        cid = str(uuid.uuid4())
        cmd = {'CommandId': cid, 'DocumentName': p['DocumentName'], 'DocumentVersion': '$DEFAULT',
               'Comment': p.get('Comment', ''), 'ExpiresAfter': now + (p.get('TimeoutSeconds') or 3600),
               'Parameters': params, 'InstanceIds': ids, 'Targets': [], 'RequestedDateTime': now,
               'Status': 'Pending', 'StatusDetails': 'Pending', 'OutputS3Region': ctx.region,
               'OutputS3BucketName': '', 'OutputS3KeyPrefix': '', 'MaxConcurrency': '50',
               'MaxErrors': '0', 'TargetCount': len(ids), 'CompletedCount': 0, 'ErrorCount': 0,
               'DeliveryTimedOutCount': 0, 'TimeoutSeconds': p.get('TimeoutSeconds') or 3600,
               'CloudWatchOutputConfig': {'CloudWatchLogGroupName': '', 'CloudWatchOutputEnabled': False},
               '_sent': now}
        self.commands[cid] = cmd
        script = '\n'.join(commands) + '\n'
        for iid in ids:
            inv = Invocation(cmd, iid)
            self.invocations[(cid, iid)] = inv
            threading.Thread(target=self._run, args=(inv, script, workdir, timeout), daemon=True).start()
        return {'Command': _public(cmd)}

    def _run(self, inv, script, workdir, timeout):
        base = os.path.join(self._workdir(), inv.command['CommandId'], inv.instance)
        os.makedirs(base, exist_ok=True)
        path = os.path.join(base, '_script.sh')
        with open(path, 'w') as f:
            f.write(script)
        cwd = workdir or base
        with self.world.lock:
            if inv.cancel:
                return
            inv.status = inv.details = 'InProgress'
            inv.started = time.time()
            self._update(inv.command)
            if not os.path.isdir(cwd):
                inv.ended = time.time()
                inv.status, inv.details, inv.code = 'Failed', 'Failed', 1
                inv.stderr = 'failed to run commands: the working directory %s does not exist' % cwd
                self._update(inv.command)
                return
            try:
                inv.proc = subprocess.Popen(['/bin/sh', path], cwd=cwd, stdin=subprocess.DEVNULL,
                                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                            start_new_session=True)
            except OSError as e:
                inv.ended = time.time()
                inv.status, inv.details, inv.code = 'Failed', 'Failed', 1
                inv.stderr = 'failed to run commands: %s' % e
                self._update(inv.command)
                return
        timed_out = False
        try:
            out, err = inv.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            try:
                os.killpg(inv.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            out, err = inv.proc.communicate()
        with self.world.lock:
            if self.invocations.get((inv.command['CommandId'], inv.instance)) is not inv:
                return           # the server was reset meanwhile
            inv.ended = time.time()
            inv.stdout = _limit(out.decode('utf-8', 'replace'), STDOUT_LIMIT)
            inv.stderr = _limit(err.decode('utf-8', 'replace'), STDERR_LIMIT)
            rc = inv.proc.returncode
            if inv.cancel:
                inv.status, inv.details, inv.code = 'Cancelled', 'Cancelled', -1
            elif timed_out:
                inv.status, inv.details, inv.code = 'TimedOut', 'ExecutionTimedOut', -1
                inv.stderr = _append(inv.stderr, 'failed to run commands: exit status -1 (execution timed out)')
            else:
                inv.code = rc if rc >= 0 else 128 - rc
                if inv.code == 0:
                    inv.status = inv.details = 'Success'
                else:
                    inv.status = inv.details = 'Failed'
                    inv.stderr = _append(inv.stderr, 'failed to run commands: exit status %d' % inv.code)
            self._update(inv.command)

    def _update(self, cmd):
        invs = [self.invocations[(cmd['CommandId'], i)] for i in cmd['InstanceIds']]
        done = [v for v in invs if v.status in ('Success', 'Failed', 'TimedOut', 'Cancelled')]
        cmd['CompletedCount'] = len(done)
        cmd['ErrorCount'] = len([v for v in done if v.status in ('Failed', 'TimedOut')])
        if len(done) < len(invs):
            cmd['Status'] = cmd['StatusDetails'] = 'InProgress' if any(
                v.status != 'Pending' for v in invs) else 'Pending'
        elif all(v.status == 'Success' for v in invs):
            cmd['Status'] = cmd['StatusDetails'] = 'Success'
        elif any(v.status == 'Cancelled' for v in invs):
            cmd['Status'] = cmd['StatusDetails'] = 'Cancelled'
        elif any(v.status == 'TimedOut' for v in invs):
            cmd['Status'], cmd['StatusDetails'] = 'TimedOut', 'Failed'
        else:
            cmd['Status'] = cmd['StatusDetails'] = 'Failed'

    def op_GetCommandInvocation(self, ctx, p):
        cmd = self.commands.get(p['CommandId'])
        if cmd is None:
            raise AwsError('InvocationDoesNotExist', '', 400)
        inv = self.invocations.get((p['CommandId'], p['InstanceId']))
        if inv is None or time.time() - cmd['_sent'] < self.invocation_delay:
            raise AwsError('InvocationDoesNotExist', '', 400)
        if p.get('PluginName') not in (None, 'aws:runShellScript'):
            raise AwsError('InvalidPluginName', 'The plugin name is not valid', 400)
        elapsed = ''
        if inv.started is not None:
            elapsed = 'PT%.3fS' % ((inv.ended or time.time()) - inv.started)
        return {'CommandId': cmd['CommandId'], 'InstanceId': inv.instance, 'Comment': cmd['Comment'],
                'DocumentName': cmd['DocumentName'], 'DocumentVersion': '1',
                'PluginName': 'aws:runShellScript', 'ResponseCode': inv.code,
                'ExecutionStartDateTime': _iso(inv.started), 'ExecutionElapsedTime': elapsed,
                'ExecutionEndDateTime': _iso(inv.ended), 'Status': inv.status,
                'StatusDetails': inv.details, 'StandardOutputContent': inv.stdout, 'StandardOutputUrl': '',
                'StandardErrorContent': inv.stderr, 'StandardErrorUrl': '',
                'CloudWatchOutputConfig': {'CloudWatchLogGroupName': '', 'CloudWatchOutputEnabled': False}}

    def op_ListCommands(self, ctx, p):
        cmds = list(self.commands.values())
        if p.get('CommandId'):
            cmds = [c for c in cmds if c['CommandId'] == p['CommandId']]
            if not cmds:
                raise AwsError('InvalidCommandId', '', 400)
        if p.get('InstanceId'):
            cmds = [c for c in cmds if p['InstanceId'] in c['InstanceIds']]
        cmds.sort(key=lambda c: -c['RequestedDateTime'])
        page, token = self.paginate(cmds, p.get('MaxResults') or 50, p.get('NextToken'),
                                    bad_token=lambda: AwsError('InvalidNextToken', 'The token is not valid', 400))
        return {'Commands': [_public(c) for c in page], 'NextToken': token}

    def op_ListCommandInvocations(self, ctx, p):
        invs = [v for (cid, iid), v in self.invocations.items()
                if (not p.get('CommandId') or cid == p['CommandId'])
                and (not p.get('InstanceId') or iid == p['InstanceId'])]
        if p.get('CommandId') and p['CommandId'] not in self.commands:
            raise AwsError('InvalidCommandId', '', 400)
        invs.sort(key=lambda v: -v.command['RequestedDateTime'])
        page, token = self.paginate(invs, p.get('MaxResults') or 50, p.get('NextToken'),
                                    bad_token=lambda: AwsError('InvalidNextToken', 'The token is not valid', 400))
        out = []
        for v in page:
            d = {'CommandId': v.command['CommandId'], 'InstanceId': v.instance, 'Comment': v.command['Comment'],
                 'DocumentName': v.command['DocumentName'], 'DocumentVersion': '1',
                 'RequestedDateTime': v.command['RequestedDateTime'], 'Status': v.status,
                 'StatusDetails': v.details, 'StandardOutputUrl': '', 'StandardErrorUrl': ''}
            if p.get('Details'):
                d['CommandPlugins'] = [{'Name': 'aws:runShellScript', 'Status': v.status,
                                        'StatusDetails': v.details, 'ResponseCode': v.code,
                                        'Output': v.stdout[:2500]}]
            out.append(d)
        return {'CommandInvocations': out, 'NextToken': token}

    def op_CancelCommand(self, ctx, p):
        cmd = self.commands.get(p['CommandId'])
        if cmd is None:
            raise AwsError('InvalidCommandId', '', 400)
        for iid in p.get('InstanceIds') or cmd['InstanceIds']:
            inv = self.invocations.get((cmd['CommandId'], iid))
            if inv is None or inv.status not in ('Pending', 'InProgress'):
                continue
            inv.cancel = True
            if inv.proc is not None and inv.proc.poll() is None:
                try:
                    os.killpg(inv.proc.pid, signal.SIGTERM)
                except OSError:
                    pass
            elif inv.proc is None:
                inv.status = inv.details = 'Cancelled'
                inv.ended = time.time()
                self._update(cmd)
        return {}

    def op_DescribeInstanceInformation(self, ctx, p):
        ids = self.instances or []
        info = [{'InstanceId': i, 'PingStatus': 'Online', 'LastPingDateTime': time.time(),
                 'AgentVersion': '3.3.0.0', 'IsLatestVersion': True, 'PlatformType': 'Linux',
                 'PlatformName': 'Debian GNU/Linux', 'PlatformVersion': '12', 'ResourceType': 'EC2Instance',
                 'IPAddress': '127.0.0.1', 'ComputerName': 'localhost'} for i in ids]
        page, token = self.paginate(info, p.get('MaxResults') or 50, p.get('NextToken'),
                                    bad_token=lambda: AwsError('InvalidNextToken', 'The token is not valid', 400))
        return {'InstanceInformationList': page, 'NextToken': token}

    def control(self, method, path, doc, q):
        if path == '':
            if method == 'POST':
                if 'instances' in doc:
                    self.instances = None if doc['instances'] is None else list(doc['instances'])
                if 'invocationDelayMs' in doc:
                    self.invocation_delay = float(doc['invocationDelayMs']) / 1000.0
            return {'instances': self.instances, 'invocationDelayMs': self.invocation_delay * 1000,
                    'workdir': self._workdir(), 'commands': len(self.commands)}
        return None


def _public(cmd):
    return {k: v for k, v in cmd.items() if not k.startswith('_')}


def _append(text, line):
    if text and not text.endswith('\n'):
        text += '\n'
    return text + line


def _limit(text, n):
    return text if len(text) <= n else text[:n]
