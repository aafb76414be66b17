"""ec2data.py: the instance types the test server knows, with prices.

On-demand Linux prices in us-east-1 (USD per hour) are the July 2026
snapshot in shared/reference/aws.md; other regions scale them by
REGION_FACTOR.  Spot prices are a deterministic function of type, zone and
time (changing every few hours), between 25 % and 45 % of on-demand.
POST /__control/pricing adds or overrides types (see README).
"""
import hashlib

# type: (vcpu, memory GiB, us-east-1 $/h, EFA, network performance)
TYPES = {
    'c7g.4xlarge': (16, 32, 0.58, False, 'Up to 15 Gigabit'),
    'c7g.8xlarge': (32, 64, 1.16, False, '15 Gigabit'),
    'c7g.12xlarge': (48, 96, 1.74, False, '22.5 Gigabit'),
    'c7g.16xlarge': (64, 128, 2.32, True, '30 Gigabit'),
    'c8g.8xlarge': (32, 64, 1.27616, False, '15 Gigabit'),
    'c8g.12xlarge': (48, 96, 1.91424, False, '22.5 Gigabit'),
    'c8g.16xlarge': (64, 128, 2.55232, False, '30 Gigabit'),
    'c8g.24xlarge': (96, 192, 3.82848, True, '40 Gigabit'),
    'c8g.48xlarge': (192, 384, 7.65696, True, '50 Gigabit'),
    'hpc7g.4xlarge': (16, 128, 1.6832, True, '200 Gigabit'),
    'hpc7g.8xlarge': (32, 128, 1.6832, True, '200 Gigabit'),
    'hpc7g.16xlarge': (64, 128, 1.6832, True, '200 Gigabit'),
    'c5.4xlarge': (16, 32, 0.68, False, 'Up to 10 Gigabit'),
    'c5.9xlarge': (36, 72, 1.53, False, '12 Gigabit'),
    'c5.12xlarge': (48, 96, 2.04, False, '12 Gigabit'),
    'c5.18xlarge': (72, 144, 3.06, False, '25 Gigabit'),
    'c5.24xlarge': (96, 192, 4.08, False, '25 Gigabit'),
    'c6i.8xlarge': (32, 64, 1.36, False, '12.5 Gigabit'),
    'c6i.12xlarge': (48, 96, 2.04, False, '18.75 Gigabit'),
    'c6i.16xlarge': (64, 128, 2.72, False, '25 Gigabit'),
    'c6i.24xlarge': (96, 192, 4.08, False, '37.5 Gigabit'),
    'c6i.32xlarge': (128, 256, 5.44, True, '50 Gigabit'),
    'c6a.8xlarge': (32, 64, 1.224, False, '12.5 Gigabit'),
    'c6a.12xlarge': (48, 96, 1.836, False, '18.75 Gigabit'),
    'c6a.16xlarge': (64, 128, 2.448, False, '25 Gigabit'),
    'c6a.24xlarge': (96, 192, 3.672, False, '37.5 Gigabit'),
    'c6a.32xlarge': (128, 256, 4.896, False, '50 Gigabit'),
    'c6a.48xlarge': (192, 384, 7.344, True, '50 Gigabit'),
    'c5n.18xlarge': (72, 192, 3.888, True, '100 Gigabit'),
    'hpc6a.48xlarge': (96, 384, 2.88, True, '100 Gigabit'),
}

REGIONS = {
    # region: (location name, price factor, zone letters)
    'us-east-1': ('US East (N. Virginia)', 1.0, 'abcdef'),
    'us-east-2': ('US East (Ohio)', 1.0, 'abc'),
    'us-west-1': ('US West (N. California)', 1.17, 'ac'),
    'us-west-2': ('US West (Oregon)', 1.0, 'abcd'),
    'eu-west-1': ('EU (Ireland)', 1.11, 'abc'),
    'eu-central-1': ('EU (Frankfurt)', 1.16, 'abc'),
    'eu-north-1': ('EU (Stockholm)', 1.06, 'abc'),
    'ap-south-1': ('Asia Pacific (Mumbai)', 1.05, 'abc'),
    'ap-southeast-1': ('Asia Pacific (Singapore)', 1.18, 'abc'),
    'ap-northeast-1': ('Asia Pacific (Tokyo)', 1.22, 'acd'),
}

# HPC types exist in few places (aws.md): region -> zones offering them.
OFFERED = {
    'hpc7g': {'us-east-1': 'a', 'us-west-2': 'd', 'eu-west-1': 'a', 'ap-northeast-1': 'a'},
    'hpc6a': {'us-east-2': 'b', 'eu-north-1': 'c', 'ap-southeast-1': 'a'},
}


def family(itype):
    return itype.split('.', 1)[0]


def is_arm(itype):
    """Graviton: the family's generation letter is g (c7g, c7gn, c8gd, hpc7g)."""
    return family(itype).rstrip('dne').endswith('g')


def zones(region, itype=None):
    """Availability zones of region offering itype (all when None)."""
    if region not in REGIONS:
        return []
    letters = REGIONS[region][2]
    if itype is not None and family(itype) in OFFERED:
        letters = OFFERED[family(itype)].get(region, '')
    return [region + z for z in letters]


def on_demand(itype, region):
    """USD per hour as a float, or None where the type is not offered."""
    t = TYPES.get(itype)
    if t is None or not zones(region, itype):
        return None
    return round(t[2] * REGIONS[region][1], 6)


SPOT_PERIOD = 4 * 3600          # a spot price changes every 4 hours


def _unit(*parts):
    h = hashlib.sha256('|'.join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(h[:8], 'big') / 2.0 ** 64


def spot_changes(itype, zone, start, end):
    """[(epoch, price)] for the changes in (start, end], plus the one in
    effect at start; the per-zone offset keeps zones from changing at once."""
    region = zone[:-1]
    od = on_demand(itype, region)
    if od is None:
        return []
    offset = int(_unit('offset', zone) * SPOT_PERIOD)
    first = ((int(start) - offset) // SPOT_PERIOD) * SPOT_PERIOD + offset
    out = []
    t = first
    while t <= end:
        frac = 0.25 + 0.20 * _unit(itype, zone, t)
        out.append((t, round(od * frac, 4)))
        t += SPOT_PERIOD
    return out
