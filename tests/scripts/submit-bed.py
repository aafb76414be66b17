#!/usr/bin/python3
"""submit-bed.py: helpers for the submit tests, next to the test bed.

  submit-bed.py prepare --bucket B [--user U --quota-limit L --quota-used N]
      creates the DynamoDB tables Users and Simulations (dynalite) and the
      bucket (s3rver) with botocore, at $AWS_ENDPOINT_URL_DYNAMODB/_S3; with
      --user, a Users item holding quotaLimit/quotaUsed.
  submit-bed.py proxy --dynamodb URL --s3 URL --port-file F
      a front for dynalite and s3rver that forwards every request unchanged
      and injects faults on request, as the AWS test server does for its own
      services (dynalite and s3rver have no fault injection):
        POST   /__proxy/faults   {"service":"dynamodb"|"s3", "operation":"PutItem",
                                  "kind":"throttle"|"error"|"drop", "count":N,
                                  "when":"before"|"after"}   (one rule or a list)
        DELETE /__proxy/faults
        GET    /__proxy/requests {"count":N, "counts":{"dynamodb.PutItem":N}}
        DELETE /__proxy/requests
      throttle answers as the services do (DynamoDB 400
      ProvisionedThroughputExceededException, S3 503 SlowDown), error is their
      500 (InternalServerError, InternalError), drop closes the connection
      without an answer.  "after" forwards first: the operation IS done,
      then the answer is the fault.
  submit-bed.py get-item TABLE USER SIM   prints the item (JSON) or {}
  submit-bed.py jobs-named QUEUE NAME     how many Batch jobs have exactly this
                                          name (ListJobs JOB_NAME, every page)
  submit-bed.py check QUEUE USER SIM      "<jobs named SIM> <record jobId> <record
                                          status>" in one go ("-" for missing)
  submit-bed.py journal FILE [SIM KEY]    the last simulation id, or one field
                                          of a simulation's merged state
"""
import argparse
import http.client
import json
import os
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
RULES = []
COUNTS = {}


def botocore_client(service):
    import botocore.session
    session = botocore.session.get_session()
    env = 'AWS_ENDPOINT_URL_' + service.upper()
    kwargs = {'region_name': os.environ.get('AWS_REGION', 'us-east-1'),
              'endpoint_url': os.environ[env]}
    if service == 's3':
        from botocore.config import Config
        kwargs['config'] = Config(s3={'addressing_style': 'path'})
    return session.create_client(service, **kwargs)


def prepare(args):
    ddb = botocore_client('dynamodb')
    for name, keys in (('Users', ['userId']), ('Simulations', ['userId', 'simulationId'])):
        ddb.create_table(TableName=name,
                         AttributeDefinitions=[{'AttributeName': k, 'AttributeType': 'S'} for k in keys],
                         KeySchema=[{'AttributeName': k, 'KeyType': 'HASH' if i == 0 else 'RANGE'}
                                    for i, k in enumerate(keys)],
                         BillingMode='PAY_PER_REQUEST')
    if args.user:
        ddb.put_item(TableName='Users', Item={'userId': {'S': args.user},
                                              'quotaLimit': {'N': str(args.quota_limit)},
                                              'quotaUsed': {'N': str(args.quota_used)}})
    botocore_client('s3').create_bucket(Bucket=args.bucket)
    return 0


def get_item(args):
    item = botocore_client('dynamodb').get_item(
        TableName=args.table, Key={'userId': {'S': args.user}, 'simulationId': {'S': args.sim}},
        ConsistentRead=True).get('Item', {})
    print(json.dumps(item))
    return 0


def count_jobs(queue, name):
    batch = botocore_client('batch')
    n, token = 0, None
    while True:
        kw = {'jobQueue': queue, 'filters': [{'name': 'JOB_NAME', 'values': [name]}]}
        if token:
            kw['nextToken'] = token
        page = batch.list_jobs(**kw)
        n += sum(1 for j in page['jobSummaryList'] if j['jobName'] == name)
        token = page.get('nextToken')
        if not token:
            break
    return n


def jobs_named(args):
    print(count_jobs(args.queue, args.name))
    return 0


def check(args):
    n = count_jobs(args.queue, args.sim) if args.sim else 0
    item = {}
    if args.sim:
        item = botocore_client('dynamodb').get_item(
            TableName='Simulations', ConsistentRead=True,
            Key={'userId': {'S': args.user}, 'simulationId': {'S': args.sim}}).get('Item', {})
    print(n, item.get('jobId', {}).get('S', '-'), item.get('status', {}).get('S', '-'))
    return 0


def journal(args):
    state, order = {}, []
    with open(args.file) as f:
        for line in f:
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            sim = ev.get('sim')
            if sim not in state:
                state[sim] = {}
                order.append(sim)
            state[sim].update(ev)
    if not args.sim:
        print(order[-1] if order else '')
    else:
        v = state.get(args.sim, {}).get(args.key)
        print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)
    return 0


