"""codec.py: the AWS wire protocols, read and written from botocore's models.

The server side of what botocore does on the client side: it turns an
incoming HTTP request into the operation's parameters (rest-json, json 1.0 /
1.1, query, ec2), checks those parameters against the operation's input shape
(required members, types, enums, length and value limits, patterns), and
turns a handler's answer (a dict in the model's member names) into the
protocol's response, or an error into the protocol's real error shape.

Nothing here knows about a particular service: a service module only names
its botocore model and writes handlers.
"""
import base64
import datetime
import json
import re
import urllib.parse
import xml.etree.ElementTree as ET

import botocore.loaders
import botocore.model

_LOADER = botocore.loaders.Loader()


class AwsError(Exception):
    """An error answered to the client in the protocol's error shape.

    code: the AWS error code (e.g. ClientException); status: HTTP status;
    sender: True for client faults (query protocol's <Type>Sender</Type>);
    coral: True for the front-door errors whose JSON __type carries the
    com.amazon.coral.service# prefix (authentication, unknown operation).
    """

    def __init__(self, code, message, status=400, sender=True, coral=False,
                 headers=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.sender = sender
        self.coral = coral
        self.headers = headers or {}


def load_model(name, extra_dirs=()):
    """Load a botocore service model by name (plain or gzipped JSON).

    extra_dirs: folders searched first, laid out like botocore's data
    folder (NAME/VERSION/service-2.json), for APIs botocore does not ship.
    """
    loader = botocore.loaders.Loader(extra_search_paths=list(extra_dirs)) \
        if extra_dirs else _LOADER
    raw = loader.load_service_model(name, 'service-2')
    return botocore.model.ServiceModel(raw, service_name=name)


# ---------------------------------------------------------------------------
# Timestamps

def parse_timestamp(text):
    """ISO 8601 (with or without fraction/zone) or epoch seconds -> epoch float."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    s = str(text).strip()
    try:
        return float(s)
    except ValueError:
        pass
    s2 = s.replace('Z', '+00:00')
    try:
        dt = datetime.datetime.fromisoformat(s2)
    except ValueError:
        try:
            dt = datetime.datetime.strptime(s, '%a, %d %b %Y %H:%M:%S GMT')
        except ValueError:
            raise ValueError('not a timestamp: %r' % s)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt.timestamp()


def iso8601(epoch):
    dt = datetime.datetime.fromtimestamp(float(epoch), datetime.timezone.utc)
    if dt.microsecond:
        return dt.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (dt.microsecond // 1000)
    return dt.strftime('%Y-%m-%dT%H:%M:%SZ')


# ---------------------------------------------------------------------------
# Scalar conversion from strings (query params, URI labels, headers)

class DecodeError(Exception):
    def __init__(self, path, message):
        super().__init__(message)
        self.path = path
        self.message = message


def _scalar_from_string(shape, text, path):
    t = shape.type_name
    try:
        if t in ('integer', 'long'):
            return int(text)
        if t in ('float', 'double'):
            return float(text)
        if t == 'boolean':
            if text in ('true', 'false'):
                return text == 'true'
            raise ValueError
        if t == 'timestamp':
            return parse_timestamp(text)
        if t == 'blob':
            return base64.b64decode(text, validate=True)
    except ValueError:
        raise DecodeError(path, "Value '%s' at '%s' is not a valid %s" % (text, path, t))
    return text


# ---------------------------------------------------------------------------
# Request decoding per protocol

def _query_name(shape, default, ec2):
    ser = shape.serialization
    if ec2:
        if 'queryName' in ser:
            return ser['queryName']
        if 'name' in ser:
            return ser['name'][0].upper() + ser['name'][1:]
        return default
    return ser.get('name', default)


def decode_query(shape, params, ec2):
    """Rebuild an operation's parameters from flat query keys.

    params: dict key -> value (Action/Version already removed).  Returns
    (value, unknown_keys).  Naming and list/map layout are the inverse of
    botocore's QuerySerializer / EC2Serializer.
    """
    consumed = set()
    keys = list(params)

    def has_prefix(prefix):
        if prefix in params:
            return True
        p = prefix + '.'
        return any(k.startswith(p) for k in keys)

    def indices(prefix):
        p = prefix + '.'
        found = set()
        for k in keys:
            if k.startswith(p):
                head = k[len(p):].split('.', 1)[0]
                if head.isdigit():
                    found.add(int(head))
        return sorted(found)

    def dec(sh, prefix):
        t = sh.type_name
        if t == 'structure':
            out = {}
            for mname, msh in sh.members.items():
                qn = _query_name(msh, mname, ec2)
                full = prefix + '.' + qn if prefix else qn
                if msh.type_name == 'list' and not ec2 and msh.serialization.get('flattened') \
                        and msh.member.serialization.get('name'):
                    qn2 = _query_name(msh.member, '', ec2)
                    full = prefix + '.' + qn2 if prefix else qn2
                if has_prefix(full):
                    out[mname] = dec(msh, full)
            return out
        if t == 'list':
            if prefix in params and params[prefix] == '':
                consumed.add(prefix)
                return []
            if ec2 or sh.serialization.get('flattened'):
                lp = prefix
            else:
                lp = prefix + '.' + sh.member.serialization.get('name', 'member')
            return [dec(sh.member, '%s.%d' % (lp, i)) for i in indices(lp)]
        if t == 'map':
            mp = prefix if sh.serialization.get('flattened') else prefix + '.entry'
            kn = _query_name(sh.key, 'key', ec2)
            vn = _query_name(sh.value, 'value', ec2)
            out = {}
            for i in indices(mp):
                k = dec(sh.key, '%s.%d.%s' % (mp, i, kn))
                out[k] = dec(sh.value, '%s.%d.%s' % (mp, i, vn))
            return out
        if prefix not in params:
            # Only deeper keys exist under a scalar's name: they are unknown.
            return None
        consumed.add(prefix)
        return _scalar_from_string(sh, params[prefix], prefix)

    value = dec(shape, '') if shape is not None else {}
    unknown = [k for k in keys if k not in consumed]
    return value, unknown


def _json_name(shape, default):
    return shape.serialization.get('name', default)


def decode_json_value(shape, value, path):
    """JSON document -> parameters in member names (renaming locationName
    members back), leaving type checking to validate()."""
    if shape is None:
        return value
    t = shape.type_name
    if t == 'structure' and isinstance(value, dict):
        out = {}
        names = {}
        for mname, msh in shape.members.items():
            names[_json_name(msh, mname)] = (mname, msh)
        for k, v in value.items():
            if k in names:
                mname, msh = names[k]
                out[mname] = decode_json_value(msh, v, _join(path, mname))
            else:
                out[k] = _Unknown(v)
        return out
    if t == 'list' and isinstance(value, list):
        return [decode_json_value(shape.member, v, '%s.%d' % (path, i + 1))
                for i, v in enumerate(value)]
    if t == 'map' and isinstance(value, dict):
        return {k: decode_json_value(shape.value, v, '%s.%s' % (path, k))
                for k, v in value.items()}
    if t == 'blob' and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except ValueError:
            raise DecodeError(path, "Value at '%s' is not valid base64" % path)
    if t == 'timestamp' and isinstance(value, str):
        try:
            return parse_timestamp(value)
        except ValueError:
            raise DecodeError(path, "Value '%s' at '%s' is not a valid timestamp" % (value, path))
    return value


class _Unknown:
    """A member the model does not have (kept so validate() can name it)."""

    def __init__(self, value):
        self.value = value


def _join(path, name):
    return '%s.%s' % (path, name) if path else name


def compile_uri(request_uri):
    """'/v3/clusters/{clusterName}?region' -> (regex, labels, fixed query)."""
    path, _, query = request_uri.partition('?')
    labels = []
    pattern = ''
    pos = 0
    for m in re.finditer(r'\{([^}]+)\}', path):
        pattern += re.escape(path[pos:m.start()])
        name = m.group(1)
        if name.endswith('+'):
            labels.append(name[:-1])
            pattern += '(.+)'
        else:
            labels.append(name)
            pattern += '([^/]+)'
        pos = m.end()
    pattern += re.escape(path[pos:])
    fixed = {}
    for part in query.split('&') if query else []:
        k, _, v = part.partition('=')
        fixed[k] = v
    return re.compile('^' + pattern + '/?$'), labels, fixed


def decode_rest_json(op, path_match, labels, query, headers, body):
    """rest-json request -> parameters.  query: dict name -> [values]."""
    shape = op.input_shape
    params = {}
    if shape is None:
        return params
    label_values = dict(zip(labels, path_match.groups())) if path_match else {}
    payload_name = shape.serialization.get('payload')
    body_members = {}
    for mname, msh in shape.members.items():
        loc = msh.serialization.get('location')
        lname = msh.serialization.get('name', mname)
        if loc == 'uri':
            if lname in label_values:
                params[mname] = _scalar_from_string(
                    msh, urllib.parse.unquote(label_values[lname]), mname)
        elif loc == 'querystring':
            if msh.type_name == 'map':
                params[mname] = {k: (v if msh.value.type_name == 'list' else v[-1])
                                 for k, v in query.items()}
            elif lname in query:
                vals = query[lname]
                if msh.type_name == 'list':
                    params[mname] = [_scalar_from_string(msh.member, v, mname) for v in vals]
                else:
                    params[mname] = _scalar_from_string(msh, vals[-1], mname)
        elif loc == 'header':
            if msh.type_name == 'map':
                prefix = lname.lower()
                params[mname] = {k[len(prefix):]: v for k, v in headers.items()
                                 if k.lower().startswith(prefix)}
            else:
                v = headers.get(lname)
                if v is not None:
                    if msh.type_name == 'list':
                        params[mname] = [x.strip() for x in v.split(',')]
                    else:
                        params[mname] = _scalar_from_string(msh, v, mname)
        elif loc in ('headers',):
            pass
        else:
            body_members[mname] = msh
    if payload_name:
        psh = shape.members[payload_name]
        if psh.type_name in ('blob', 'string'):
            if body:
                params[payload_name] = body if psh.type_name == 'blob' else body.decode('utf-8')
        elif body:
            params[payload_name] = decode_json_value(psh, _load_json(body), payload_name)
    elif body_members:
        doc = _load_json(body) if body else {}
        if not isinstance(doc, dict):
            raise DecodeError('', 'Request body is not a JSON object')
        names = {_json_name(msh, m): (m, msh) for m, msh in body_members.items()}
        for k, v in doc.items():
            if k in names:
                m, msh = names[k]
                params[m] = decode_json_value(msh, v, m)
            else:
                params[k] = _Unknown(v)
    return params


def _load_json(body):
    try:
        return json.loads(body.decode('utf-8'))
    except (ValueError, UnicodeDecodeError) as e:
        raise DecodeError('', 'Malformed JSON in the request body: %s' % e)


def decode_json_body(op, body):
    doc = _load_json(body) if body.strip() else {}
    if not isinstance(doc, dict):
        raise DecodeError('', 'Request body is not a JSON object')
    return decode_json_value(op.input_shape, doc, '')


# ---------------------------------------------------------------------------
# Validation against the input shape, Coral's wording

_PATTERN_CACHE = {}


def _pattern(p):
    if p not in _PATTERN_CACHE:
        try:
            _PATTERN_CACHE[p] = re.compile(p, re.S)
        except re.error:
            _PATTERN_CACHE[p] = None     # Java-only syntax: not checked
    return _PATTERN_CACHE[p]


def _show(value):
    if isinstance(value, bytes):
        return '<binary>'
    if isinstance(value, list):
        return '[' + ', '.join(_show(v) for v in value) + ']'
    return str(value)


class Problems:
    """Validation findings: type errors (SerializationException-like) and
    constraint errors (ValidationException-like), each with its path."""

    def __init__(self):
        self.type_errors = []
        self.constraint_errors = []
        self.unknown = []
        self.missing = []

    def __bool__(self):
        return bool(self.type_errors or self.constraint_errors or self.unknown)


def validate(shape, value, problems=None, path='', open_enums=frozenset()):
    """Walk value against shape; returns Problems.  open_enums: names of
    enum shapes not enforced because the model's list is older than the
    service (EC2 InstanceType lacks the types launched since)."""
    if problems is None:
        problems = Problems()
    if shape is None:
        return problems
    t = shape.type_name
    meta = shape.metadata
    where = path or 'request'
    if isinstance(value, _Unknown):
        problems.unknown.append(path)
        return problems
    if t == 'structure':
        if not isinstance(value, dict):
            problems.type_errors.append("Expected a structure at '%s', got %s" % (where, type(value).__name__))
            return problems
        for req in shape.required_members:
            if value.get(req) is None:
                problems.missing.append(_join(path, req))
                problems.constraint_errors.append(
                    "Value null at '%s' failed to satisfy constraint: Member must not be null"
                    % _join(path, req))
        for k, v in value.items():
            if k not in shape.members:
                problems.unknown.append(_join(path, k))
            elif v is not None:
                validate(shape.members[k], v, problems, _join(path, k), open_enums)
        return problems
    if t in ('list', 'map'):
        kind = list if t == 'list' else dict
        if not isinstance(value, kind):
            problems.type_errors.append("Expected a %s at '%s', got %s" % (t, where, type(value).__name__))
            return problems
        _length(meta, len(value), value, where, problems)
        if t == 'list':
            for i, v in enumerate(value):
                validate(shape.member, v, problems, '%s.%d' % (path, i + 1), open_enums)
        else:
            for k, v in value.items():
                validate(shape.key, k, problems, '%s.key' % where, open_enums)
                validate(shape.value, v, problems, '%s.%s' % (path, k), open_enums)
        return problems
    if t == 'string':
        if not isinstance(value, str):
            problems.type_errors.append("Expected a string at '%s', got %s" % (where, type(value).__name__))
            return problems
        _length(meta, len(value), value, where, problems)
        if shape.enum and value not in shape.enum and shape.name not in open_enums:
            problems.constraint_errors.append(
                "Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]"
                % (value, where, ', '.join(shape.enum)))
        pat = meta.get('pattern')
        if pat:
            rx = _pattern(pat)
            if rx is not None and not rx.fullmatch(value):
                problems.constraint_errors.append(
                    "Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s"
                    % (value, where, pat))
        return problems
    if t in ('integer', 'long'):
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                problems.type_errors.append("Expected an integer at '%s', got %r" % (where, value))
                return problems
        _range(meta, value, where, problems)
        return problems
    if t in ('float', 'double'):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.type_errors.append("Expected a number at '%s', got %r" % (where, value))
            return problems
        _range(meta, value, where, problems)
        return problems
    if t == 'boolean':
        if not isinstance(value, bool):
            problems.type_errors.append("Expected a boolean at '%s', got %r" % (where, value))
        return problems
    if t == 'timestamp':
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.type_errors.append("Expected a timestamp at '%s', got %r" % (where, value))
        return problems
    if t == 'blob':
        if not isinstance(value, (bytes, bytearray)):
            problems.type_errors.append("Expected a blob at '%s'" % where)
        else:
            _length(meta, len(value), '<binary>', where, problems)
        return problems
    return problems


def _length(meta, n, value, where, problems):
    if 'min' in meta and n < meta['min']:
        problems.constraint_errors.append(
            "Value '%s' at '%s' failed to satisfy constraint: Member must have length greater than or equal to %s"
            % (_show(value), where, meta['min']))
    if 'max' in meta and n > meta['max']:
        problems.constraint_errors.append(
            "Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %s"
            % (_show(value), where, meta['max']))


def _range(meta, value, where, problems):
    if 'min' in meta and value < meta['min']:
        problems.constraint_errors.append(
            "Value '%s' at '%s' failed to satisfy constraint: Member must have value greater than or equal to %s"
            % (value, where, meta['min']))
    if 'max' in meta and value > meta['max']:
        problems.constraint_errors.append(
            "Value '%s' at '%s' failed to satisfy constraint: Member must have value less than or equal to %s"
            % (value, where, meta['max']))


def coral_message(errors):
    n = len(errors)
    return '%d validation error%s detected: %s' % (n, '' if n == 1 else 's', '; '.join(errors))


# ---------------------------------------------------------------------------
# Response encoding

def _ts_json(value, shape):
    fmt = shape.serialization.get('timestampFormat')
    if fmt == 'iso8601':
        return iso8601(value)
    return round(float(value), 3)


def encode_json_value(shape, value):
    """Handler value (member names) -> JSON-able value.  Keys the model
    does not know are passed through unchanged (newer API fields)."""
    if shape is None or value is None:
        return value
    t = shape.type_name
    if t == 'structure' and isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if v is None:
                continue
            msh = shape.members.get(k)
            if msh is None:
                out[k] = v
            elif msh.serialization.get('location'):
                continue
            else:
                out[_json_name(msh, k)] = encode_json_value(msh, v)
        return out
    if t == 'list' and isinstance(value, list):
        return [encode_json_value(shape.member, v) for v in value]
    if t == 'map' and isinstance(value, dict):
        return {k: encode_json_value(shape.value, v) for k, v in value.items()}
    if t == 'timestamp':
        return _ts_json(value, shape)
    if t == 'blob':
        return base64.b64encode(value).decode('ascii')
    return value


def _xml_text(shape, value):
    t = shape.type_name
    if t == 'boolean':
        return 'true' if value else 'false'
    if t == 'timestamp':
        return iso8601(value)
    if t == 'blob':
        return base64.b64encode(value).decode('ascii')
    return str(value)


def encode_xml(parent, shape, value, name, ec2):
    """Append element(s) for value under parent (query/ec2 XML)."""
    if value is None:
        return
    t = shape.type_name
    if t == 'structure':
        el = ET.SubElement(parent, name)
        _encode_xml_members(el, shape, value, ec2)
    elif t == 'list':
        mname = shape.member.serialization.get('name', 'item' if ec2 else 'member')
        if shape.serialization.get('flattened'):
            for v in value:
                encode_xml(parent, shape.member, v, name, ec2)
        else:
            el = ET.SubElement(parent, name)
            for v in value:
                encode_xml(el, shape.member, v, mname, ec2)
    elif t == 'map':
        kn = shape.key.serialization.get('name', 'key')
        vn = shape.value.serialization.get('name', 'value')
        if shape.serialization.get('flattened'):
            holder, ename = parent, name
        else:
            holder, ename = ET.SubElement(parent, name), 'entry'
        for k, v in value.items():
            e = ET.SubElement(holder, ename)
            encode_xml(e, shape.key, k, kn, ec2)
            encode_xml(e, shape.value, v, vn, ec2)
    else:
        el = ET.SubElement(parent, name)
        el.text = _xml_text(shape, value)


def _encode_xml_members(el, shape, value, ec2):
    for k, v in value.items():
        msh = shape.members.get(k)
        if msh is None or v is None:
            continue
        encode_xml(el, msh, v, msh.serialization.get('name', k), ec2)


def encode_query_response(service_model, op, value, request_id):
    ns = service_model.metadata.get('xmlNamespace') or \
        'https://%s.amazonaws.com/doc/%s/' % (service_model.endpoint_prefix, service_model.api_version)
    root = ET.Element(op.name + 'Response', {'xmlns': ns})
    out = op.output_shape
    if out is not None:
        wrapper = out.serialization.get('resultWrapper') or (op.name + 'Result')
        res = ET.SubElement(root, wrapper)
        _encode_xml_members(res, out, value or {}, False)
    meta = ET.SubElement(root, 'ResponseMetadata')
    ET.SubElement(meta, 'RequestId').text = request_id
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root)


def encode_ec2_response(service_model, op, value, request_id):
    ns = 'http://ec2.amazonaws.com/doc/%s/' % service_model.api_version
    root = ET.Element(op.name + 'Response', {'xmlns': ns})
    ET.SubElement(root, 'requestId').text = request_id
    if op.output_shape is not None:
        _encode_xml_members(root, op.output_shape, value or {}, True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root)


def error_body(protocol, service_model, err, request_id):
    """(content_type, body bytes, extra headers) for an AwsError."""
    if protocol in ('json', 'rest-json'):
        code = ('com.amazon.coral.service#' + err.code) if err.coral else err.code
        doc = {'__type': code, 'message': err.message}
        headers = {}
        if protocol == 'rest-json':
            doc = {'message': err.message}
            headers['x-amzn-ErrorType'] = err.code + (
                ':http://internal.amazon.com/coral/com.amazon.coral.service/' if err.coral else '')
            ctype = 'application/json'
        else:
            ctype = 'application/x-amz-json-%s' % (service_model.metadata.get('jsonVersion', '1.0')
                                                   if service_model else '1.1')
        return ctype, json.dumps(doc).encode(), headers
    if protocol == 'ec2':
        root = ET.Element('Response')
        errs = ET.SubElement(root, 'Errors')
        e = ET.SubElement(errs, 'Error')
        ET.SubElement(e, 'Code').text = err.code
        ET.SubElement(e, 'Message').text = err.message
        ET.SubElement(root, 'RequestID').text = request_id
        return 'text/xml;charset=UTF-8', b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root), {}
    # query
    ns = 'https://%s.amazonaws.com/doc/%s/' % (
        service_model.endpoint_prefix, service_model.api_version) if service_model else ''
    root = ET.Element('ErrorResponse', {'xmlns': ns} if ns else {})
    e = ET.SubElement(root, 'Error')
    ET.SubElement(e, 'Type').text = 'Sender' if err.sender else 'Receiver'
    ET.SubElement(e, 'Code').text = err.code
    ET.SubElement(e, 'Message').text = err.message
    ET.SubElement(root, 'RequestId').text = request_id
    return 'text/xml', b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root), {}
