#!/usr/bin/python3
"""selftest.py: checks the AWS test server's behaviour with botocore's own
clients (a real SDK) and hand-made HTTP requests -- signatures, error
shapes per protocol, validation, Batch job life, logs, prices, SSM, faults,
the control endpoint.  Run against a started bed:

    TESTBED_AWS_URL=http://127.0.0.1:PORT /usr/bin/python3 selftest.py

Prints one "ok N - ..." / "not ok N - ..." line per check and ends with
"N passed, M failed"; exits 1 when anything failed.
"""
import datetime
import http.client
import json
import os
import socket
import sys
import threading
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

URL = os.environ['TESTBED_AWS_URL']
CONTROL = URL + '/__control'
AK, SK = 'AKIAGCRTESTBED000001', 'gcrunner-testbed-secret-0001'
REGION = 'us-east-1'
HOSTPORT = urllib.parse.urlsplit(URL).netloc

checks = 0
failures = 0


def ok(cond, what, detail=''):
    global checks, failures
    checks += 1
    if cond:
        print('ok %d - %s' % (checks, what))
    else:
        failures += 1
        print('not ok %d - %s%s' % (checks, what, (': ' + str(detail)[:600]) if detail else ''))
    return cond


def control(method, path, doc=None):
    data = json.dumps(doc).encode() if doc is not None else (b'{}' if method == 'POST' else None)
    req = urllib.request.Request(CONTROL + '/' + path, data=data, method=method,
                                 headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


SESSION = botocore.session.get_session()
NO_RETRY = Config(retries={'total_max_attempts': 1, 'mode': 'standard'}, connect_timeout=5, read_timeout=30)


def client(service, ak=AK, sk=SK, token=None, region=REGION, config=NO_RETRY):
    return SESSION.create_client(service, region_name=region, endpoint_url=URL, aws_access_key_id=ak,
                                 aws_secret_access_key=sk, aws_session_token=token, config=config)


def error_of(fn, *args, **kw):
    try:
        fn(*args, **kw)
    except ClientError as e:
        return e.response['Error'].get('Code'), e.response['Error'].get('Message', ''), \
            e.response['ResponseMetadata'].get('HTTPStatusCode')
    return None, None, None


def raw(method, path, body=b'', headers=None, service='batch', region=REGION, ak=AK, sk=SK, sign=True,
        when=None, token=None, tamper=None):
    """Send a hand-built request; returns (status, headers dict lower, body)."""
    headers = dict(headers or {})
    headers.setdefault('Host', HOSTPORT)
    if sign:
        req = AWSRequest(method=method, url=URL + path, data=body, headers=headers)
        signer = SigV4Auth(Credentials(ak, sk, token), service, region)
        if when is not None:
            # botocore signs "now": sign at another time by faking its clock
            real = datetime.datetime

            class Fake(datetime.datetime):
                @classmethod
                def utcnow(cls):
                    return real.utcfromtimestamp(when)
            import botocore.auth as ba
            ba.datetime.datetime = Fake
            try:
                signer.add_auth(req)
            finally:
                ba.datetime.datetime = real
        else:
            signer.add_auth(req)
        headers = dict(req.headers.items())
    if tamper:
        tamper(headers)
    conn = http.client.HTTPConnection(HOSTPORT, timeout=30)
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data


def send_signed(conn, path, body, sent_body=None):
    """Sign a Batch POST for body, send sent_body (default: the same) on
    conn; returns (status, data)."""
    req = AWSRequest(method='POST', url=URL + path, data=body,
                     headers={'Content-Type': 'application/json', 'Host': HOSTPORT})
    SigV4Auth(Credentials(AK, SK), 'batch', REGION).add_auth(req)
    conn.request('POST', path, body=body if sent_body is None else sent_body, headers=dict(req.headers.items()))
    r = conn.getresponse()
    return r.status, r.read()


def json_body(data):
    try:
        return json.loads(data)
    except ValueError:
        return {}


def xml_code(data):
    root = ET.fromstring(data)
    for el in root.iter():
        if el.tag.endswith('Code'):
            return el.text
    return None


# ---------------------------------------------------------------------------
def test_signatures():
    body = b'{"jobQueue":"gcrunner-x86_64"}'
    h = {'Content-Type': 'application/json'}
    st, hd, data = raw('POST', '/v1/listjobs', body, h)
    ok(st == 200, 'a correctly signed rest-json request is accepted', (st, data))

    st, hd, data = raw('POST', '/v1/listjobs', body, h, sign=False)
    ok(st == 403 and hd.get('x-amzn-errortype', '').startswith('MissingAuthenticationTokenException'),
       'no Authorization: 403 MissingAuthenticationTokenException', (st, hd, data))

    st, hd, data = raw('POST', '/v1/listjobs', body, h, sk='wrong')
    ok(st == 403 and hd.get('x-amzn-errortype', '').startswith('InvalidSignatureException')
       and 'signature we calculated' in json_body(data).get('message', ''),
       'wrong secret: 403 InvalidSignatureException with a message body', (st, hd, data))
    ok(hd.get('x-amzn-requestid'), 'error answers carry x-amzn-RequestId')

    st, hd, data = raw('POST', '/v1/listjobs', body, h, ak='AKIANOSUCHKEY0000000')
    ok(st == 403 and hd.get('x-amzn-errortype', '').startswith('UnrecognizedClientException'),
       'unknown key: UnrecognizedClientException', (st, hd))

    st, hd, data = raw('POST', '/v1/listjobs', body, h, service='logs')
    ok(st == 403 and 'scoped to correct service' in json_body(data).get('message', ''),
       'credential scoped to the wrong service is rejected', (st, data))

    st, hd, data = raw('POST', '/v1/listjobs', body, h, region='mars-north-1x')
    ok(st == 403 and 'valid region' in json_body(data).get('message', ''), 'invalid region in scope rejected',
       (st, data))

    st, hd, data = raw('POST', '/v1/listjobs', body, h, when=time.time() - 900)
    msg = json_body(data).get('message', '')
    ok(st == 403 and 'Signature expired' in msg, 'X-Amz-Date 15 minutes old: Signature expired', (st, data))
    st, hd, data = raw('POST', '/v1/listjobs', body, h, when=time.time() + 900)
    ok(st == 403 and 'not yet current' in json_body(data).get('message', ''),
       'X-Amz-Date 15 minutes ahead: not yet current', (st, data))
    st, hd, data = raw('POST', '/v1/listjobs', body, h, when=time.time() - 200)
    ok(st == 200, 'X-Amz-Date 200 s old is still accepted', (st, data))

    def drop_signature(hh):
        hh['Authorization'] = hh['Authorization'].split(', Signature=')[0]
    st, hd, data = raw('POST', '/v1/listjobs', body, h, tamper=drop_signature)
    ok(st == 403 and hd.get('x-amzn-errortype', '').startswith('IncompleteSignatureException'),
       'Authorization without Signature: IncompleteSignatureException', (st, hd, data))

    def change_body_header(hh):
        hh['Content-Type'] = 'application/x-amz-json-1.1'
    st, hd, data = raw('POST', '/v1/listjobs', body, h, tamper=change_body_header)
    ok(st == 403, 'a signed header changed after signing is detected', (st, data))

    # The body is part of the signature.
    conn = http.client.HTTPConnection(HOSTPORT, timeout=10)
    st, _ = send_signed(conn, '/v1/listjobs', body, sent_body=b'{"jobQueue":"gcrunner-arm64"}')
    ok(st == 403, 'a body changed after signing is detected', st)
    conn.close()

    # Query string: re-encoded as AWS does, so a correctly signed query passes.
    st, hd, data = raw('GET', '/?Action=GetCallerIdentity&Version=2011-06-15&X-Extra=a%20b', service='sts')
    ok(st in (200, 400) and b'SignatureDoesNotMatch' not in data, 'signed GET query string accepted',
       (st, data[:200]))

    # json 1.1 shapes
    lh = {'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'Logs_20140328.DescribeLogGroups'}
    st, hd, data = raw('POST', '/', b'{}', lh, service='logs', sk='wrong')
    ok(st == 400 and json_body(data).get('__type', '').endswith('InvalidSignatureException'),
       'json 1.1: 400 with __type InvalidSignatureException', (st, data))
    st, hd, data = raw('POST', '/', b'{}', lh, service='logs', sign=False)
    ok(st == 400 and json_body(data).get('__type', '').endswith('MissingAuthenticationTokenException'),
       'json 1.1: missing authentication token', (st, data))

    # query (STS) and ec2 XML shapes
    qb = b'Action=GetCallerIdentity&Version=2011-06-15'
    qh = {'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8'}
    st, hd, data = raw('POST', '/', qb, qh, service='sts', sk='wrong')
    ok(st == 403 and b'<ErrorResponse' in data and xml_code(data) == 'SignatureDoesNotMatch'
       and b'<RequestId>' in data, 'query: <ErrorResponse><Error><Code>SignatureDoesNotMatch', (st, data))
    eb = b'Action=DescribeRegions&Version=2016-11-15'
    st, hd, data = raw('POST', '/', eb, qh, service='ec2', sk='wrong')
    ok(st == 401 and b'<Response><Errors><Error>' in data and xml_code(data) == 'AuthFailure'
       and b'<RequestID>' in data, 'ec2: <Response><Errors><Error><Code>AuthFailure', (st, data))
    st, hd, data = raw('POST', '/', eb, qh, service='ec2', when=time.time() - 1000)
    ok(st == 400 and xml_code(data) == 'RequestExpired', 'ec2: stale date is RequestExpired', (st, data))


def test_validation():
    batch = client('batch')
    code, msg, status = error_of(batch.describe_jobs, jobs=[str(i) for i in range(101)])
    ok(code == 'ClientException' and status == 400 and '100' in msg, 'DescribeJobs with 101 ids: ClientException',
       (code, msg))
    st, hd, data = raw('POST', '/v1/submitjob', b'{"jobName":"x","jobQueue":"gcrunner-x86_64"}',
                       {'Content-Type': 'application/json'})
    ok(st == 400 and hd.get('x-amzn-errortype') == 'ClientException'
       and "'jobDefinition' failed to satisfy constraint: Member must not be null" in json_body(data).get('message', ''),
       'missing required member: ClientException naming it', (st, hd, data))
    st, hd, data = raw('POST', '/v1/submitjob', json.dumps({'jobName': 'x', 'jobQueue': 'q', 'jobDefinition': 'd',
                                                            'retryStrategy': {'attempts': 'three'}}).encode(),
                       {'Content-Type': 'application/json'})
    ok(st == 400 and 'attempts' in json_body(data).get('message', ''), 'wrong type rejected', (st, data))
    st, hd, data = raw('POST', '/v1/submitjob', json.dumps({'jobName': 'x', 'jobQueue': 'q', 'jobDefinition': 'd',
                                                            'jobNmae': 'typo'}).encode(),
                       {'Content-Type': 'application/json'})
    ok(st == 400 and 'jobNmae' in json_body(data).get('message', ''), 'unknown member rejected', (st, data))
    st, hd, data = raw('POST', '/v1/listjobs', json.dumps({'jobQueue': 'gcrunner-x86_64',
                                                           'jobStatus': 'DONE'}).encode(),
                       {'Content-Type': 'application/json'})
    ok(st == 400 and 'enum value set' in json_body(data).get('message', ''), 'enum value checked', (st, data))

    logs = client('logs')
    code, msg, status = error_of(logs.get_log_events, logGroupName='g', logStreamName='s', limit=20000)
    ok(code == 'InvalidParameterException' and 'less than or equal to 10000' in msg,
       'Logs limit > 10000: InvalidParameterException', (code, msg))
    st, hd, data = raw('POST', '/', b'{"logGroupName": 5}', {'Content-Type': 'application/x-amz-json-1.1',
                                                              'X-Amz-Target': 'Logs_20140328.DescribeLogStreams'},
                       service='logs')
    ok(st == 400 and json_body(data).get('__type') == 'SerializationException', 'json type error: SerializationException',
       (st, data))
    st, hd, data = raw('POST', '/', b'{}', {'Content-Type': 'application/x-amz-json-1.1',
                                            'X-Amz-Target': 'Logs_20140328.NoSuchThing'}, service='logs')
    ok(st == 400 and 'UnknownOperationException' in json_body(data).get('__type', ''), 'unknown json operation',
       (st, data))

    ssm = client('ssm')
    code, msg, _ = error_of(ssm.get_command_invocation, CommandId='x' * 36, InstanceId='bad')
    ok(code == 'ValidationException' and 'regular expression' in msg, 'SSM pattern: ValidationException', (code, msg))

    qh = {'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8'}
    st, hd, data = raw('POST', '/', b'Action=DescribeInstanceTypes&Version=2016-11-15&MaxResults=3', qh, service='ec2')
    ok(st == 400 and xml_code(data) == 'InvalidParameterValue', 'EC2 MaxResults 3: InvalidParameterValue', (st, data))
    st, hd, data = raw('POST', '/', b'Action=DescribeRegions&Version=2016-11-15&Bogus=1', qh, service='ec2')
    ok(st == 400 and xml_code(data) == 'UnknownParameter', 'EC2 unknown parameter: UnknownParameter', (st, data))
    st, hd, data = raw('POST', '/', b'Action=DescribeSpotPriceHistory&Version=2016-11-15&MaxResults=abc', qh,
                       service='ec2')
    ok(st == 400 and xml_code(data) == 'InvalidParameterValue', 'EC2 non-number: InvalidParameterValue', (st, data))
    st, hd, data = raw('POST', '/', b'Action=NoSuchAction&Version=2016-11-15', qh, service='ec2')
    ok(st == 400 and b'<Response><Errors>' in data and xml_code(data) == 'InvalidAction',
       'EC2 unknown action: InvalidAction in the EC2 error shape', (st, data))
    st, hd, data = raw('POST', '/', b'Action=AssumeRole&Version=2011-06-15&RoleSessionName=x', qh, service='sts')
    ok(st == 400 and xml_code(data) == 'ValidationError' and b'RoleArn' in data, 'STS missing RoleArn: ValidationError',
       (st, data))


def wait_status(batch, job_id, want, seconds=20):
    end = time.time() + seconds
    seen = []
    while time.time() < end:
        j = batch.describe_jobs(jobs=[job_id])['jobs'][0]
        if not seen or seen[-1] != j['status']:
            seen.append(j['status'])
        if j['status'] in want:
            return j, seen
        time.sleep(0.05)
    return j, seen


def test_batch():
    control('POST', 'reset', {})
    control('POST', 'batch/timing', {'SUBMITTED': 0.1, 'RUNNABLE': 0.1, 'STARTING': 0.1, 'RUNNING': 0.6})
    b = client('batch')
    b.register_job_definition(jobDefinitionName='gc', type='container', containerProperties={
        'image': 'img:1', 'command': ['/app/entrypoint.sh', 'Ref::inputPath', 'Ref::outputPath'],
        'resourceRequirements': [{'type': 'VCPU', 'value': '4'}, {'type': 'MEMORY', 'value': '8192'}],
        'logConfiguration': {'logDriver': 'awslogs', 'options': {'awslogs-group': '/gcrunner/jobs'}}},
        parameters={'outputPath': 's3://default-out'})
    r2 = b.register_job_definition(jobDefinitionName='gc', type='container',
                                   containerProperties={'image': 'img:2', 'command': ['true']})
    ok(r2['revision'] == 2, 'a second registration is revision 2')
    b.deregister_job_definition(jobDefinition='gc:2')
    defs = b.describe_job_definitions(jobDefinitionName='gc', status='ACTIVE')['jobDefinitions']
    ok([d['revision'] for d in defs] == [1], 'deregistered revision is INACTIVE', defs)
    code, msg, _ = error_of(b.submit_job, jobName='x', jobQueue='gcrunner-x86_64', jobDefinition='gc:2')
    ok(code == 'ClientException' and 'INACTIVE' in msg, 'submitting an INACTIVE revision fails', (code, msg))

    r = b.submit_job(jobName='run-1', jobQueue='gcrunner-x86_64', jobDefinition='gc',
                     parameters={'inputPath': 's3://in'}, tags={'simulationId': 'sim-1'})
    jid = r['jobId']
    ok(r['jobArn'].endswith(':job/' + jid) and ':111122223333:' in r['jobArn'], 'jobArn carries account and id')
    j, seen = wait_status(b, jid, ('SUCCEEDED', 'FAILED'))
    ok(j['status'] == 'SUCCEEDED', 'job SUCCEEDED', seen)
    ok(seen[0] in ('SUBMITTED', 'RUNNABLE', 'STARTING') and 'RUNNING' in seen, 'states walked in order', seen)
    ok(j['container']['command'] == ['/app/entrypoint.sh', 's3://in', 's3://default-out'],
       'Ref:: filled from job and definition parameters', j['container']['command'])
    ok(j['startedAt'] <= j['stoppedAt'] and j['createdAt'] <= j['startedAt'], 'createdAt <= startedAt <= stoppedAt')
    ok(len(j['attempts']) == 1 and j['attempts'][0]['container']['exitCode'] == 0
       and j['attempts'][0]['container']['logStreamName'].startswith('gc/default/'),
       'attempt with exit code and log stream', j['attempts'])
    ok(j['tags'] == {'simulationId': 'sim-1'}, 'tags kept')

    logs = client('logs')
    stream = j['container']['logStreamName']
    ev = logs.get_log_events(logGroupName='/gcrunner/jobs', logStreamName=stream, startFromHead=True)
    msgs = [e['message'] for e in ev['events']]
    ok(any('DATE: 2019/07/01' in m for m in msgs) and 'E N D   O F   G E O S' in msgs[-1],
       'the log group comes from logConfiguration; dates then the end banner', msgs[-3:])
    ts = [e['timestamp'] for e in ev['events']]
    ok(ts == sorted(ts) and j['startedAt'] <= ts[0] and ts[-1] <= j['stoppedAt'],
       'event timestamps ordered within the run', (ts[0], ts[-1], j['startedAt'], j['stoppedAt']))
    again = logs.get_log_events(logGroupName='/gcrunner/jobs', logStreamName=stream,
                                nextToken=ev['nextForwardToken'])
    ok(again['events'] == [] and again['nextForwardToken'] == ev['nextForwardToken'],
       'at the end GetLogEvents returns the same forward token')
    tail = logs.get_log_events(logGroupName='/gcrunner/jobs', logStreamName=stream, limit=3)
    ok([e['message'] for e in tail['events']] == msgs[-3:], 'without startFromHead: the newest events')
    back = logs.get_log_events(logGroupName='/gcrunner/jobs', logStreamName=stream, limit=3,
                               nextToken=tail['nextBackwardToken'])
    ok([e['message'] for e in back['events']] == msgs[-6:-3], 'nextBackwardToken pages backwards')
    fl = logs.filter_log_events(logGroupName='/gcrunner/jobs', filterPattern='"UTC: 00:00" 2019/07/1')
    ok(len(fl['events']) == 10 and all('2019/07/1' in e['message'] for e in fl['events']),
       'FilterLogEvents with a phrase and a term', len(fl['events']))

    # failing jobs, stuck jobs, reclaims and retries, timeouts
    control('POST', 'batch/rules', [{'match': {'jobName': 'rule-fail-*'}, 'outcome': {'exitCode': 7}}])
    f = b.submit_job(jobName='rule-fail-1', jobQueue='gcrunner-x86_64', jobDefinition='gc')['jobId']
    w = b.submit_job(jobName='words', jobQueue='gcrunner-x86_64', jobDefinition='gc',
                     containerOverrides={'command': ['run', 'testbed:exit=2', 'testbed:fail-at=0.5']})['jobId']
    s = b.submit_job(jobName='stuck', jobQueue='gcrunner-x86_64', jobDefinition='gc', containerOverrides={
        'environment': [{'name': 'TESTBED_STUCK_REASON',
                         'value': 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT'}]})['jobId']
    rc = b.submit_job(jobName='reclaim', jobQueue='gcrunner-x86_64', jobDefinition='gc',
                      containerOverrides={'command': ['testbed:reclaims=1']},
                      retryStrategy={'attempts': 3, 'evaluateOnExit': [
                          {'onStatusReason': 'Host EC2*', 'action': 'RETRY'}, {'onReason': '*', 'action': 'EXIT'}]})['jobId']
    nr = b.submit_job(jobName='reclaim-no-retry', jobQueue='gcrunner-x86_64', jobDefinition='gc',
                      containerOverrides={'command': ['testbed:reclaims=1']})['jobId']
    ex = b.submit_job(jobName='exit-no-retry', jobQueue='gcrunner-x86_64', jobDefinition='gc',
                      containerOverrides={'command': ['testbed:exit=1']},
                      retryStrategy={'attempts': 3, 'evaluateOnExit': [
                          {'onStatusReason': 'Host EC2*', 'action': 'RETRY'}, {'onReason': '*', 'action': 'EXIT'}]})['jobId']
    to = b.submit_job(jobName='timeout', jobQueue='gcrunner-x86_64', jobDefinition='gc',
                      containerOverrides={'command': ['testbed:runtime=3600']}, timeout={'attemptDurationSeconds': 60})['jobId']
    control('POST', 'clock', {'advance': 120})
    jobs = {x['jobId']: x for x in b.describe_jobs(jobs=[f, w, s, rc, nr, ex, to])['jobs']}
    ok(jobs[f]['status'] == 'FAILED' and jobs[f]['container']['exitCode'] == 7, 'rule-driven failure, exit 7')
    ok(jobs[w]['status'] == 'FAILED' and jobs[w]['attempts'][0]['container']['exitCode'] == 2,
       'command-word failure, exit 2')
    ok(jobs[s]['status'] == 'RUNNABLE' and jobs[s]['statusReason'] == 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT',
       'stuck RUNNABLE with its reason', jobs[s].get('statusReason'))
    ok(jobs[rc]['status'] == 'SUCCEEDED' and len(jobs[rc]['attempts']) == 2
       and jobs[rc]['attempts'][0]['statusReason'].startswith('Host EC2 (instance i-')
       and jobs[rc]['attempts'][0]['container']['logStreamName'] != jobs[rc]['attempts'][1]['container']['logStreamName'],
       'spot reclaim retried by the Host EC2* rule, new stream per attempt',
       [a['statusReason'] for a in jobs[rc]['attempts']])
    ok(jobs[nr]['status'] == 'FAILED' and jobs[nr]['statusReason'].startswith('Host EC2'),
       'reclaim without retry strategy fails with Host EC2 reason', jobs[nr].get('statusReason'))
    ok(jobs[ex]['status'] == 'FAILED' and len(jobs[ex]['attempts']) == 1, 'onReason * EXIT stops the retries',
       len(jobs[ex]['attempts']))
    ok(jobs[to]['status'] == 'FAILED' and jobs[to]['statusReason'] == 'Job attempt duration exceeded timeout',
       'timeout ends the attempt', jobs[to].get('statusReason'))
    wl = logs.get_log_events(logGroupName='/gcrunner/jobs',
                             logStreamName=jobs[w]['container']['logStreamName'], startFromHead=True)['events']
    last_date = [e['message'] for e in wl if 'DATE:' in e['message']][-1]
    ok('2019/07/16' in last_date and 'GEOS-Chem ERROR' in ' '.join(e['message'] for e in wl),
       'a run failing at 50 % logs dates to mid-period and the error', last_date)

    # cancel vs terminate
    control('POST', 'batch/timing', {'RUNNING': None})
    a = b.submit_job(jobName='cancel-me', jobQueue='gcrunner-arm64', jobDefinition='gc')['jobId']
    b.cancel_job(jobId=a, reason='user cancelled')
    j = b.describe_jobs(jobs=[a])['jobs'][0]
    ok(j['status'] == 'FAILED' and j['statusReason'] == 'user cancelled',
       'CancelJob of a SUBMITTED job: FAILED with the reason')
    run = b.submit_job(jobName='run-long', jobQueue='gcrunner-arm64', jobDefinition='gc')['jobId']
    control('POST', 'clock', {'advance': 5})
    ok(b.describe_jobs(jobs=[run])['jobs'][0]['status'] == 'RUNNING', 'RUNNING held by timing null')
    b.cancel_job(jobId=run, reason='too late')
    ok(b.describe_jobs(jobs=[run])['jobs'][0]['status'] == 'RUNNING', 'CancelJob of a RUNNING job changes nothing')
    lst = b.list_jobs(jobQueue='gcrunner-arm64')['jobSummaryList']
    ok([x['jobId'] for x in lst] == [run], 'ListJobs without status lists RUNNING only', lst)
    b.terminate_job(jobId=run, reason='stop it')
    j = b.describe_jobs(jobs=[run])['jobs'][0]
    ok(j['status'] == 'FAILED' and j['statusReason'] == 'stop it' and j['attempts'][0]['container']['exitCode'] == 143,
       'TerminateJob of a RUNNING job: FAILED, exit 143', j.get('attempts'))
    st, hd, data = raw('POST', '/v1/describejobs', json.dumps({'jobs': [a, run]}).encode(),
                       {'Content-Type': 'application/json'})
    flags = [(x.get('isCancelled'), x.get('isTerminated')) for x in json_body(data).get('jobs', [])]
    ok(flags == [(True, False), (False, True)], 'isCancelled / isTerminated (newer than the model) are sent', flags)
    control('POST', 'batch/timing', {'RUNNING': 0.6})

    # dependencies
    control('POST', 'clock', {'speed': 0})
    p1 = b.submit_job(jobName='parent', jobQueue='gcrunner-x86_64', jobDefinition='gc')['jobId']
    c1 = b.submit_job(jobName='child', jobQueue='gcrunner-x86_64', jobDefinition='gc', dependsOn=[{'jobId': p1}])['jobId']
    control('POST', 'clock', {'advance': 0.15})
    ok(b.describe_jobs(jobs=[c1])['jobs'][0]['status'] == 'PENDING', 'a dependent job waits in PENDING')
    control('POST', 'clock', {'advance': 5})
    ok(b.describe_jobs(jobs=[c1])['jobs'][0]['status'] == 'SUCCEEDED', 'and runs after its parent')
    control('POST', 'clock', {'speed': 1})

    # control: force a state
    fj = b.submit_job(jobName='forced', jobQueue='gcrunner-x86_64', jobDefinition='gc')['jobId']
    control('POST', 'batch/job', {'jobId': fj, 'status': 'RUNNABLE',
                                  'statusReason': 'CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY'})
    control('POST', 'clock', {'advance': 60})
    j = b.describe_jobs(jobs=[fj])['jobs'][0]
    ok(j['status'] == 'RUNNABLE' and j['statusReason'].startswith('CAPACITY:'), 'control can hold a job with a reason')
    control('POST', 'batch/job', {'jobId': fj, 'status': 'FAILED', 'exitCode': 9, 'hold': False})
    j = b.describe_jobs(jobs=[fj])['jobs'][0]
    ok(j['status'] == 'FAILED', 'control can fail it', j['status'])

    # ListJobs filters and paging
    for i in range(25):
        b.submit_job(jobName='page-%02d' % i, jobQueue='gcrunner-arm64', jobDefinition='gc')
    control('POST', 'clock', {'advance': 60})
    names = []
    token = None
    pages = 0
    while True:
        kw = {'jobQueue': 'gcrunner-arm64', 'filters': [{'name': 'JOB_NAME', 'values': ['PAGE-*']}], 'maxResults': 10}
        if token:
            kw['nextToken'] = token
        r = b.list_jobs(**kw)
        pages += 1
        names += [x['jobName'] for x in r['jobSummaryList']]
        token = r.get('nextToken')
        if not token:
            break
    ok(pages == 3 and names == ['page-%02d' % i for i in range(24, -1, -1)],
       'JOB_NAME filter pages of 10, newest first', (pages, names[:3]))
    code, msg, _ = error_of(b.list_jobs, jobQueue='gcrunner-arm64', nextToken='forged')
    ok(code == 'ClientException', 'a forged nextToken is rejected', code)
    code, msg, _ = error_of(b.list_jobs, jobQueue='gcrunner-arm64', filters=[
        {'name': 'JOB_NAME', 'values': ['a']}, {'name': 'JOB_DEFINITION', 'values': ['gc']}])
    ok(code == 'ClientException', 'two ListJobs filters are rejected', code)
    after = b.list_jobs(jobQueue='gcrunner-arm64', filters=[{'name': 'AFTER_CREATED_AT', 'values': ['0']}],
                        maxResults=100)['jobSummaryList']
    ok(len(after) >= 25, 'AFTER_CREATED_AT filter returns all statuses', len(after))

    # compute environments and queues
    b.create_compute_environment(computeEnvironmentName='ce-test', type='MANAGED', computeResources={
        'type': 'SPOT', 'allocationStrategy': 'SPOT_CAPACITY_OPTIMIZED', 'minvCpus': 0, 'maxvCpus': 64,
        'instanceTypes': ['c7g'], 'subnets': ['subnet-1'], 'securityGroupIds': ['sg-1'],
        'instanceRole': 'ecsInstanceRole'})
    b.create_job_queue(jobQueueName='q-test', priority=1,
                       computeEnvironmentOrder=[{'order': 1, 'computeEnvironment': 'ce-test'}])
    q = b.describe_job_queues(jobQueues=['q-test'])['jobQueues'][0]
    ok(q['state'] == 'ENABLED' and q['computeEnvironmentOrder'][0]['computeEnvironment'].endswith('/ce-test'),
       'CreateJobQueue refers to the compute environment by ARN', q)
    code, _, _ = error_of(b.create_job_queue, jobQueueName='q-test', priority=1,
                          computeEnvironmentOrder=[{'order': 1, 'computeEnvironment': 'ce-test'}])
    ok(code == 'ClientException', 'creating it twice fails')
    code, _, _ = error_of(b.delete_compute_environment, computeEnvironment='ce-test')
    ok(code == 'ClientException', 'an ENABLED compute environment cannot be deleted')


def test_bulk_and_speed():
    control('POST', 'reset', {})
    t0 = time.time()
    r = control('POST', 'batch/jobs', {'count': 10000, 'finished': 9000, 'jobQueue': 'gcrunner-x86_64'})
    took = time.time() - t0
    ok(r['created'] == 10000 and len(r['jobIds']) == 10000, 'bulk-created 10,000 jobs (%.2f s)' % took)
    counts = control('GET', 'batch/jobs')['byStatus']
    ok(counts.get('SUCCEEDED', 0) + counts.get('FAILED', 0) == 9000 and counts.get('RUNNING') == 500
       and counts.get('RUNNABLE') == 500, '9,000 finished, 500 running, 500 runnable', counts)
    b = client('batch')
    unfinished = [x for x in r['jobIds'][9000:]]
    t0 = time.time()
    seen = 0
    for i in range(0, len(unfinished), 100):
        seen += len(b.describe_jobs(jobs=unfinished[i:i + 100])['jobs'])
    took = time.time() - t0
    ok(seen == 1000, '10 DescribeJobs calls describe the 1,000 unfinished jobs (%.0f ms)' % (took * 1000))
    n = 0
    token = None
    while True:
        kw = {'jobQueue': 'gcrunner-x86_64', 'jobStatus': 'SUCCEEDED'}
        if token:
            kw['nextToken'] = token
        page = b.list_jobs(**kw)
        n += len(page['jobSummaryList'])
        token = page.get('nextToken')
        if not token:
            break
    ok(n == 8100, 'ListJobs pages through 8,100 SUCCEEDED jobs', n)


def test_faults():
    control('POST', 'reset', {})
    b = client('batch')
    control('POST', 'faults', {'service': 'batch', 'operation': 'DescribeJobQueues', 'kind': 'throttle', 'count': 2})
    code, msg, status = error_of(b.describe_job_queues)
    ok(code == 'TooManyRequestsException' and status == 429, 'Batch throttling is 429 TooManyRequestsException',
       (code, status))
    retrying = client('batch', config=Config(retries={'total_max_attempts': 3, 'mode': 'standard'}))
    seq = control('GET', 'requests')['last_seq']
    retrying.describe_job_queues()
    log = control('GET', 'requests?service=batch&operation=DescribeJobQueues&since=%d' % seq)
    ok(log['count'] == 2 and [e['status'] for e in log['requests']] == [429, 200],
       'the SDK retried after the second 429 and got through', [e['status'] for e in log['requests']])
    gaps = [log['requests'][i + 1]['t'] - log['requests'][i]['t'] for i in range(log['count'] - 1)]
    ok(all(g >= 0 for g in gaps), 'request times are recorded (backoff can be measured)', gaps)

    logs = client('logs')
    control('POST', 'faults', {'service': 'logs', 'kind': 'throttle'})
    code, _, status = error_of(logs.describe_log_groups)
    ok(code == 'ThrottlingException' and status == 400, 'Logs throttling is 400 ThrottlingException', (code, status))
    ec2 = client('ec2')
    control('POST', 'faults', {'service': 'ec2', 'kind': 'throttle'})
    code, _, status = error_of(ec2.describe_regions)
    ok(code == 'RequestLimitExceeded' and status == 503, 'EC2 throttling is 503 RequestLimitExceeded', (code, status))
    control('POST', 'faults', {'service': 'batch', 'kind': 'error'})
    code, _, status = error_of(b.describe_job_queues)
    ok(code == 'ServerException' and status == 500, 'Batch 500 is ServerException', (code, status))
    control('POST', 'faults', {'service': 'batch', 'kind': 'unavailable'})
    code, _, status = error_of(b.describe_job_queues)
    ok(status == 503, 'unavailable is 503', (code, status))
    control('POST', 'faults', {'service': 'sts', 'kind': 'error', 'status': 400, 'code': 'Custom', 'message': 'm'})
    code, msg, status = error_of(client('sts').get_caller_identity)
    ok((code, msg, status) == ('Custom', 'm', 400), 'custom code/status/message', (code, msg, status))

    control('POST', 'faults', {'service': 'batch', 'operation': 'DescribeJobQueues', 'kind': 'slow', 'delay_ms': 300})
    t0 = time.time()
    b.describe_job_queues()
    ok(time.time() - t0 >= 0.3, 'slow answer takes at least delay_ms')

    # drop before acting vs after acting: SubmitJob
    b.register_job_definition(jobDefinitionName='gc', type='container', containerProperties={'image': 'x'})
    body = json.dumps({'jobName': 'dropped', 'jobQueue': 'gcrunner-x86_64', 'jobDefinition': 'gc'}).encode()
    for when, expect in (('before', 0), ('after', 1)):
        control('POST', 'faults', {'service': 'batch', 'operation': 'SubmitJob', 'kind': 'drop', 'when': when})
        try:
            st, _, _ = raw('POST', '/v1/submitjob', body, {'Content-Type': 'application/json'})
            got = 'answered %s' % st
        except (http.client.HTTPException, ConnectionError, socket.timeout) as e:
            got = 'dropped (%s)' % type(e).__name__
        n = len(b.list_jobs(jobQueue='gcrunner-x86_64', filters=[{'name': 'JOB_NAME', 'values': ['dropped']}])
                ['jobSummaryList'])
        ok(got.startswith('dropped') and n == expect,
           'drop %s acting: connection closed, %d job(s) created' % (when, expect), (got, n))
        control('POST', 'reset', {})
        b.register_job_definition(jobDefinitionName='gc', type='container', containerProperties={'image': 'x'})

    control('POST', 'faults', {'service': 'batch', 'operation': 'DescribeJobQueues', 'kind': 'truncate'})
    try:
        st, _, data = raw('POST', '/v1/describejobqueues', b'{}', {'Content-Type': 'application/json'})
        got = 'complete body'
    except http.client.IncompleteRead:
        got = 'incomplete'
    ok(got == 'incomplete', 'truncate: the body ends before Content-Length', got)

    control('POST', 'faults', {'service': 'batch', 'kind': 'throttle', 'count': 1, 'skip': 1})
    first = error_of(b.describe_job_queues)[0]
    second = error_of(b.describe_job_queues)[0]
    ok(first is None and second == 'TooManyRequestsException', 'skip lets the first request pass', (first, second))
    control('POST', 'faults', {'service': 'batch', 'kind': 'throttle', 'count': 1,
                               'access_key': 'AKIAGCRTESTBED000002'})
    ok(error_of(b.describe_job_queues)[0] is None, 'a rule for another caller does not fire')
    other = client('batch', ak='AKIAGCRTESTBED000002', sk='gcrunner-testbed-secret-0002')
    ok(error_of(other.describe_job_queues)[0] == 'TooManyRequestsException', 'but fires for that caller')
    rules = control('GET', 'faults')['rules']
    ok(all(r['fired'] >= 1 for r in rules), 'fault rules report how often they fired')
    control('DELETE', 'faults')
    ok(control('GET', 'faults')['rules'] == [], 'DELETE removes all rules')


def test_concurrency():
    control('POST', 'reset', {})
    n = 200
    errors = []

    def one(i):
        c = http.client.HTTPConnection(HOSTPORT, timeout=30)
        try:
            st, _ = send_signed(c, '/v1/describejobqueues', b'{}')
            if st != 200:
                errors.append(st)
        except Exception as e:      # noqa: BLE001 - any failure counts
            errors.append(repr(e))
        finally:
            c.close()
    t0 = time.time()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok(not errors, '%d concurrent connections all answered (%.2f s)' % (n, time.time() - t0), errors[:5])
    # keep-alive: several requests on one connection
    c = http.client.HTTPConnection(HOSTPORT, timeout=10)
    statuses = [send_signed(c, '/v1/describejobqueues', b'{}')[0] for i in range(3)]
    c.close()
    ok(statuses == [200, 200, 200], 'three requests on one kept-alive connection', statuses)


def test_sts_and_credentials():
    control('POST', 'reset', {})
    sts = client('sts')
    me = sts.get_caller_identity()
    ok(me['Account'] == '111122223333' and me['Arn'].endswith('user/gcrunner-tester'), 'GetCallerIdentity')
    other = client('sts', ak='AKIAGCRTESTBED000002', sk='gcrunner-testbed-secret-0002').get_caller_identity()
    ok(other['Account'] == '444455556666', 'the second key is another account')
    control('POST', 'sts', {'durationSeconds': 1})
    cr = sts.assume_role(RoleArn='arn:aws:iam::111122223333:role/r', RoleSessionName='s1')['Credentials']
    ok(cr['AccessKeyId'].startswith('ASIA') and cr['SessionToken'], 'AssumeRole issues ASIA key + token')
    tmp = client('sts', ak=cr['AccessKeyId'], sk=cr['SecretAccessKey'], token=cr['SessionToken'])
    ok(tmp.get_caller_identity()['Arn'] == 'arn:aws:sts::111122223333:assumed-role/r/s1',
       'temporary credentials work and show the assumed role')
    time.sleep(1.1)
    code, _, _ = error_of(tmp.get_caller_identity)
    ok(code == 'ExpiredToken', 'after durationSeconds they are ExpiredToken', code)
    code, _, _ = error_of(client('batch', ak=cr['AccessKeyId'], sk=cr['SecretAccessKey'],
                                 token=cr['SessionToken']).describe_job_queues)
    ok(code == 'ExpiredTokenException', 'and ExpiredTokenException on Batch', code)
    control('POST', 'sts', {'durationSeconds': None, 'denyRoles': ['arn:aws:iam::*:role/forbidden']})
    code, msg, status = error_of(sts.assume_role, RoleArn='arn:aws:iam::111122223333:role/forbidden',
                                 RoleSessionName='s2')
    ok(code == 'AccessDenied' and status == 403 and 'sts:AssumeRole' in msg, 'denied role: AccessDenied', (code, msg))
    code, _, _ = error_of(sts.assume_role, RoleArn='not-an-arn-but-long-enough', RoleSessionName='s2')
    ok(code == 'ValidationError', 'a malformed role ARN: ValidationError', code)

    anon = SESSION.create_client('sts', region_name=REGION, endpoint_url=URL, config=Config(
        signature_version=botocore.UNSIGNED, retries={'total_max_attempts': 1}))
    web = anon.assume_role_with_web_identity(RoleArn='arn:aws:iam::111122223333:role/web', RoleSessionName='w1',
                                             WebIdentityToken='token-1')['Credentials']
    ok(client('sts', ak=web['AccessKeyId'], sk=web['SecretAccessKey'], token=web['SessionToken'])
       .get_caller_identity()['Arn'].endswith('assumed-role/web/w1'), 'AssumeRoleWithWebIdentity (unsigned) works')
    control('POST', 'sts', {'webIdentityTokens': ['good-token']})
    code, _, _ = error_of(anon.assume_role_with_web_identity, RoleArn='arn:aws:iam::111122223333:role/web',
                          RoleSessionName='w1', WebIdentityToken='unknown-token')
    ok(code == 'InvalidIdentityToken', 'an unknown web identity token: InvalidIdentityToken', code)

    control('POST', 'credentials', {'accessKeyId': 'AKIALIMITEDUSER00001', 'secretAccessKey': 'limited',
                                    'denied': ['batch:SubmitJob', 'iam:*']})
    lim = client('batch', ak='AKIALIMITEDUSER00001', sk='limited')
    code, msg, status = error_of(lim.submit_job, jobName='x', jobQueue='q', jobDefinition='d')
    ok(code == 'AccessDeniedException' and 'batch:SubmitJob' in msg, 'a denied operation names the permission',
       (code, msg))
    ok(error_of(lim.describe_job_queues)[0] is None, 'other operations still work for that user')


def test_prices():
    control('POST', 'reset', {})
    pr = client('pricing')
    base = [{'Type': 'TERM_MATCH', 'Field': 'instanceType', 'Value': 'c7g.16xlarge'},
            {'Type': 'TERM_MATCH', 'Field': 'regionCode', 'Value': 'us-east-1'}]
    loose = pr.get_products(ServiceCode='AmazonEC2', Filters=base)['PriceList']
    ok(len(loose) > 1 and all(isinstance(p, str) for p in loose), 'PriceList is JSON strings; loose filters match several')
    strict = base + [{'Type': 'TERM_MATCH', 'Field': f, 'Value': v} for f, v in (
        ('operatingSystem', 'Linux'), ('tenancy', 'Shared'), ('preInstalledSw', 'NA'), ('capacitystatus', 'Used'),
        ('licenseModel', 'No License required'), ('operation', 'RunInstances'))]
    one = pr.get_products(ServiceCode='AmazonEC2', Filters=strict)['PriceList']
    ok(len(one) == 1, "aws.md's filter set gives exactly one product", len(one))
    doc = json.loads(one[0])
    price = [d['pricePerUnit']['USD'] for t in doc['terms']['OnDemand'].values()
             for d in t['priceDimensions'].values()][0]
    ok(abs(float(price) - 2.32) < 1e-9, 'c7g.16xlarge us-east-1 on-demand is 2.32 $/h', price)
    hpc = pr.get_products(ServiceCode='AmazonEC2', Filters=[
        {'Type': 'TERM_MATCH', 'Field': 'instanceType', 'Value': 'hpc6a.48xlarge'},
        {'Type': 'TERM_MATCH', 'Field': 'regionCode', 'Value': 'us-east-1'}])['PriceList']
    ok(hpc == [], 'hpc6a.48xlarge is not offered in us-east-1')
    page = pr.get_products(ServiceCode='AmazonEC2', MaxResults=100)
    ok(len(page['PriceList']) == 100 and page.get('NextToken'), 'GetProducts pages by MaxResults')
    code, _, _ = error_of(client('pricing', region='us-west-2').get_products, ServiceCode='AmazonEC2')
    ok(code == 'InvalidSignatureException', 'the Price List API answers only in its regions', code)

    ec2 = client('ec2')
    now = time.time()
    h = ec2.describe_spot_price_history(InstanceTypes=['c7g.16xlarge'], ProductDescriptions=['Linux/UNIX'],
                                        StartTime=now)['SpotPriceHistory']
    zones = sorted(x['AvailabilityZone'] for x in h)
    ok(zones == ['us-east-1' + z for z in 'abcdef'], 'one price per zone in effect at StartTime', zones)
    ok(all(0.2 * 2.32 <= float(x['SpotPrice']) <= 0.5 * 2.32 for x in h), 'spot prices 20-50 % of on-demand')
    again = ec2.describe_spot_price_history(InstanceTypes=['c7g.16xlarge'], ProductDescriptions=['Linux/UNIX'],
                                            StartTime=now)['SpotPriceHistory']
    ok(again == h, 'spot prices are deterministic')
    day = ec2.describe_spot_price_history(InstanceTypes=['c7g.16xlarge'], ProductDescriptions=['Linux/UNIX'],
                                          StartTime=now - 86400, EndTime=now)['SpotPriceHistory']
    ts = [x['Timestamp'] for x in day]
    ok(len(day) > 6 and ts == sorted(ts, reverse=True), 'a day of history, newest first', len(day))
    it = ec2.describe_instance_types(InstanceTypes=['hpc7g.16xlarge', 'c5n.18xlarge'])['InstanceTypes']
    d = {x['InstanceType']: x for x in it}
    ok(d['hpc7g.16xlarge']['ProcessorInfo']['SupportedArchitectures'] == ['arm64']
       and d['hpc7g.16xlarge']['VCpuInfo']['DefaultCores'] == 64
       and d['c5n.18xlarge']['VCpuInfo']['DefaultCores'] == 36 and d['c5n.18xlarge']['NetworkInfo']['EfaSupported'],
       'DescribeInstanceTypes: architecture, cores, EFA')
    code, _, _ = error_of(ec2.describe_instance_types, InstanceTypes=['c9.huge'])
    ok(code == 'InvalidInstanceType', 'unknown type: InvalidInstanceType', code)
    efa = ec2.describe_instance_types(Filters=[{'Name': 'network-info.efa-supported', 'Values': ['true']}])
    ok(all(x['NetworkInfo']['EfaSupported'] for x in efa['InstanceTypes']) and len(efa['InstanceTypes']) >= 5,
       'filter by EFA support')
    code, _, status = error_of(ec2.describe_regions, DryRun=True)
    ok(code == 'DryRunOperation' and status == 412, 'DryRun answers DryRunOperation')


def test_ssm(tmpdir):
    control('POST', 'reset', {})
    ssm = client('ssm')
    iid = 'i-0123456789abcdef0'
    marker = os.path.join(tmpdir, 'ran')
    cid = ssm.send_command(InstanceIds=[iid], DocumentName='AWS-RunShellScript', Parameters={
        'commands': ['echo out-$((6*7))', 'touch %s' % marker, 'echo oops >&2', 'exit 4'],
        'workingDirectory': [tmpdir]})['Command']['CommandId']
    end = time.time() + 10
    while time.time() < end:
        inv = ssm.get_command_invocation(CommandId=cid, InstanceId=iid)
        if inv['Status'] not in ('Pending', 'InProgress'):
            break
        time.sleep(0.05)
    ok(inv['Status'] == 'Failed' and inv['ResponseCode'] == 4 and inv['StandardOutputContent'] == 'out-42\n'
       and inv['StandardErrorContent'].startswith('oops\n'), 'commands really ran: stdout, stderr, exit 4', inv)
    ok(os.path.exists(marker), 'in the requested working directory, on this machine')
    cid = ssm.send_command(InstanceIds=[iid], DocumentName='AWS-RunShellScript', Parameters={
        'commands': ['sleep 5'], 'executionTimeout': ['1']})['Command']['CommandId']
    time.sleep(1.5)
    inv = ssm.get_command_invocation(CommandId=cid, InstanceId=iid)
    ok(inv['Status'] == 'TimedOut' and inv['StatusDetails'] == 'ExecutionTimedOut', 'executionTimeout kills it',
       inv['Status'])
    cid = ssm.send_command(InstanceIds=[iid], DocumentName='AWS-RunShellScript',
                           Parameters={'commands': ['sleep 30']})['Command']['CommandId']
    time.sleep(0.2)
    ssm.cancel_command(CommandId=cid)
    end = time.time() + 5
    while time.time() < end:
        inv = ssm.get_command_invocation(CommandId=cid, InstanceId=iid)
        if inv['Status'] not in ('Pending', 'InProgress'):
            break
        time.sleep(0.05)
    ok(inv['Status'] == 'Cancelled', 'CancelCommand stops it', inv['Status'])
    code, _, _ = error_of(ssm.send_command, InstanceIds=[iid], DocumentName='AWS-RunPowerShellScript',
                          Parameters={'commands': ['x']})
    ok(code == 'InvalidDocument', 'other documents: InvalidDocument', code)
    control('POST', 'ssm', {'instances': ['i-0aaaaaaaaaaaaaaaa'], 'invocationDelayMs': 400})
    code, _, _ = error_of(ssm.send_command, InstanceIds=[iid], DocumentName='AWS-RunShellScript',
                          Parameters={'commands': ['true']})
    ok(code == 'InvalidInstanceId', 'an instance not managed: InvalidInstanceId', code)
    cid = ssm.send_command(InstanceIds=['i-0aaaaaaaaaaaaaaaa'], DocumentName='AWS-RunShellScript',
                           Parameters={'commands': ['true']})['Command']['CommandId']
    code, _, _ = error_of(ssm.get_command_invocation, CommandId=cid, InstanceId='i-0aaaaaaaaaaaaaaaa')
    ok(code == 'InvocationDoesNotExist', 'right after SendCommand: InvocationDoesNotExist (configured)', code)
    time.sleep(0.5)
    ok(ssm.get_command_invocation(CommandId=cid, InstanceId='i-0aaaaaaaaaaaaaaaa')['Status'] in
       ('InProgress', 'Success'), 'then it exists')


def test_sso_refresh():
    """SSO OIDC CreateToken's refresh_token grant, through botocore's client."""
    oidc = SESSION.create_client('sso-oidc', region_name=REGION, endpoint_url=URL, config=Config(
        signature_version=botocore.UNSIGNED, retries={'total_max_attempts': 1}))
    portal = SESSION.create_client('sso', region_name=REGION, endpoint_url=URL, config=Config(
        signature_version=botocore.UNSIGNED, retries={'total_max_attempts': 1}))
    t = control('POST', 'sso-oidc/signin', {'startUrl': 'https://corp.awsapps.com/start', 'expiresIn': -60})
    ok(set(t) == {'accessToken', 'expiresAt', 'refreshToken', 'clientId', 'clientSecret',
                  'registrationExpiresAt', 'region', 'startUrl'}, 'signin answers the cache-file fields', sorted(t))
    code, _, _ = error_of(portal.list_accounts, accessToken=t['accessToken'])
    ok(code == 'UnauthorizedException', 'an expired access token is refused by the portal', code)
    grant = dict(grantType='refresh_token', clientId=t['clientId'], clientSecret=t['clientSecret'])
    r = oidc.create_token(refreshToken=t['refreshToken'], **grant)
    ok(r['expiresIn'] > 0 and r['refreshToken'] != t['refreshToken'], 'refresh_token grant: new tokens')
    ok(error_of(portal.list_accounts, accessToken=r['accessToken'])[0] is None, 'the renewed token works')
    code, _, _ = error_of(oidc.create_token, refreshToken=t['refreshToken'], **grant)
    ok(code == 'InvalidGrantException', 'a used refresh token: InvalidGrantException', code)
    code, _, _ = error_of(oidc.create_token, **grant)
    ok(code == 'InvalidRequestException', 'no refresh token: InvalidRequestException', code)
    code, _, _ = error_of(oidc.create_token, refreshToken=r['refreshToken'], grantType='refresh_token',
                          clientId=t['clientId'], clientSecret='wrong')
    ok(code == 'InvalidClientException', 'a wrong client secret: InvalidClientException', code)
    control('POST', 'sso-oidc/revoke', {'refreshToken': r['refreshToken']})
    code, _, _ = error_of(oidc.create_token, refreshToken=r['refreshToken'], **grant)
    ok(code == 'InvalidGrantException', 'a revoked refresh token: InvalidGrantException', code)


def test_control_misc():
    h = control('GET', 'health')
    ok(h['ok'] and set(['batch', 'logs', 'pricing', 'ec2', 'sts', 'ssm']) <= set(h['services']), 'health lists services')
    c0 = control('GET', 'clock')['now']
    control('POST', 'clock', {'advance': 3600})
    ok(control('GET', 'clock')['now'] - c0 >= 3600, 'clock advance')
    try:
        control('POST', 'faults', {'kind': 'nonsense'})
        ok(False, 'a bad fault rule is refused')
    except urllib.error.HTTPError as e:
        ok(e.code == 400, 'a bad fault rule is refused with 400')


def main():
    import tempfile
    tmp = tempfile.mkdtemp(prefix='testbed-selftest-')
    for test in (test_signatures, test_validation, test_batch, test_bulk_and_speed, test_faults,
                 test_concurrency, test_sts_and_credentials, test_prices, lambda: test_ssm(tmp),
                 test_sso_refresh, test_control_misc):
        try:
            test()
        except Exception as e:          # noqa: BLE001 - report and go on
            import traceback
            traceback.print_exc()
            ok(False, '%s raised %s: %s' % (getattr(test, '__name__', 'test'), type(e).__name__, e))
    print('%d passed, %d failed' % (checks - failures, failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
