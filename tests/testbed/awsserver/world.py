"""world.py: what all services share -- the clock, the lock, identities,
and the base class a service module derives from.

One lock (World.lock) guards all service state: requests are handled on
many threads but the state changes are tiny, so one lock keeps every
service simple and consistent.
"""
import base64
import fnmatch
import json
import threading
import time
import uuid

import codec
from codec import AwsError

DEFAULT_ACCOUNT = '111122223333'


class Clock:
    """Simulated time for the services' state (job life, log timestamps).

    now() = the real time at start + (real elapsed x speed) + advanced
    seconds.  speed 0 freezes it so a test moves it only by advance().
    Signatures are always checked against the real time.
    """

    def __init__(self, speed=1.0):
        self.lock = threading.Lock()
        self._initial_speed = float(speed)
        self.reset()

    def reset(self):
        """Back to the real time, at the speed the server started with."""
        with self.lock:
            self._anchor_real = time.time()
            self._anchor_sim = self._anchor_real
            self._speed = self._initial_speed

    def now(self):
        with self.lock:
            return self._anchor_sim + (time.time() - self._anchor_real) * self._speed

    def _rebase(self):
        t = time.time()
        self._anchor_sim = self._anchor_sim + (t - self._anchor_real) * self._speed
        self._anchor_real = t

    def advance(self, seconds):
        with self.lock:
            self._rebase()
            self._anchor_sim += float(seconds)

    def set_speed(self, speed):
        with self.lock:
            self._rebase()
            self._speed = float(speed)

    def state(self):
        return {'now': self.now(), 'speed': self._speed}


class Ctx:
    """One request as a handler sees it."""

    def __init__(self, world, service, op, ident, region, request_id, headers=None):
        self.world = world
        self.service = service
        self.op = op
        self.ident = ident
        self.region = region
        self.request_id = request_id
        self.headers = headers or {}
        self.now = world.clock.now()

    @property
    def account(self):
        return self.ident.account if self.ident else DEFAULT_ACCOUNT

    def now_ms(self):
        return int(self.now * 1000)


class Service:
    """Base of every service.  A subclass sets MODEL (botocore's model name)
    and defines op_<OperationName>(ctx, params) -> dict for what it serves;
    everything protocol-related is driven by the model.

    Error codes the service answers with for generic failures, as AWS does:
    """
    MODEL = None
    MODEL_DIRS = ()                 # extra model folders (APIs botocore lacks)
    VALIDATION = (400, 'ValidationException')
    TYPE_ERROR = (400, 'SerializationException')
    UNKNOWN_MEMBER = (400, 'SerializationException')
    THROTTLE = (400, 'ThrottlingException', 'Rate exceeded')
    SERVER_ERROR = (500, 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.')
    UNAVAILABLE = (503, 'ServiceUnavailable', 'The service is unavailable. Please try again shortly.')
    ACCESS_DENIED = (400, 'AccessDeniedException')
    NOT_IMPLEMENTED = (501, 'NotImplemented')
    ALLOWED_REGIONS = None          # e.g. the Pricing API's three regions
    UNSIGNED_OPERATIONS = ()        # in addition to the model's authtype none
    OPEN_ENUMS = frozenset()        # enum shapes whose model list is out of date

    def __init__(self, world):
        self.world = world
        self.model = codec.load_model(self.MODEL, self.MODEL_DIRS)
        self.protocol = self.model.protocol
        self.signing_name = self.model.signing_name
        self.ops = {name: self.model.operation_model(name) for name in self.model.operation_names}
        self.reset('default')

    @property
    def name(self):
        return self.MODEL

    def reset(self, seed):
        """Forget all state; seed 'default' or 'empty'."""

    def unsigned(self, op):
        return op.auth_type == 'none' or op.name in self.UNSIGNED_OPERATIONS

    def handler(self, opname):
        return getattr(self, 'op_' + opname, None)

    def validation_failed(self, op, problems):
        """Constraint violations (Coral's wording); EC2 overrides this."""
        status, code = self.VALIDATION
        raise AwsError(code, codec.coral_message(problems.constraint_errors), status=status)

    def error(self, kind, message=None):
        status, code, default_message = getattr(self, kind)
        return AwsError(code, message or default_message, status=status,
                        sender=status < 500)

    @staticmethod
    def paginate(items, size, token, fingerprint='', bad_token=None):
        """One page of items and the token for the next (None at the end).
        Tokens are opaque; one from a different query (fingerprint) or a
        forged one makes bad_token() raised."""
        start = 0
        if token:
            try:
                doc = json.loads(base64.urlsafe_b64decode(token.encode()).decode())
                start = int(doc['o'])
                if doc.get('f', '') != fingerprint or start < 0:
                    raise ValueError
            except (ValueError, KeyError, TypeError, UnicodeDecodeError):
                raise bad_token() if bad_token else AwsError('InvalidNextToken', 'Invalid nextToken', 400)
        page = items[start:start + size]
        nxt = None
        if start + size < len(items):
            nxt = base64.urlsafe_b64encode(json.dumps({'o': start + size, 'f': fingerprint}).encode()).decode()
        return page, nxt

    def arn(self, ctx, resource):
        return 'arn:aws:%s:%s:%s:%s' % (self.signing_name, ctx.region, ctx.account, resource)

    def control(self, method, path, doc):
        """Service-specific /__control/<service>/... requests; returns a
        JSON-able answer or None for an unknown path."""
        return None


def new_request_id():
    return str(uuid.uuid4())


def glob_match(pattern, text, case=True):
    if not case:
        pattern, text = pattern.lower(), text.lower()
    return fnmatch.fnmatchcase(text, pattern)


class World:
    def __init__(self, store, speed=1.0, settings=None):
        self.lock = threading.RLock()
        self.clock = Clock(speed)
        self.store = store
        self.settings = settings or {}
        self.services = {}

    def add(self, service_cls):
        svc = service_cls(self)
        self.services[svc.name] = svc
        return svc

    def reset(self, seed='default'):
        with self.lock:
            self.clock.reset()
            for svc in self.services.values():
                svc.reset(seed)
