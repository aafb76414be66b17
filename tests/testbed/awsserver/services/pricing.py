"""pricing.py: the AWS Price List Query API (json 1.1, AWSPriceListService).

GetProducts answers PriceList as JSON *strings*, one product each, shaped
like AWS's: product.attributes (instanceType, regionCode, location,
operatingSystem, tenancy, preInstalledSw, capacitystatus, licenseModel,
operation, vcpu, memory, ...) and terms.OnDemand.*.priceDimensions.*.
pricePerUnit.USD.  Each type and region has several products (Linux shared,
Linux unused reservation, Linux dedicated, Windows, RHEL), so a client must
filter as aws.md says to get exactly one.  Only the API's three regions
accept requests (us-east-1, eu-central-1, ap-south-1).
"""
import hashlib
import json

from codec import AwsError
from world import Service
from services import ec2data

PUBLICATION = '2026-07-01T00:00:00Z'
VERSION = '20260701000000'


def _bad(message):
    return AwsError('InvalidParameterException', message, status=400)


def _sku(*parts):
    return hashlib.sha1('|'.join(parts).encode()).hexdigest()[:16].upper()


class Pricing(Service):
    MODEL = 'pricing'
    VALIDATION = (400, 'InvalidParameterException')
    TYPE_ERROR = (400, 'SerializationException')
    UNKNOWN_MEMBER = (400, 'SerializationException')
    THROTTLE = (400, 'ThrottlingException', 'Rate exceeded')
    SERVER_ERROR = (500, 'InternalErrorException', 'An error on the server occurred during the processing of your request')
    ALLOWED_REGIONS = ('us-east-1', 'eu-central-1', 'ap-south-1')

    def reset(self, seed):
        self.extra = {}             # control: type -> (vcpu, GiB, price, efa, network)
        self._products = None

    def types(self):
        t = dict(ec2data.TYPES)
        t.update(self.extra)
        return t

    def products(self):
        if self._products is None:
            self._products = []
            for itype, (vcpu, mem, price, efa, net) in sorted(self.types().items()):
                for region in ec2data.REGIONS:
                    if itype in self.extra:
                        od = round(price * ec2data.REGIONS[region][1], 6)
                    else:
                        od = ec2data.on_demand(itype, region)
                    if od is None:
                        continue
                    for variant in _variants(od, vcpu):
                        self._products.append(_product(itype, region, vcpu, mem, net, *variant))
        return self._products

    def op_DescribeServices(self, ctx, p):
        services = [{'ServiceCode': 'AmazonEC2', 'AttributeNames': [
            'instanceType', 'regionCode', 'location', 'operatingSystem', 'tenancy', 'preInstalledSw',
            'capacitystatus', 'licenseModel', 'operation', 'vcpu', 'memory', 'instanceFamily',
            'processorArchitecture', 'networkPerformance', 'usagetype']}]
        if p.get('ServiceCode'):
            services = [s for s in services if s['ServiceCode'] == p['ServiceCode']]
        return {'Services': services, 'FormatVersion': 'aws_v1'}

    def op_GetAttributeValues(self, ctx, p):
        if p['ServiceCode'] != 'AmazonEC2':
            raise AwsError('NotFoundException', 'Service %s not found' % p['ServiceCode'], 400)
        values = sorted({prod['product']['attributes'].get(p['AttributeName'])
                         for prod in self.products()} - {None})
        page, token = _page(values, p.get('MaxResults') or 100, p.get('NextToken'), p['AttributeName'])
        return {'AttributeValues': [{'Value': v} for v in page], 'NextToken': token}

    def op_GetProducts(self, ctx, p):
        if p.get('FormatVersion', 'aws_v1') != 'aws_v1':
            raise _bad('FormatVersion must be aws_v1')
        if p['ServiceCode'] != 'AmazonEC2':
            return {'FormatVersion': 'aws_v1', 'PriceList': []}
        filters = []
        for f in p.get('Filters') or []:
            if f['Type'] != 'TERM_MATCH':
                raise _bad('Filter type %s is not supported' % f['Type'])
            filters.append((f['Field'].lower(), f['Value'].lower()))
        out = []
        for prod in self.products():
            attrs = prod['_lower']
            if all(attrs.get(field) == value for field, value in filters):
                out.append(prod['_json'])
        fp = json.dumps(sorted(filters))
        page, token = _page(out, p.get('MaxResults') or 100, p.get('NextToken'), fp)
        return {'FormatVersion': 'aws_v1', 'PriceList': page, 'NextToken': token}

    def control(self, method, path, doc, q):
        if path == '':
            if method == 'POST':
                for itype, v in doc.items():
                    self.extra[itype] = (int(v['vcpu']), float(v['memory']), float(v['price']),
                                         bool(v.get('efa', False)), v.get('network', '25 Gigabit'))
                self._products = None
            return {'types': sorted(self.types())}
        return None


