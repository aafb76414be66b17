"""logs.py: CloudWatch Logs (json 1.1) -- groups, streams, events.

Batch jobs attach a stream with a producer (gclog.GeosChemLog) that adds
events as the simulated clock passes; readers see exactly the events whose
time has come.  GetLogEvents tokens are f/<index> and b/<index> positions in
the stream; at the end of a stream the same forward token comes back, as
AWS does.
"""
import re

from codec import AwsError
from world import Service

TOKEN_RE = re.compile(r'^([fb])/(\d{56})$')
MAX_BYTES = 1048576


def _bad(message):
    return AwsError('InvalidParameterException', message, status=400)


def _missing(message):
    return AwsError('ResourceNotFoundException', message, status=400)


class Stream:
    def __init__(self, name, created):
        self.name = name
        self.created = created
        self.events = []            # [timestamp_ms, message, ingestion_ms]
        self.producer = None
        self.bytes = 0

    def add(self, ts, message, ingestion):
        self.events.append((ts, message, ingestion))
        self.bytes += len(message.encode('utf-8')) + 26


class Group:
    def __init__(self, name, created, arn):
        self.name = name
        self.created = created
        self.arn = arn
        self.retention = None
        self.kms = None
        self.tags = {}
        self.streams = {}


class Logs(Service):
    MODEL = 'logs'
    VALIDATION = (400, 'InvalidParameterException')
    TYPE_ERROR = (400, 'SerializationException')
    UNKNOWN_MEMBER = (400, 'SerializationException')
    THROTTLE = (400, 'ThrottlingException', 'Rate exceeded')
    SERVER_ERROR = (500, 'ServiceUnavailableException', 'The service cannot complete the request.')
    UNAVAILABLE = (503, 'ServiceUnavailableException', 'The service is unavailable.')

    def reset(self, seed):
        self.groups = {}
        self.producing = []        # streams with a live producer

    # -- used by Batch -------------------------------------------------------------
    def attach_stream(self, group_name, stream_name, producer, region='us-east-1', account='111122223333'):
        g = self.groups.get(group_name)
        if g is None:
            g = self._new_group(group_name, producer.started * 1000, region, account)
        s = g.streams.get(stream_name)
        if s is None:
            s = g.streams[stream_name] = Stream(stream_name, int(producer.started * 1000))
        s.producer = producer
        self.producing.append(s)

    def _new_group(self, name, created_ms, region, account):
        g = Group(name, int(created_ms), 'arn:aws:logs:%s:%s:log-group:%s:*' % (region, account, name))
        self.groups[name] = g
        return g

    def sync(self, now):
        """Let producers write what the clock has reached."""
        batch = self.world.services.get('batch')
        if batch is not None:
            batch.tick(now)
        still = []
        for s in self.producing:
            for ts, text in s.producer.events_until(now):
                s.add(ts, text, ts + 150)
            if not s.producer.done():
                still.append(s)
        self.producing = still

    def _group(self, name):
        g = self.groups.get(name)
        if g is None:
            raise _missing('The specified log group does not exist.')
        return g

    def _stream(self, g, name):
        s = g.streams.get(name)
        if s is None:
            raise _missing('The specified log stream does not exist.')
        return s

    # -- groups and streams -----------------------------------------------------------
    def op_CreateLogGroup(self, ctx, p):
        if p['logGroupName'] in self.groups:
            raise AwsError('ResourceAlreadyExistsException', 'The specified log group already exists', 400)
        g = self._new_group(p['logGroupName'], ctx.now_ms(), ctx.region, ctx.account)
        g.kms = p.get('kmsKeyId')
        g.tags = dict(p.get('tags') or {})
        return {}

    def op_DeleteLogGroup(self, ctx, p):
        self._group(p['logGroupName'])
        del self.groups[p['logGroupName']]
        self.producing = [s for s in self.producing if any(s is x for g in self.groups.values()
                                                           for x in g.streams.values())]
        return {}

    def op_PutRetentionPolicy(self, ctx, p):
        allowed = {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
                   2557, 2922, 3288, 3653}
        if p['retentionInDays'] not in allowed:
            raise _bad('1 validation error detected: Value \'%s\' at \'retentionInDays\' failed to satisfy '
                       'constraint: Member must satisfy enum value set: [%s]'
                       % (p['retentionInDays'], ', '.join(str(x) for x in sorted(allowed))))
        self._group(p['logGroupName']).retention = p['retentionInDays']
        return {}

    def op_DeleteRetentionPolicy(self, ctx, p):
        self._group(p['logGroupName']).retention = None
        return {}

    def op_TagLogGroup(self, ctx, p):
        self._group(p['logGroupName']).tags.update(p['tags'])
        return {}

    def op_ListTagsLogGroup(self, ctx, p):
        return {'tags': dict(self._group(p['logGroupName']).tags)}

    def op_TagResource(self, ctx, p):
        name = p['resourceArn'].split(':log-group:', 1)[-1].rstrip('*').rstrip(':')
        self._group(name).tags.update(p['tags'])
        return {}

    def op_ListTagsForResource(self, ctx, p):
        name = p['resourceArn'].split(':log-group:', 1)[-1].rstrip('*').rstrip(':')
        return {'tags': dict(self._group(name).tags)}

    def op_DescribeLogGroups(self, ctx, p):
        if p.get('logGroupNamePrefix') and p.get('logGroupNamePattern'):
            raise _bad('logGroupNamePrefix and logGroupNamePattern are mutually exclusive')
        self.sync(ctx.now)
        out = []
        for name in sorted(self.groups):
            if p.get('logGroupNamePrefix') and not name.startswith(p['logGroupNamePrefix']):
                continue
            if p.get('logGroupNamePattern') and p['logGroupNamePattern'].lower() not in name.lower():
                continue
            g = self.groups[name]
            d = {'logGroupName': name, 'creationTime': g.created, 'metricFilterCount': 0, 'arn': g.arn,
                 'storedBytes': sum(s.bytes for s in g.streams.values())}
            if g.retention:
                d['retentionInDays'] = g.retention
            if g.kms:
                d['kmsKeyId'] = g.kms
            out.append(d)
        page, token = _page(out, p.get('limit') or 50, p.get('nextToken'))
        return {'logGroups': page, 'nextToken': token}

    def op_CreateLogStream(self, ctx, p):
        g = self._group(p['logGroupName'])
        if p['logStreamName'] in g.streams:
            raise AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists', 400)
        g.streams[p['logStreamName']] = Stream(p['logStreamName'], ctx.now_ms())
        return {}

    def op_DescribeLogStreams(self, ctx, p):
        g = self._group(p['logGroupName'])
        order = p.get('orderBy', 'LogStreamName')
        if order == 'LastEventTime' and p.get('logStreamNamePrefix'):
            raise _bad('Cannot order by LastEventTime with a logStreamNamePrefix.')
        self.sync(ctx.now)
        items = []
        for s in g.streams.values():
            if p.get('logStreamNamePrefix') and not s.name.startswith(p['logStreamNamePrefix']):
                continue
            d = {'logStreamName': s.name, 'creationTime': s.created, 'storedBytes': s.bytes,
                 'arn': '%s:log-stream:%s' % (g.arn[:-2], s.name)}
            if s.events:
                d['firstEventTimestamp'] = s.events[0][0]
                d['lastEventTimestamp'] = s.events[-1][0]
                d['lastIngestionTime'] = s.events[-1][2]
            items.append(d)
        if order == 'LastEventTime':
            items.sort(key=lambda d: d.get('lastEventTimestamp', 0))
        else:
            items.sort(key=lambda d: d['logStreamName'])
        if p.get('descending'):
            items.reverse()
        page, token = _page(items, p.get('limit') or 50, p.get('nextToken'))
        return {'logStreams': page, 'nextToken': token}

    def op_PutLogEvents(self, ctx, p):
        g = self._group(p['logGroupName'])
        s = self._stream(g, p['logStreamName'])
        evs = p['logEvents']
        if any(evs[i]['timestamp'] > evs[i + 1]['timestamp'] for i in range(len(evs) - 1)):
            raise _bad('Log events in a single PutLogEvents request must be in chronological order.')
        if sum(len(e['message'].encode()) + 26 for e in evs) > MAX_BYTES:
            raise _bad('Upload too large: the events exceed 1,048,576 bytes')
        for e in evs:
            s.add(e['timestamp'], e['message'], ctx.now_ms())
        return {'nextSequenceToken': '%056d' % len(s.events)}

    # -- reading -----------------------------------------------------------------------------
    def op_GetLogEvents(self, ctx, p):
        g = self._group(p['logGroupName'])
        s = self._stream(g, p['logStreamName'])
        self.sync(ctx.now)
        evs = s.events
        lo, hi = 0, len(evs)
        if p.get('startTime') is not None:
            while lo < hi and evs[lo][0] < p['startTime']:
                lo += 1
        if p.get('endTime') is not None:
            while hi > lo and evs[hi - 1][0] >= p['endTime']:
                hi -= 1
        limit = p.get('limit') or 10000
        token = p.get('nextToken')
        if token:
            m = TOKEN_RE.match(token)
            if not m:
                raise _bad('The specified nextToken is invalid.')
            pos = int(m.group(2))
            if pos > len(evs):
                raise _bad('The specified nextToken is invalid.')
            if m.group(1) == 'f':
                start = max(pos, lo)
                end = _fit(evs, start, min(hi, start + limit), forward=True)
            else:
                end = min(pos, hi)
                start = _fit(evs, max(lo, end - limit), end, forward=False)
        elif p.get('startFromHead'):
            start = lo
            end = _fit(evs, start, min(hi, start + limit), forward=True)
        else:
            end = hi
            start = _fit(evs, max(lo, end - limit), end, forward=False)
        page = evs[start:end]
        if token and token.startswith('f/') and not page:
            fwd = token          # the end: the same token comes back
        else:
            fwd = 'f/%056d' % end
        return {'events': [{'timestamp': t, 'message': msg, 'ingestionTime': ing} for t, msg, ing in page],
                'nextForwardToken': fwd, 'nextBackwardToken': 'b/%056d' % start}

    def op_FilterLogEvents(self, ctx, p):
        g = self._group(p['logGroupName'])
        if p.get('logStreamNames') and p.get('logStreamNamePrefix'):
            raise _bad('You cannot specify both LogStreamNames and LogStreamNamePrefix')
        self.sync(ctx.now)
        if p.get('logStreamNames'):
            streams = [self._stream(g, n) for n in p['logStreamNames']]
        else:
            streams = [s for s in g.streams.values() if s.name.startswith(p.get('logStreamNamePrefix') or '')]
        match = _compile_filter(p.get('filterPattern'))
        hits = []
        for si, s in enumerate(sorted(streams, key=lambda s: s.name)):
            for i, (t, msg, ing) in enumerate(s.events):
                if p.get('startTime') is not None and t < p['startTime']:
                    continue
                if p.get('endTime') is not None and t > p['endTime']:
                    continue
                if match(msg):
                    hits.append((t, si, i, s.name, msg, ing))
        hits.sort()
        limit = p.get('limit') or 10000
        page, token = _page(hits, limit, p.get('nextToken'))
        return {'events': [{'logStreamName': name, 'timestamp': t, 'message': msg, 'ingestionTime': ing,
                            'eventId': '%020d%06d%010d' % (t, si, i)}
                           for t, si, i, name, msg, ing in page],
                'searchedLogStreams': [{'logStreamName': s.name, 'searchedCompletely': True} for s in streams],
                'nextToken': token}

    def control(self, method, path, doc, q):
        if path == 'groups':
            self.sync(self.world.clock.now())
            return {name: {s.name: len(s.events) for s in g.streams.values()} for name, g in self.groups.items()}
        return None


