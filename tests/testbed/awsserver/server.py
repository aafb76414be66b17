#!/usr/bin/python3
"""server.py: gcrunner's local AWS test server.

One HTTP/1.1 process on 127.0.0.1 serving several AWS APIs (see services/),
each checked against botocore's model: SigV4 signatures, parameter
validation, real error shapes, stateful answers.  /__control/ (unsigned)
lets tests inject faults, read the request log, move the clock and
bulk-create state; see tests/testbed/README.

  /usr/bin/python3 server.py [--port 0] [--port-file F] [--speed 1]
                             [--ssm-workdir DIR] [--credentials FILE]

The chosen port is printed on stdout as "PORT <n>" and written to
--port-file once the server accepts connections.  It runs until SIGTERM or
SIGINT.
"""
import argparse
import json
import os
import re
import signal
import socket
import sys
import threading
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
# botocore loads the optional AWS CRT when present (80 ms of start-up);
# the server signs with botocore's pure-Python SigV4Auth, so keep it out.
sys.modules.setdefault('awscrt', None)

import codec                      # noqa: E402
import sigv4                      # noqa: E402
from codec import AwsError        # noqa: E402
from faults import Faults, FaultError, RequestLog   # noqa: E402
from world import World, Ctx, new_request_id        # noqa: E402
import services                   # noqa: E402

MAX_BODY = 64 * 1024 * 1024


class Router:
    """Finds the service and operation a request is for, the way AWS's
    endpoints would if each service had its own host: json protocols by
    X-Amz-Target, query protocols by Action+Version, rest-json by path."""

    def __init__(self, world):
        self.world = world
        self.by_target = {}
        self.by_version = {}
        self.rest = []
        for svc in world.services.values():
            self.add(svc)

    def add(self, svc):
        m = svc.model
        if svc.protocol == 'json':
            self.by_target[m.metadata['targetPrefix']] = svc
        elif svc.protocol in ('query', 'ec2'):
            self.by_version[m.api_version] = svc
        elif svc.protocol == 'rest-json':
            for op in svc.ops.values():
                rx, labels, fixed = codec.compile_uri(op.http.get('requestUri', '/'))
                if getattr(svc, 'API_GATEWAY_STAGE', False):
                    # Behind API Gateway the invoke URL's stage comes first: /prod/v3/...
                    rx = re.compile('^(?:/[A-Za-z0-9_-]+)?' + rx.pattern[1:])
                self.rest.append((svc, op, op.http.get('method', 'POST'), rx, labels, fixed))
            # Literal paths before templates: /v3/clusters before /v3/clusters/{name}.
            self.rest.sort(key=lambda r: r[3].pattern.count('(') - len(r[5]) * 0.1)

    def route(self, method, path, query, headers, body):
        """-> (service, op, extra) or raises AwsError.  extra: decoded
        query params for query protocols, the path match for rest-json."""
        target = headers.get('X-Amz-Target')
        if target:
            prefix, _, opname = target.rpartition('.')
            svc = self.by_target.get(prefix)
            if svc is None or opname not in svc.ops:
                raise AwsError('UnknownOperationException', 'Unknown operation %s' % target,
                               status=400, coral=True)
            return svc, svc.ops[opname], None
        ctype = (headers.get('Content-Type') or '').lower()
        form = None
        if ctype.startswith('application/x-www-form-urlencoded'):
            form = urllib.parse.parse_qsl(body.decode('utf-8', 'replace'), keep_blank_values=True)
        elif method == 'GET' and 'Action=' in query:
            form = urllib.parse.parse_qsl(query, keep_blank_values=True)
        if form is not None:
            params = dict(form)
            version = params.get('Version')
            svc = self.by_version.get(version)
            if svc is None:
                raise AwsError('InvalidAction' if version else 'MissingParameter',
                               'Could not find a service for Version=%s' % version
                               if version else 'The request must contain the parameter Version',
                               status=400)
            action = params.get('Action')
            if action not in svc.ops:
                err = AwsError('InvalidAction', 'The action %s is not valid for this web service.' % action,
                               status=400)
                err.service = svc        # answer in that service's error shape
                raise err
            return svc, svc.ops[action], params
        qd = urllib.parse.parse_qs(query, keep_blank_values=True)
        allowed = None
        for svc, op, m, rx, labels, fixed in self.rest:
            match = rx.match(path)
            if not match:
                continue
            if any(k not in qd for k in fixed):
                continue
            if m != method:
                allowed = allowed or []
                allowed.append(m)
                continue
            return svc, op, (match, labels, qd)
        raise AwsError('UnknownOperationException', 'No operation for %s %s' % (method, path),
                       status=404 if not allowed else 405, coral=True)


