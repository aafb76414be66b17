#!/usr/bin/python3
"""setup-standin.py: a front for s3rver and dynalite that answers the few
calls `gcrunner setup` makes which they do not implement, and forwards
everything else to them unchanged.

  S3 (s3rver answers 501 NotImplemented): PUT/GET bucket ?encryption,
     ?versioning, ?publicAccessBlock, ?lifecycle, ?tagging, and GET
     ?versions (listed from s3rver's own objects, VersionId "null").  The
     XML bodies are checked against botocore's s3 model (root element and
     member names) and the Content-MD5 header against the body; the bucket
     must exist in s3rver.  Stored per bucket, answered back as sent.
  DynamoDB (dynalite lacks them): DescribeContinuousBackups and
     UpdateContinuousBackups, for tables dynalite knows.  dynalite's answer
     "" to TagResource/UntagResource is passed on as DynamoDB's {}.

This is a stand-in, not an implementation: the report of issue 9 says which
calls were checked only here.  Usage:
  setup-standin.py --s3 URL --dynamodb URL --port-file F
prints "PORT n"; the same port serves both (DynamoDB by X-Amz-Target).
"""
import argparse
import base64
import hashlib
import json
import os
import sys
import threading
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import botocore.loaders

S3_MODEL = botocore.loaders.Loader().load_service_model('s3', 'service-2')
SUBRESOURCES = {
    'encryption': ('PutBucketEncryption', 'ServerSideEncryptionConfiguration',
                   'ServerSideEncryptionConfigurationNotFoundError'),
    'versioning': ('PutBucketVersioning', 'VersioningConfiguration', None),
    'publicAccessBlock': ('PutPublicAccessBlock', 'PublicAccessBlockConfiguration',
                          'NoSuchPublicAccessBlockConfiguration'),
    'lifecycle': ('PutBucketLifecycleConfiguration', 'LifecycleConfiguration',
                  'NoSuchLifecycleConfiguration'),
    'tagging': ('PutBucketTagging', 'Tagging', 'NoSuchTagSet'),
}
NS = '{http://s3.amazonaws.com/doc/2006-03-01/}'
LOCK = threading.Lock()
BUCKETS = {}          # bucket -> {subresource: xml bytes}
PITR = {}             # table -> bool