def _fit(evs, start, end, forward):
    """Shrink [start, end) so the page stays under 1 MB."""
    total = 0
    if forward:
        i = start
        while i < end:
            total += len(evs[i][1].encode('utf-8')) + 26
            if total > MAX_BYTES:
                break
            i += 1
        return i
    i = end
    while i > start:
        total += len(evs[i - 1][1].encode('utf-8')) + 26
        if total > MAX_BYTES:
            break
        i -= 1
    return i


def _compile_filter(pattern):
    """CloudWatch's plain term patterns: all terms must appear (quoted
    phrases as one term); '?a ?b' means any of them; '-term' excludes."""
    if not pattern or not pattern.strip():
        return lambda msg: True
    terms = re.findall(r'"([^"]*)"|(\S+)', pattern)
    terms = [a or b for a, b in terms]
    if any(t.startswith('{') or t.startswith('[') for t in terms):
        raise _bad('The test server supports only plain term filter patterns')
    if all(t.startswith('?') for t in terms):
        alts = [t[1:] for t in terms]
        return lambda msg: any(a in msg for a in alts)
    must = [t for t in terms if not t.startswith('-')]
    must_not = [t[1:] for t in terms if t.startswith('-')]
    return lambda msg: all(t in msg for t in must) and not any(t in msg for t in must_not)


def _page(items, limit, token):
    return Service.paginate(items, limit, token,
                            bad_token=lambda: _bad('The specified nextToken is invalid.'))
