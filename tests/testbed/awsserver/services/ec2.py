"""ec2.py: Amazon EC2 (the ec2 query protocol, XML answers).

DescribeSpotPriceHistory (per zone: the price in effect at StartTime and
every change after it, newest first), DescribeInstanceTypes (vCPUs, cores,
memory, architecture, network, EFA), DescribeRegions,
DescribeAvailabilityZones.  Request members arrive as InstanceType.1=...,
Filter.1.Name=..., answers use EC2's <item> lists and requestId.
"""
import fnmatch

from codec import AwsError, coral_message
from world import Service
from services import ec2data


def _invalid(message):
    return AwsError('InvalidParameterValue', message, status=400)


class Ec2(Service):
    MODEL = 'ec2'
    VALIDATION = (400, 'InvalidParameterValue')
    TYPE_ERROR = (400, 'InvalidParameterValue')
    UNKNOWN_MEMBER = (400, 'UnknownParameter')
    THROTTLE = (503, 'RequestLimitExceeded', 'Request limit exceeded.')
    SERVER_ERROR = (500, 'InternalError', 'An internal error has occurred')
    UNAVAILABLE = (503, 'Unavailable', 'The server is overloaded and can\'t handle the request')
    ACCESS_DENIED = (403, 'UnauthorizedOperation')
    OPEN_ENUMS = frozenset({'InstanceType'})     # botocore 1.29 predates c8g, hpc7g ...

    def validation_failed(self, op, problems):
        if problems.missing:
            name = problems.missing[0]
            raise AwsError('MissingParameter', 'The request must contain the parameter %s' % name, 400)
        raise AwsError('InvalidParameterValue', coral_message(problems.constraint_errors), 400)

    def _dry_run(self, p):
        if p.get('DryRun'):
            raise AwsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412)

    def op_DescribeRegions(self, ctx, p):
        self._dry_run(p)
        names = p.get('RegionNames') or sorted(ec2data.REGIONS)
        bad = [n for n in names if n not in ec2data.REGIONS]
        if bad:
            raise AwsError('InvalidParameterValue', "Invalid region names: '%s'" % ', '.join(bad), 400)
        return {'Regions': [{'RegionName': n, 'Endpoint': 'ec2.%s.amazonaws.com' % n,
                             'OptInStatus': 'opt-in-not-required'} for n in names]}

    def op_DescribeAvailabilityZones(self, ctx, p):
        self._dry_run(p)
        zones = ec2data.zones(ctx.region)
        if p.get('ZoneNames'):
            bad = [z for z in p['ZoneNames'] if z not in zones]
            if bad:
                raise AwsError('InvalidParameterValue', "The zone '%s' does not exist." % bad[0], 400)
            zones = [z for z in zones if z in p['ZoneNames']]
        return {'AvailabilityZones': [
            {'ZoneName': z, 'ZoneId': '%s-az%d' % (ctx.region[:2] + ctx.region.split('-')[1][0] + ctx.region[-1], i + 1),
             'State': 'available', 'RegionName': ctx.region, 'ZoneType': 'availability-zone',
             'OptInStatus': 'opt-in-not-required', 'GroupName': ctx.region, 'NetworkBorderGroup': ctx.region,
             'Messages': []} for i, z in enumerate(zones)]}

    def op_DescribeInstanceTypes(self, ctx, p):
        self._dry_run(p)
        types = ec2data.TYPES
        pricing = self.world.services.get('pricing')
        if pricing is not None:
            types = pricing.types()
        wanted = p.get('InstanceTypes')
        if wanted:
            if len(wanted) > 100:
                raise _invalid('The maximum number of instance types is 100')
            bad = [t for t in wanted if t not in types]
            if bad:
                raise AwsError('InvalidInstanceType', 'The following supplied instance types do not exist: [%s]'
                               % ', '.join(bad), 400)
            names = wanted
        else:
            names = sorted(t for t in types if ec2data.zones(ctx.region, t))
        items = [_type_info(t, types[t]) for t in names]
        for f in p.get('Filters') or []:
            items = [i for i in items if _filter_match(i, f)]
        size = p.get('MaxResults') or 100
        if not 5 <= size <= 100:
            raise _invalid('MaxResults must be between 5 and 100')
        page, token = _page(items, size, p.get('NextToken'))
        return {'InstanceTypes': page, 'NextToken': token}

    def op_DescribeSpotPriceHistory(self, ctx, p):
        self._dry_run(p)
        now = ctx.now
        # A client's StartTime comes from its real clock, which may be ahead
        # of a frozen simulated one: then "now" is that StartTime.
        end = p.get('EndTime', max(now, p.get('StartTime', now)))
        start = p.get('StartTime', end - 86400)
        if start > end:
            raise _invalid('The start time must be before the end time')
        types = p.get('InstanceTypes') or sorted(ec2data.TYPES)
        products = p.get('ProductDescriptions') or ['Linux/UNIX', 'Red Hat Enterprise Linux', 'Windows']
        zone_filter = p.get('AvailabilityZone')
        filters = {}
        for f in p.get('Filters') or []:
            filters[f['Name']] = f.get('Values') or []
        items = []
        for itype in types:
            if itype not in ec2data.TYPES:
                continue          # AWS answers nothing for an unknown type
            if 'instance-type' in filters and itype not in filters['instance-type']:
                continue
            for zone in ec2data.zones(ctx.region, itype):
                if zone_filter and zone != zone_filter:
                    continue
                if 'availability-zone' in filters and zone not in filters['availability-zone']:
                    continue
                for prod in products:
                    if 'product-description' in filters and prod not in filters['product-description']:
                        continue
                    extra = {'Linux/UNIX': 0.0, 'Linux/UNIX (Amazon VPC)': 0.0,
                             'Red Hat Enterprise Linux': 0.13, 'SUSE Linux': 0.1}.get(
                                 prod, 0.046 * ec2data.TYPES[itype][0])
                    for t, price in ec2data.spot_changes(itype, zone, start, end):
                        items.append({'AvailabilityZone': zone, 'InstanceType': itype,
                                      'ProductDescription': prod, 'SpotPrice': '%.6f' % (price + extra),
                                      'Timestamp': t})
        items.sort(key=lambda i: (-i['Timestamp'], i['InstanceType'], i['AvailabilityZone']))
        size = p.get('MaxResults') or 1000
        if not 5 <= size <= 1000:
            raise _invalid('MaxResults must be between 5 and 1000')
        page, token = _page(items, size, p.get('NextToken'))
        return {'SpotPriceHistory': page, 'NextToken': token or ''}