def _variants(od, vcpu):
    # (operatingSystem, tenancy, preInstalledSw, capacitystatus, licenseModel, operation, price)
    return [
        ('Linux', 'Shared', 'NA', 'Used', 'No License required', 'RunInstances', od),
        ('Linux', 'Shared', 'NA', 'UnusedCapacityReservation', 'No License required', 'RunInstances', od),
        ('Linux', 'Shared', 'NA', 'AllocatedCapacityReservation', 'No License required', 'RunInstances', 0.0),
        ('Linux', 'Dedicated', 'NA', 'Used', 'No License required', 'RunInstances', round(od * 1.1, 6)),
        ('Linux', 'Shared', 'SQL Std', 'Used', 'No License required', 'RunInstances:0004', round(od + 0.12 * vcpu, 6)),
        ('Windows', 'Shared', 'NA', 'Used', 'License included', 'RunInstances:0002', round(od + 0.046 * vcpu, 6)),
        ('RHEL', 'Shared', 'NA', 'Used', 'No License required', 'RunInstances:0010', round(od + 0.13, 6)),
    ]


def _product(itype, region, vcpu, mem, net, os_, tenancy, sw, cap, lic, operation, price):
    sku = _sku(itype, region, os_, tenancy, sw, cap, operation)
    term = sku + '.JRTCKXETXF'
    rate = term + '.6YS6EN2CT7'
    attrs = {
        'servicecode': 'AmazonEC2', 'servicename': 'Amazon Elastic Compute Cloud',
        'instanceType': itype, 'instanceFamily': 'Compute optimized', 'regionCode': region,
        'location': ec2data.REGIONS[region][0], 'locationType': 'AWS Region',
        'operatingSystem': os_, 'tenancy': tenancy, 'preInstalledSw': sw, 'capacitystatus': cap,
        'licenseModel': lic, 'operation': operation, 'vcpu': str(vcpu),
        'memory': '%g GiB' % mem, 'networkPerformance': net, 'storage': 'EBS only',
        'processorArchitecture': '64-bit', 'currentGeneration': 'Yes',
        'physicalProcessor': 'AWS Graviton' if ec2data.is_arm(itype) else 'Intel Xeon / AMD EPYC',
        'usagetype': ('%s-' % region.upper().replace('-', '')[:4] if region != 'us-east-1' else '')
                     + ('BoxUsage:' if tenancy == 'Shared' else 'DedicatedUsage:') + itype,
        'marketoption': 'OnDemand', 'availabilityzone': 'NA',
    }
    doc = {
        'product': {'productFamily': 'Compute Instance', 'attributes': attrs, 'sku': sku},
        'serviceCode': 'AmazonEC2',
        'terms': {'OnDemand': {term: {
            'priceDimensions': {rate: {
                'unit': 'Hrs', 'endRange': 'Inf', 'beginRange': '0', 'appliesTo': [], 'rateCode': rate,
                'description': '$%s per On Demand %s %s Instance Hour' % (price, os_, itype),
                'pricePerUnit': {'USD': '%.10f' % price}}},
            'sku': sku, 'effectiveDate': PUBLICATION, 'offerTermCode': 'JRTCKXETXF',
            'termAttributes': {}}}},
        'version': VERSION, 'publicationDate': PUBLICATION,
    }
    return {'product': doc['product'], '_json': json.dumps(doc),
            '_lower': {k.lower(): str(v).lower() for k, v in attrs.items()}}


def _page(items, size, token, fingerprint):
    return Service.paginate(items, size, token, fingerprint, bad_token=lambda: AwsError(
        'InvalidNextTokenException', 'The next token is invalid', 400))