def check_xml(op_name, root_name, body):
    """Parses body and checks element names against the model's shapes."""
    op = S3_MODEL['operations'][op_name]
    req = S3_MODEL['shapes'][op['input']['shape']]
    payload = req.get('payload')
    shape_name = req['members'][payload]['shape']
    root = ET.fromstring(body)
    tag = root.tag.replace(NS, '')
    if tag != root_name:
        return 'root element %s, expected %s' % (tag, root_name)

    def walk(el, shape_name, path):
        shape = S3_MODEL['shapes'][shape_name]
        if shape['type'] == 'structure':
            names = {m.get('locationName', k): m['shape'] for k, m in shape['members'].items()}
            for child in el:
                ctag = child.tag.replace(NS, '')
                if ctag not in names:
                    return '%s/%s is not a member of %s' % (path, ctag, shape_name)
                err = walk(child, names[ctag], path + '/' + ctag)
                if err:
                    return err
            for req_name in shape.get('required', []):
                loc = shape['members'][req_name].get('locationName', req_name)
                if el.find(NS + loc) is None and el.find(loc) is None:
                    return '%s misses the required %s' % (path, loc)
        elif shape['type'] == 'list':
            member = shape['member']
            inner = member['shape']
            if shape.get('flattened'):
                return walk(el, inner, path)
            for child in el:
                err = walk(child, inner, path + '/' + child.tag.replace(NS, ''))
                if err:
                    return err
        elif shape['type'] in ('boolean',) and el.text not in ('true', 'false'):
            return '%s: not a boolean' % path
        elif shape.get('enum') and el.text not in shape['enum']:
            return '%s: %r is not one of %s' % (path, el.text, shape['enum'])
        return None
    return walk(root, shape_name, root_name)


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):
        pass

    def _body(self):
        n = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(n) if n else b''

    def _send(self, status, body, ctype='application/xml', headers=None):
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def _s3_error(self, status, code, message):
        body = ('<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message>'
                '</Error>' % (code, message)).encode()
        self._send(status, body)

    def _forward(self, base, body, json_fix=False):
        req = urllib.request.Request(base + self.path, data=body if body or self.command in ('PUT', 'POST')
                                     else None, method=self.command)
        for k, v in self.headers.items():
            if k.lower() not in ('host', 'content-length', 'connection'):
                req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, data, headers = r.status, r.read(), r.headers
        except urllib.error.HTTPError as e:
            status, data, headers = e.code, e.read(), e.headers
        if json_fix and status == 200 and data.strip() == b'""':
            data = b'{}'    # dynalite answers TagResource with "", DynamoDB with {}
        self._send(status, data, headers.get('Content-Type', 'application/octet-stream'),
                   {k: v for k, v in headers.items()
                    if k.lower() in ('etag', 'x-amz-request-id', 'x-amzn-requestid', 'last-modified')})

    def _s3_request(self, method, path):
        """A request of our own to s3rver, with the caller's credentials
        (s3rver checks the key, not the signature)."""
        req = urllib.request.Request(self.server.s3 + path, method=method)
        for k in ('Authorization', 'x-amz-date', 'x-amz-security-token'):
            if self.headers.get(k):
                req.add_header(k, self.headers[k])
        req.add_header('x-amz-content-sha256', 'UNSIGNED-PAYLOAD')
        return req

    def _bucket_exists(self, bucket):
        try:
            with urllib.request.urlopen(self._s3_request('HEAD', '/' + bucket), timeout=10):
                return True
        except urllib.error.HTTPError:
            return False

    def _s3(self, body):
        path, _, query = self.path.partition('?')
        q = urllib.parse.parse_qs(query, keep_blank_values=True)
        parts = path.strip('/').split('/', 1)
        sub = [k for k in q if k in SUBRESOURCES or k == 'versions']
        if len(parts) != 1 or not parts[0] or not sub or self.command not in ('GET', 'PUT', 'DELETE'):
            return self._forward(self.server.s3, body)
        bucket, name = parts[0], sub[0]
        if not self._bucket_exists(bucket):
            return self._s3_error(404, 'NoSuchBucket', 'The specified bucket does not exist')
        if name == 'versions' and self.command == 'GET':
            req = self._s3_request('GET', '/' + bucket + '?list-type=2')
            with urllib.request.urlopen(req, timeout=10) as r:
                listing = ET.fromstring(r.read())
            out = ET.Element('ListVersionsResult', xmlns=NS[1:-1])
            ET.SubElement(out, 'Name').text = bucket
            for c in listing.iter(NS + 'Contents'):
                v = ET.SubElement(out, 'Version')
                ET.SubElement(v, 'Key').text = c.find(NS + 'Key').text
                ET.SubElement(v, 'VersionId').text = 'null'
                ET.SubElement(v, 'IsLatest').text = 'true'
            return self._send(200, ET.tostring(out, xml_declaration=True, encoding='UTF-8'))
        op, root, missing = SUBRESOURCES[name]
        with LOCK:
            store = BUCKETS.setdefault(bucket, {})
            if self.command == 'PUT':
                md5 = self.headers.get('Content-MD5')
                if md5 is None or base64.b64decode(md5) != hashlib.md5(body).digest():
                    return self._s3_error(400, 'InvalidDigest' if md5 else 'MissingContentMD5',
                                          'Content-MD5 is missing or does not match the body')
                try:
                    err = check_xml(op, root, body)
                except ET.ParseError as e:
                    err = 'not XML: %s' % e
                if err:
                    return self._s3_error(400, 'MalformedXML', err)
                store[name] = body
                return self._send(200, b'')
            if self.command == 'DELETE':
                store.pop(name, None)
                return self._send(204, b'')
            if name in store:
                return self._send(200, store[name])
        if name == 'versioning':
            return self._send(200, b'<?xml version="1.0" encoding="UTF-8"?><VersioningConfiguration '
                              b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>')
        if name == 'encryption':
            # S3 encrypts every new bucket with SSE-S3 since January 2023.
            return self._send(200, b'<?xml version="1.0" encoding="UTF-8"?><ServerSideEncryptionConfiguration '
                              b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule>'
                              b'<ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>'
                              b'</ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>')
        return self._s3_error(404, missing, 'The configuration does not exist')

    def _dynamodb(self, body):
        target = self.headers.get('X-Amz-Target', '')
        op = target.rpartition('.')[2]
        if op not in ('DescribeContinuousBackups', 'UpdateContinuousBackups'):
            return self._forward(self.server.dynamodb, body, json_fix=True)
        doc = json.loads(body or b'{}')
        table = doc.get('TableName', '')
        req = urllib.request.Request(self.server.dynamodb + '/', data=json.dumps({'TableName': table}).encode(),
                                     method='POST')
        for k in ('Authorization', 'X-Amz-Date', 'Content-Type'):
            if self.headers.get(k):
                req.add_header(k, self.headers[k])
        req.add_header('X-Amz-Target', 'DynamoDB_20120810.DescribeTable')
        try:
            urllib.request.urlopen(req, timeout=10).read()
        except urllib.error.HTTPError:
            err = {'__type': 'com.amazonaws.dynamodb.v20120810#TableNotFoundException',
                   'message': 'Table not found: %s' % table}
            return self._send(400, json.dumps(err).encode(), 'application/x-amz-json-1.0')
        if op == 'UpdateContinuousBackups':
            spec = doc.get('PointInTimeRecoverySpecification') or {}
            if not isinstance(spec.get('PointInTimeRecoveryEnabled'), bool):
                err = {'__type': 'com.amazon.coral.validate#ValidationException',
                       'message': 'PointInTimeRecoveryEnabled must be a boolean'}
                return self._send(400, json.dumps(err).encode(), 'application/x-amz-json-1.0')
            with LOCK:
                PITR[table] = spec['PointInTimeRecoveryEnabled']
        with LOCK:
            on = PITR.get(table, False)
        out = {'ContinuousBackupsDescription': {
            'ContinuousBackupsStatus': 'ENABLED',
            'PointInTimeRecoveryDescription': {'PointInTimeRecoveryStatus': 'ENABLED' if on else 'DISABLED'}}}
        self._send(200, json.dumps(out).encode(), 'application/x-amz-json-1.0')

    def do_GET(self):
        body = self._body()
        if self.path.startswith('/__state'):
            with LOCK:
                state = {'buckets': {b: sorted(s) for b, s in BUCKETS.items()}, 'pitr': PITR}
            return self._send(200, json.dumps(state).encode(), 'application/json')
        if self.headers.get('X-Amz-Target', '').startswith('DynamoDB_'):
            return self._dynamodb(body)
        return self._s3(body)

    do_PUT = do_POST = do_DELETE = do_HEAD = do_GET


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--s3', required=True)
    ap.add_argument('--dynamodb', required=True)
    ap.add_argument('--port-file')
    args = ap.parse_args()
    httpd = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    httpd.daemon_threads = True
    httpd.s3 = args.s3.rstrip('/')
    httpd.dynamodb = args.dynamodb.rstrip('/')
    port = httpd.server_address[1]
    if args.port_file:
        with open(args.port_file + '.tmp', 'w') as f:
            f.write('%d\n' % port)
        os.rename(args.port_file + '.tmp', args.port_file)
    print('PORT %d' % port, flush=True)
    sys.stdout.flush()
    httpd.serve_forever(poll_interval=0.2)


if __name__ == '__main__':
    main()