def _type_info(itype, t):
    vcpu, mem, _price, efa, net = t
    arm = ec2data.is_arm(itype)
    threads = 1 if arm else 2
    cores = vcpu // threads
    info = {
        'InstanceType': itype, 'CurrentGeneration': True, 'FreeTierEligible': False,
        'SupportedUsageClasses': ['on-demand', 'spot'], 'SupportedRootDeviceTypes': ['ebs'],
        'SupportedVirtualizationTypes': ['hvm'], 'BareMetal': False, 'Hypervisor': 'nitro',
        'ProcessorInfo': {'SupportedArchitectures': ['arm64' if arm else 'x86_64'],
                          'SustainedClockSpeedInGhz': 2.6 if arm else 3.5},
        'VCpuInfo': {'DefaultVCpus': vcpu, 'DefaultCores': cores, 'DefaultThreadsPerCore': threads,
                     'ValidCores': list(range(2, cores + 1, 2)), 'ValidThreadsPerCore': [1] if arm else [1, 2]},
        'MemoryInfo': {'SizeInMiB': int(mem * 1024)},
        'InstanceStorageSupported': False,
        'EbsInfo': {'EbsOptimizedSupport': 'default', 'EncryptionSupport': 'supported', 'NvmeSupport': 'required'},
        'NetworkInfo': {'NetworkPerformance': net, 'MaximumNetworkInterfaces': 8, 'MaximumNetworkCards': 1,
                        'DefaultNetworkCardIndex': 0, 'Ipv4AddressesPerInterface': 30,
                        'Ipv6AddressesPerInterface': 30, 'Ipv6Supported': True, 'EnaSupport': 'required',
                        'EfaSupported': efa, 'EncryptionInTransitSupported': True},
        'PlacementGroupInfo': {'SupportedStrategies': ['cluster', 'partition', 'spread']},
        'HibernationSupported': False, 'BurstablePerformanceSupported': False,
        'DedicatedHostsSupported': True, 'AutoRecoverySupported': True, 'SupportedBootModes': ['uefi'] if arm
        else ['legacy-bios', 'uefi'],
    }
    if efa:
        info['NetworkInfo']['EfaInfo'] = {'MaximumEfaInterfaces': 1}
    return info


_FILTER_PATHS = {
    'instance-type': ('InstanceType',),
    'processor-info.supported-architecture': ('ProcessorInfo', 'SupportedArchitectures'),
    'vcpu-info.default-vcpus': ('VCpuInfo', 'DefaultVCpus'),
    'network-info.efa-supported': ('NetworkInfo', 'EfaSupported'),
    'current-generation': ('CurrentGeneration',),
    'memory-info.size-in-mib': ('MemoryInfo', 'SizeInMiB'),
}


def _filter_match(item, f):
    path = _FILTER_PATHS.get(f['Name'])
    if path is None:
        raise _invalid("The filter '%s' is invalid" % f['Name'])
    v = item
    for k in path:
        v = v.get(k) if isinstance(v, dict) else None
    values = v if isinstance(v, list) else [v]
    text = [str(x).lower() if isinstance(x, bool) else str(x) for x in values]
    return any(fnmatch.fnmatchcase(t, pat) for t in text for pat in f.get('Values') or [])


def _page(items, size, token):
    return Service.paginate(items, size, token, bad_token=lambda: AwsError(
        'InvalidNextToken', 'The token %s is invalid' % token, 400))