class State:
    """The server as a whole, shared by all handler threads."""

    def __init__(self, args):
        self.args = args
        self.store = sigv4.CredentialStore()
        services.default_credentials(self.store)
        if args.credentials:
            with open(args.credentials) as f:
                for doc in json.load(f):
                    services.add_credentials(self.store, doc)
        self.world = World(self.store, speed=args.speed,
                           settings={'ssm_workdir': args.ssm_workdir})
        for cls in services.ALL:
            self.world.add(cls)
        self.router = Router(self.world)
        self.faults = Faults()
        self.log = RequestLog()
        self.started = time.time()
        self.port = None


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    disable_nagle_algorithm = True      # no 40 ms delayed-ACK stalls on keep-alive
    server_version = 'gcrunner-testbed'
    sys_version = ''

    def log_message(self, fmt, *args):
        pass

    # -- plumbing -----------------------------------------------------------
    def _read_body(self):
        if self.headers.get('Transfer-Encoding', '').lower() == 'chunked':
            chunks = []
            while True:
                line = self.rfile.readline()
                size = int(line.split(b';')[0].strip() or b'0', 16)
                if size == 0:
                    while self.rfile.readline() not in (b'\r\n', b'\n', b''):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b''.join(chunks)
        n = int(self.headers.get('Content-Length') or 0)
        if n > MAX_BODY:
            raise ValueError('body too large')
        return self.rfile.read(n) if n else b''

    def _send(self, status, body, ctype, headers=None, truncate=False):
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        self.send_header('Date', self.date_time_string())
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if truncate:
            self.send_header('Connection', 'close')
        # Head and body in one write (end_headers() would send them apart).
        self._headers_buffer.append(b'\r\n')
        if self.command != 'HEAD':
            self._headers_buffer.append(body[:len(body) // 2] if truncate else body)
        self.flush_headers()
        if truncate:
            self.wfile.flush()
            self.close_connection = True

    def _drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def do_GET(self):
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    # -- one request ----------------------------------------------------------
    def _handle(self):
        st = self.server.state
        t0 = time.time()
        raw_path, _, raw_query = self.path.partition('?')
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self._drop()
            return
        if raw_path.startswith('/__control'):
            self._control(st, raw_path, raw_query, body)
            return
        request_id = new_request_id()
        entry = {'t': t0, 'method': self.command, 'path': raw_path, 'service': None,
                 'operation': None, 'status': None, 'code': None, 'fault': None,
                 'access_key': None, 'region': None, 'request_id': request_id}
        svc = op = None
        protocol = 'json' if self.headers.get('X-Amz-Target') else (
            'query' if 'form-urlencoded' in (self.headers.get('Content-Type') or '') else 'rest-json')
        rule = None
        try:
            svc, op, extra = st.router.route(self.command, raw_path, raw_query, self.headers, body)
            protocol = svc.protocol
            entry['service'], entry['operation'] = svc.name, op.name
            ident, region = None, None
            if not svc.unsigned(op):
                ident, region = sigv4.verify(
                    st.store, self.command, raw_path, raw_query, self.headers, body, protocol,
                    svc.signing_name, allowed_regions=svc.ALLOWED_REGIONS)
                entry['access_key'], entry['region'] = ident.access_key, region
            rule = st.faults.take(svc.name, op.name, entry['access_key'])
            if rule is not None:
                entry['fault'] = rule.kind
                if rule.delay_ms and rule.kind in ('slow', 'hang'):
                    time.sleep(rule.delay_ms / 1000.0)
                if rule.when == 'before' and self._fault_now(svc, rule, entry, t0):
                    return
            params = self._decode(svc, op, extra, body)
            ctx = Ctx(st.world, svc, op, ident, region or 'us-east-1', request_id, self.headers)
            self._authorize(svc, op, ident, ctx)
            fn = svc.handler(op.name)
            if fn is None:
                status, code = svc.NOT_IMPLEMENTED
                raise AwsError(code, 'The test server does not implement %s.%s' % (svc.name, op.name),
                               status=status, sender=False)
            with st.world.lock:
                result = fn(ctx, params) or {}
            if rule is not None and rule.when == 'after' and self._fault_now(svc, rule, entry, t0):
                return
            if st.args.check_output:
                self._check_output(svc, op, result)
            status, payload, ctype, headers = self._encode(svc, op, result, request_id)
            entry['status'] = status
            self._send(status, payload, ctype, headers,
                       truncate=rule is not None and rule.kind == 'truncate')
        except AwsError as e:
            entry['status'], entry['code'] = e.status, e.code
            if svc is None and getattr(e, 'service', None) is not None:
                svc, protocol = e.service, e.service.protocol
                entry['service'] = svc.name
            self._send_error(svc, protocol, e, request_id)
        except Exception as e:          # a bug in the server: say so loudly
            traceback.print_exc()
            err = AwsError('InternalFailure', 'test server bug: %s: %s' % (type(e).__name__, e),
                           status=500, sender=False)
            entry['status'], entry['code'] = 500, err.code
            self._send_error(svc, protocol, err, request_id)
        finally:
            entry['ms'] = round((time.time() - t0) * 1000, 3)
            if entry['service'] is not None or entry['status'] is not None or entry['fault']:
                st.log.add(entry)

    def _fault_now(self, svc, rule, entry, t0):
        """Apply a fault; True when the request is finished by it."""
        if rule.kind in ('drop', 'hang'):
            entry['status'] = 0
            self._drop()
            return True
        if rule.kind in ('throttle', 'error', 'unavailable'):
            if rule.kind == 'throttle':
                err = svc.error('THROTTLE')
            elif rule.kind == 'unavailable':
                err = svc.error('UNAVAILABLE')
            else:
                err = svc.error('SERVER_ERROR')
            if rule.status:
                err.status = int(rule.status)
            if rule.code:
                err.code = rule.code
            if rule.message:
                err.message = rule.message
            err.sender = err.status < 500
            raise err
        return False

    def _decode(self, svc, op, extra, body):
        try:
            if svc.protocol == 'json':
                params = codec.decode_json_body(op, body)
            elif svc.protocol in ('query', 'ec2'):
                flat = {k: v for k, v in extra.items() if k not in ('Action', 'Version')}
                params, unknown = codec.decode_query(op.input_shape, flat, svc.protocol == 'ec2')
                if unknown:
                    status, code = svc.UNKNOWN_MEMBER
                    raise AwsError(code, 'The parameter %s is not recognized' % unknown[0], status=status)
            else:
                match, labels, qd = extra
                params = codec.decode_rest_json(op, match, labels, qd, self.headers, body)
        except codec.DecodeError as e:
            status, code = svc.TYPE_ERROR
            raise AwsError(code, e.message, status=status)
        problems = codec.validate(op.input_shape, params, open_enums=svc.OPEN_ENUMS)
        if problems.unknown:
            status, code = svc.UNKNOWN_MEMBER
            raise AwsError(code, 'Unknown parameter%s in input: %s; must be one of: %s' % (
                's' if len(problems.unknown) > 1 else '', ', '.join(problems.unknown),
                ', '.join(op.input_shape.members) if op.input_shape else 'nothing'), status=status)
        if problems.type_errors:
            status, code = svc.TYPE_ERROR
            raise AwsError(code, problems.type_errors[0], status=status)
        if problems.constraint_errors:
            svc.validation_failed(op, problems)
        return params

    @staticmethod
    def _check_output(svc, op, result):
        """The server's own answer against the output shape: types and
        enums only (required members are not checked: the models mark some
        as required that AWS leaves out, e.g. a queued job's startedAt;
        members newer than the model pass through)."""
        problems = codec.validate(op.output_shape, result, open_enums=svc.OPEN_ENUMS)
        bad = problems.type_errors + [e for e in problems.constraint_errors if 'enum value set' in e]
        if bad:
            raise AwsError('InternalFailure', 'test server bug: %s.%s answer does not match the model: %s'
                           % (svc.name, op.name, '; '.join(bad[:3])), status=500, sender=False)

    def _authorize(self, svc, op, ident, ctx):
        if ident is None or not ident.denied:
            return
        action = '%s:%s' % (svc.signing_name if svc.signing_name != 'awsssoportal' else 'sso', op.name)
        from world import glob_match
        if any(glob_match(p, action, case=False) for p in ident.denied):
            status, code = svc.ACCESS_DENIED
            raise AwsError(code, 'User: %s is not authorized to perform: %s on resource: *'
                           % (ident.arn, action), status=status)

    def _encode(self, svc, op, result, request_id):
        headers = {'x-amzn-RequestId': request_id}
        status = 200
        if svc.protocol == 'json':
            body = json.dumps(codec.encode_json_value(op.output_shape, result)).encode()
            ctype = 'application/x-amz-json-%s' % svc.model.metadata.get('jsonVersion', '1.0')
        elif svc.protocol == 'rest-json':
            out = op.output_shape
            payload_name = out.serialization.get('payload') if out is not None else None
            if out is not None:
                for mname, msh in out.members.items():
                    loc = msh.serialization.get('location')
                    if loc == 'header' and result.get(mname) is not None:
                        headers[msh.serialization.get('name', mname)] = str(result[mname])
                    elif loc == 'statusCode' and result.get(mname) is not None:
                        status = int(result[mname])
            if payload_name:
                value = result.get(payload_name)
                body = json.dumps(codec.encode_json_value(out.members[payload_name], value)).encode() \
                    if value is not None else b''
            else:
                body = json.dumps(codec.encode_json_value(out, result)).encode()
            ctype = 'application/json'
            status = op.http.get('responseCode', status) if status == 200 else status
        elif svc.protocol == 'ec2':
            body = codec.encode_ec2_response(svc.model, op, result, request_id)
            ctype = 'text/xml;charset=UTF-8'
        else:
            body = codec.encode_query_response(svc.model, op, result, request_id)
            ctype = 'text/xml'
        return status, body, ctype, headers

    def _send_error(self, svc, protocol, err, request_id):
        ctype, body, headers = codec.error_body(protocol, svc.model if svc else None, err, request_id)
        headers = dict(headers)
        headers.update(err.headers)
        headers['x-amzn-RequestId'] = request_id
        try:
            self._send(err.status, body, ctype, headers)
        except OSError:
            pass

    # -- /__control --------------------------------------------------------------
    def _control(self, st, path, raw_query, body):
        try:
            doc = json.loads(body.decode('utf-8')) if body.strip() else {}
        except ValueError as e:
            self._send(400, json.dumps({'error': 'bad JSON: %s' % e}).encode(), 'application/json')
            return
        q = {k: v[-1] for k, v in urllib.parse.parse_qs(raw_query).items()}
        try:
            answer = control(st, self.command, path[len('/__control'):].strip('/'), doc, q)
            if answer is None:
                self._send(404, json.dumps({'error': 'no control endpoint %s %s' % (self.command, path)}).encode(),
                           'application/json')
                return
            self._send(200, json.dumps(answer, default=str).encode(), 'application/json')
        except (FaultError, ValueError, KeyError, TypeError) as e:
            self._send(400, json.dumps({'error': '%s: %s' % (type(e).__name__, e)}).encode(),
                       'application/json')


def control(st, method, path, doc, q):
    """The control API (see README).  Returns JSON-able or None (404)."""
    w = st.world
    if path in ('', 'health'):
        return {'ok': True, 'port': st.port, 'pid': os.getpid(), 'uptime': time.time() - st.started,
                'services': sorted(w.services), 'clock': w.clock.state()}
    if path == 'reset':
        with w.lock:
            w.reset(doc.get('seed', 'default'))
        st.faults.clear()
        st.log.clear()
        if doc.get('credentials', True):
            st.store.by_key.clear()
            services.default_credentials(st.store)
        return {'ok': True}
    if path == 'faults':
        if method == 'GET':
            return {'rules': st.faults.public()}
        if method == 'DELETE':
            st.faults.clear()
            return {'ok': True}
        return {'added': st.faults.add(doc)}
    if path == 'faults/clear':
        st.faults.clear()
        return {'ok': True}
    if path == 'requests':
        if method == 'DELETE':
            st.log.clear()
            return {'ok': True}
        status = q.get('status')
        return st.log.query(q.get('service'), q.get('operation'), int(q.get('since', 0)),
                            int(status) if status is not None else None)
    if path == 'requests/clear':
        st.log.clear()
        return {'ok': True}
    if path == 'clock':
        if method == 'POST':
            if 'speed' in doc:
                w.clock.set_speed(doc['speed'])
            if 'advance' in doc:
                w.clock.advance(doc['advance'])
        return w.clock.state()
    if path.startswith('credentials'):
        if method == 'GET':
            return {'credentials': [i.public() for i in st.store.all()]}
        if path == 'credentials/expire':
            ident = st.store.get(doc['accessKeyId'])
            if ident is None:
                raise KeyError('no such access key')
            ident.expires = time.time() + float(doc.get('in_seconds', 0))
            return ident.public()
        if method == 'DELETE':
            return {'removed': st.store.remove(doc['accessKeyId'])}
        return services.add_credentials(st.store, doc).public()
    head, _, rest = path.partition('/')
    svc = w.services.get(head)
    if svc is not None:
        with w.lock:
            return svc.control(method, rest, doc, q)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    ap.add_argument('--host', default='127.0.0.1')
    ap.add_argument('--port', type=int, default=0)
    ap.add_argument('--port-file')
    ap.add_argument('--speed', type=float, default=float(os.environ.get('TESTBED_CLOCK_SPEED', 1)))
    ap.add_argument('--ssm-workdir', default=os.environ.get('TESTBED_SSM_WORKDIR'))
    ap.add_argument('--credentials', help='JSON list of extra credentials')
    ap.add_argument('--owner-pid', type=int, default=int(os.environ.get('TESTBED_OWNER_PID') or 0),
                    help='exit when this process is gone (a killed test leaves no server behind)')
    ap.add_argument('--check-output', action='store_true',
                    default=os.environ.get('TESTBED_CHECK_OUTPUT') == '1',
                    help="check the server's own answers against the output shapes")
    args = ap.parse_args()
    if args.host not in ('127.0.0.1', '::1', 'localhost'):
        ap.error('the test server only listens on loopback')

    st = State(args)
    ThreadingHTTPServer.request_queue_size = 1024
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.allow_reuse_address = True
    httpd = ThreadingHTTPServer((args.host, args.port), Handler)
    httpd.state = st
    st.port = httpd.server_address[1]

    def stop(signum, frame):
        threading.Thread(target=httpd.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    if args.owner_pid:
        def watch_owner():
            while True:
                time.sleep(1)
                try:
                    os.kill(args.owner_pid, 0)
                except ProcessLookupError:
                    httpd.shutdown()
                    return
                except PermissionError:
                    pass
        threading.Thread(target=watch_owner, daemon=True).start()

    if args.port_file:
        tmp = args.port_file + '.tmp'
        with open(tmp, 'w') as f:
            f.write('%d\n' % st.port)
        os.rename(tmp, args.port_file)
    print('PORT %d' % st.port, flush=True)
    httpd.serve_forever(poll_interval=0.2)
    httpd.server_close()
    for svc in st.world.services.values():
        stop_fn = getattr(svc, 'shutdown', None)
        if stop_fn:
            stop_fn()


if __name__ == '__main__':
    main()
