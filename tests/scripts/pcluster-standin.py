#!/usr/bin/python3
"""pcluster-standin.py: a STAND-IN for AWS ParallelCluster's `pcluster`
command, for tests only (the real one is a large Python package that
needs AWS).  It is NOT ParallelCluster: it takes the subcommands gcrunner
runs -- create-cluster -n NAME -c FILE -r REGION, describe-cluster -n NAME
-r REGION, delete-cluster -n NAME -r REGION -- sends the same request the
real command's API layer would to the AWS test server's ParallelCluster API
($PCLUSTER_STANDIN_URL, signed with SigV4 as execute-api by botocore), and
prints the answer as the real command does: the API's JSON on success, and
{"message": "..."} with exit status 1 on an error.

What it lets a test check is gcrunner's side of the command path: the argv
vector it spawns (names and a configuration file path passed as separate
arguments, never a shell string) and the parsing of the JSON it reads back.
"""
import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

sys.modules.setdefault('awscrt', None)
from botocore.auth import SigV4Auth          # noqa: E402
from botocore.awsrequest import AWSRequest   # noqa: E402
from botocore.credentials import Credentials  # noqa: E402


def call(method, path, region, body=None):
    base = os.environ['PCLUSTER_STANDIN_URL'].rstrip('/')
    url = '%s%s?%s' % (base, path, urllib.parse.urlencode({'region': region}))
    data = json.dumps(body).encode() if body is not None else None
    req = AWSRequest(method=method, url=url, data=data,
                     headers={'Content-Type': 'application/json'} if data else {})
    creds = Credentials(os.environ['AWS_ACCESS_KEY_ID'], os.environ['AWS_SECRET_ACCESS_KEY'],
                        os.environ.get('AWS_SESSION_TOKEN'))
    SigV4Auth(creds, 'execute-api', os.environ.get('AWS_REGION', region)).add_auth(req)
    http = urllib.request.Request(url, data=data, method=method, headers=dict(req.headers.items()))
    try:
        with urllib.request.urlopen(http, timeout=30) as r:
            return 0, json.loads(r.read() or b'{}')
    except urllib.error.HTTPError as e:
        doc = json.loads(e.read() or b'{}')
        return 1, {'message': doc.get('message', 'HTTP %d' % e.code)}


def main():
    p = argparse.ArgumentParser(prog='pcluster')
    p.add_argument('command', choices=['create-cluster', 'describe-cluster', 'delete-cluster'])
    p.add_argument('-n', '--cluster-name', required=True)
    p.add_argument('-r', '--region', required=True)
    p.add_argument('-c', '--cluster-configuration')
    a = p.parse_args()
    name = urllib.parse.quote(a.cluster_name, safe='')
    if a.command == 'create-cluster':
        with open(a.cluster_configuration) as f:
            config = f.read()
        rc, doc = call('POST', '/v3/clusters', a.region,
                       {'clusterName': a.cluster_name, 'clusterConfiguration': config})
    elif a.command == 'describe-cluster':
        rc, doc = call('GET', '/v3/clusters/' + name, a.region)
    else:
        rc, doc = call('DELETE', '/v3/clusters/' + name, a.region)
    print(json.dumps(doc, indent=2))
    return rc


if __name__ == '__main__':
    sys.exit(main())
