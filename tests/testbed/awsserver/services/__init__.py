"""services: one module per AWS API the test server speaks.

To add a service: write services/<name>.py with a Service subclass (MODEL =
botocore's model name, op_<Operation>(ctx, params) handlers, the error
codes AWS answers with), and add the class to ALL below.  Routing,
signatures, validation and the wire format come from the model.
"""
import sigv4

# The test credentials every test bed accepts (documented in README).
DEFAULT_CREDENTIALS = [
    {'accessKeyId': 'AKIAGCRTESTBED000001', 'secretAccessKey': 'gcrunner-testbed-secret-0001',
     'account': '111122223333', 'arn': 'arn:aws:iam::111122223333:user/gcrunner-tester',
     'userId': 'AIDAGCRTESTBED000001'},
    {'accessKeyId': 'AKIAGCRTESTBED000002', 'secretAccessKey': 'gcrunner-testbed-secret-0002',
     'account': '444455556666', 'arn': 'arn:aws:iam::444455556666:user/other-tester',
     'userId': 'AIDAGCRTESTBED000002'},
]


def add_credentials(store, doc):
    """doc: accessKeyId, secretAccessKey, [sessionToken], [account], [arn],
    [userId], [expires (epoch s) | expiresIn (s)], [denied: ["iam:Create*"]]."""
    import time
    expires = doc.get('expires')
    if doc.get('expiresIn') is not None:
        expires = time.time() + float(doc['expiresIn'])
    account = doc.get('account', '111122223333')
    ident = sigv4.Identity(doc['accessKeyId'], doc['secretAccessKey'], account,
                           doc.get('arn', 'arn:aws:iam::%s:user/%s' % (account, doc['accessKeyId'].lower())),
                           doc.get('userId', 'AIDA' + doc['accessKeyId'][4:]),
                           session_token=doc.get('sessionToken'), expires=expires,
                           denied=doc.get('denied', ()))
    store.add(ident)
    return ident


def default_credentials(store):
    for doc in DEFAULT_CREDENTIALS:
        add_credentials(store, doc)


from services.batch import Batch       # noqa: E402
from services.logs import Logs         # noqa: E402
from services.pricing import Pricing   # noqa: E402
from services.ssm import Ssm           # noqa: E402
from services.sts import Sts           # noqa: E402
# gcrunner setup (issue 9): Ec2Network is Ec2 plus the VPC describes.
from services.ec2net import Ec2Network        # noqa: E402
from services.iam import Iam                  # noqa: E402
from services.servicequotas import ServiceQuotas  # noqa: E402
from services.ssooidc import SsoOidc          # noqa: E402
from services.sso import Sso                  # noqa: E402
# ParallelCluster's API (issue 8): a model of our own, see services/pcluster.py.
from services.pcluster import ParallelCluster  # noqa: E402

ALL = [Batch, Logs, Pricing, Ec2Network, Sts, Ssm, Iam, ServiceQuotas, SsoOidc, Sso, ParallelCluster]
