"""faults.py: injected faults and the request log the tests read.

A fault rule applies to the next `count` requests matching its service and
operation (after skipping `skip` of them).  Kinds:
  throttle   the service's own throttling error (Batch: 429
             TooManyRequestsException; EC2: 503 RequestLimitExceeded; ...)
  error      any status/code/message (defaults: the service's 500 error)
  unavailable the service's 503
  slow       wait delay_ms, then answer normally
  drop       close the connection without an answer
  hang       keep the connection silent for delay_ms (default 30 s), then close
  truncate   promise the full Content-Length, send half the body, close
`when`: "before" (default; the request is not acted on) or "after" (the
operation happens -- a job IS submitted -- and only the answer is lost or
broken); for kind "error"/"throttle" "after" means the state changed but an
error is answered.
"""
import threading
import time

KINDS = ('throttle', 'error', 'unavailable', 'slow', 'drop', 'hang', 'truncate')


class FaultError(ValueError):
    pass


class Rule:
    _next_id = 1

    def __init__(self, doc):
        if not isinstance(doc, dict):
            raise FaultError('a fault rule is a JSON object')
        allowed = {'service', 'operation', 'kind', 'count', 'skip', 'status', 'code',
                   'message', 'delay_ms', 'when', 'access_key'}
        extra = set(doc) - allowed
        if extra:
            raise FaultError('unknown fault rule fields: %s (allowed: %s)'
                             % (', '.join(sorted(extra)), ', '.join(sorted(allowed))))
        self.kind = doc.get('kind', 'throttle')
        if self.kind not in KINDS:
            raise FaultError('kind must be one of %s' % ', '.join(KINDS))
        self.service = doc.get('service')
        self.operation = doc.get('operation')
        self.access_key = doc.get('access_key')
        self.count = int(doc.get('count', 1))     # -1: every matching request
        self.skip = int(doc.get('skip', 0))
        self.status = doc.get('status')
        self.code = doc.get('code')
        self.message = doc.get('message')
        self.delay_ms = int(doc.get('delay_ms', 30000 if self.kind == 'hang' else
                                    (1000 if self.kind == 'slow' else 0)))
        self.when = doc.get('when', 'before')
        if self.when not in ('before', 'after'):
            raise FaultError('when must be "before" or "after"')
        self.fired = 0
        self.id = Rule._next_id
        Rule._next_id += 1

    def matches(self, service, operation, access_key):
        if self.service and self.service != service:
            return False
        if self.operation and self.operation != operation:
            return False
        if self.access_key and self.access_key != access_key:
            return False
        return self.count < 0 or self.fired < self.count + self.skip

    def public(self):
        return {'id': self.id, 'kind': self.kind, 'service': self.service,
                'operation': self.operation, 'count': self.count, 'skip': self.skip,
                'fired': self.fired, 'when': self.when, 'status': self.status,
                'code': self.code, 'delay_ms': self.delay_ms}


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []

    def add(self, docs):
        if isinstance(docs, dict) and 'rules' in docs:
            docs = docs['rules']
        if isinstance(docs, dict):
            docs = [docs]
        rules = [Rule(d) for d in docs]
        with self.lock:
            self.rules.extend(rules)
        return [r.public() for r in rules]

    def clear(self):
        with self.lock:
            self.rules = []

    def take(self, service, operation, access_key):
        """The rule that applies to this request, or None (counts it)."""
        with self.lock:
            for r in self.rules:
                if r.matches(service, operation, access_key):
                    r.fired += 1
                    if r.fired <= r.skip:
                        return None
                    return r
        return None

    def public(self):
        with self.lock:
            return [r.public() for r in self.rules]


class RequestLog:
    """Every request the server saw, in order (bounded)."""

    LIMIT = 500000

    def __init__(self):
        self.lock = threading.Lock()
        self.entries = []
        self.seq = 0

    def add(self, entry):
        with self.lock:
            self.seq += 1
            entry['seq'] = self.seq
            self.entries.append(entry)
            if len(self.entries) > self.LIMIT:
                del self.entries[:len(self.entries) - self.LIMIT]
            return self.seq

    def clear(self):
        with self.lock:
            self.entries = []

    def query(self, service=None, operation=None, since=0, status=None):
        with self.lock:
            out = [e for e in self.entries
                   if e['seq'] > since
                   and (service is None or e.get('service') == service)
                   and (operation is None or e.get('operation') == operation)
                   and (status is None or e.get('status') == status)]
        counts = {}
        for e in out:
            k = '%s.%s' % (e.get('service'), e.get('operation'))
            counts[k] = counts.get(k, 0) + 1
        return {'count': len(out), 'counts': counts, 'requests': out, 'last_seq': self.seq,
                'now': time.time()}