def operation_of(handler):
    target = handler.headers.get('X-Amz-Target')
    if target:
        return 'dynamodb', target.split('.', 1)[-1]
    url = urllib.parse.urlsplit(handler.path)
    query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
    parts = [p for p in url.path.split('/') if p]
    method = handler.command
    if method == 'PUT':
        return 's3', 'PutObject' if len(parts) > 1 else 'CreateBucket'
    if method == 'GET':
        return 's3', 'ListObjectsV2' if 'list-type' in query or len(parts) <= 1 else 'GetObject'
    if method == 'HEAD':
        return 's3', 'HeadObject'
    if method == 'DELETE':
        return 's3', 'DeleteObject'
    return 's3', method


def take_fault(service, op):
    with LOCK:
        for rule in RULES:
            if rule.get('service', service) != service or rule.get('operation', op) != op:
                continue
            if rule['count'] == 0:
                continue
            if rule['count'] > 0:
                rule['count'] -= 1
            rule['fired'] = rule.get('fired', 0) + 1
            return rule
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    upstream = {}

    def log_message(self, fmt, *args):
        sys.stderr.write('%s\n' % (fmt % args))

    def reply(self, status, body, ctype='application/json', headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(data)

    def control(self, body):
        global RULES
        path = urllib.parse.urlsplit(self.path).path
        if path == '/__proxy/faults':
            with LOCK:
                if self.command == 'POST':
                    doc = json.loads(body or b'{}')
                    for r in doc if isinstance(doc, list) else [doc]:
                        r.setdefault('count', 1)
                        RULES.append(r)
                elif self.command == 'DELETE':
                    RULES = []
                out = json.dumps({'rules': RULES})
            return self.reply(200, out)
        if path == '/__proxy/requests':
            with LOCK:
                if self.command == 'DELETE':
                    COUNTS.clear()
                out = json.dumps({'count': sum(COUNTS.values()), 'counts': COUNTS})
            return self.reply(200, out)
        return self.reply(404, '{}')

    def fault_answer(self, service, kind):
        if kind == 'drop':
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass
            return
        if service == 'dynamodb':
            if kind == 'throttle':
                return self.reply(400, json.dumps({
                    '__type': 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
                    'message': 'injected: rate of requests exceeds the allowed throughput'}),
                    'application/x-amz-json-1.0')
            return self.reply(500, json.dumps({
                '__type': 'com.amazonaws.dynamodb.v20120810#InternalServerError',
                'message': 'injected: internal server error'}), 'application/x-amz-json-1.0')
        code, status = ('SlowDown', 503) if kind == 'throttle' else ('InternalError', 500)
        return self.reply(status, '<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code>'
                          '<Message>injected</Message><RequestId>proxy</RequestId></Error>' % code,
                          'application/xml')

    def forward(self, service, body):
        url = urllib.parse.urlsplit(self.upstream[service])
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ('connection',)}
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        hdrs = [(k, v) for k, v in resp.getheaders()
                if k.lower() not in ('transfer-encoding', 'connection', 'content-length')]
        conn.close()
        return resp.status, data, hdrs

    def handle_any(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        if self.path.startswith('/__proxy/'):
            return self.control(body)
        service, op = operation_of(self)
        with LOCK:
            key = '%s.%s' % (service, op)
            COUNTS[key] = COUNTS.get(key, 0) + 1
        rule = take_fault(service, op)
        if rule and rule.get('when', 'before') == 'before':
            return self.fault_answer(service, rule['kind'])
        status, data, hdrs = self.forward(service, body)
        if rule:
            return self.fault_answer(service, rule['kind'])
        self.send_response(status)
        for k, v in hdrs:
            self.send_header(k, v)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


def proxy(args):
    Handler.upstream = {'dynamodb': args.dynamodb, 's3': args.s3}
    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    port = server.server_address[1]
    with open(args.port_file + '.tmp', 'w') as f:
        f.write('%d\n' % port)
    os.rename(args.port_file + '.tmp', args.port_file)
    server.serve_forever()


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest='cmd', required=True)
    pp = sub.add_parser('prepare')
    pp.add_argument('--bucket', required=True)
    pp.add_argument('--user')
    pp.add_argument('--quota-limit', type=float, default=0)
    pp.add_argument('--quota-used', type=float, default=0)
    px = sub.add_parser('proxy')
    px.add_argument('--dynamodb', required=True)
    px.add_argument('--s3', required=True)
    px.add_argument('--port-file', required=True)
    gi = sub.add_parser('get-item')
    gi.add_argument('table')
    gi.add_argument('user')
    gi.add_argument('sim')
    jn = sub.add_parser('jobs-named')
    jn.add_argument('queue')
    jn.add_argument('name')
    ck = sub.add_parser('check')
    ck.add_argument('queue')
    ck.add_argument('user')
    ck.add_argument('sim')
    jo = sub.add_parser('journal')
    jo.add_argument('file')
    jo.add_argument('sim', nargs='?')
    jo.add_argument('key', nargs='?')
    args = p.parse_args()
    return {'prepare': prepare, 'proxy': proxy, 'get-item': get_item, 'jobs-named': jobs_named,
            'check': check, 'journal': journal}[args.cmd](args) or 0


if __name__ == '__main__':
    sys.exit(main())
