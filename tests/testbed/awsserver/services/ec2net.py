"""ec2net.py: EC2's network describes (DescribeVpcs, DescribeSubnets,
DescribeSecurityGroups) added to services/ec2.py's Ec2, for `gcrunner
setup`, which puts Batch instances in the default VPC's subnets.

Seed "default": a default VPC vpc-0def0000000000001 (172.31.0.0/16) with one
default subnet per zone a-c and its "default" security group, plus a
non-default VPC vpc-0aaa... with one subnet.  Seed "empty": no default VPC
(setup must then ask for --subnets).  Filters: vpc-id, isDefault,
group-name, default-for-az, subnet-id.
"""
from codec import AwsError
from services.ec2 import Ec2

DEFAULT_VPC = 'vpc-0def0000000000001'
OTHER_VPC = 'vpc-0aaa0000000000002'


class Ec2Network(Ec2):

    def reset(self, seed):
        super().reset(seed)
        self.vpcs = {}
        self.subnets = {}
        self.groups = {}
        if seed == 'empty':
            return
        self.vpcs[DEFAULT_VPC] = {'vpcId': DEFAULT_VPC, 'cidrBlock': '172.31.0.0/16', 'isDefault': True,
                                  'state': 'available'}
        self.vpcs[OTHER_VPC] = {'vpcId': OTHER_VPC, 'cidrBlock': '10.0.0.0/16', 'isDefault': False,
                                'state': 'available'}
        for i, zone in enumerate('abc'):
            sid = 'subnet-0def00000000000%02d' % (i + 1)
            self.subnets[sid] = {'subnetId': sid, 'vpcId': DEFAULT_VPC, 'availabilityZone': 'us-east-1' + zone,
                                 'cidrBlock': '172.31.%d.0/20' % (16 * i), 'defaultForAz': True,
                                 'state': 'available', 'availableIpAddressCount': 4091}
        self.subnets['subnet-0aaa0000000000001'] = {
            'subnetId': 'subnet-0aaa0000000000001', 'vpcId': OTHER_VPC, 'availabilityZone': 'us-east-1a',
            'cidrBlock': '10.0.1.0/24', 'defaultForAz': False, 'state': 'available',
            'availableIpAddressCount': 251}
        for gid, vpc in (('sg-0def0000000000001', DEFAULT_VPC), ('sg-0aaa0000000000001', OTHER_VPC)):
            self.groups[gid] = {'groupId': gid, 'groupName': 'default', 'vpcId': vpc,
                                'description': 'default VPC security group', 'ownerId': '111122223333'}

    @staticmethod
    def _filtered(items, filters, fields):
        out = []
        for it in items:
            ok = True
            for f in filters or []:
                key = fields.get(f['Name'])
                if key is None:
                    raise AwsError('InvalidParameterValue', 'The filter \'%s\' is invalid' % f['Name'], 400)
                value = it.get(key)
                value = str(value).lower() if isinstance(value, bool) else str(value)
                if value not in [str(v) for v in f.get('Values', [])]:
                    ok = False
            if ok:
                out.append(it)
        return out

    def op_DescribeVpcs(self, ctx, p):
        self._dry_run(p)
        items = [v for v in self.vpcs.values() if not p.get('VpcIds') or v['vpcId'] in p['VpcIds']]
        for vid in p.get('VpcIds') or []:
            if vid not in self.vpcs:
                raise AwsError('InvalidVpcID.NotFound', "The vpc ID '%s' does not exist" % vid, 400)
        items = self._filtered(items, p.get('Filters'), {'vpc-id': 'vpcId', 'isDefault': 'isDefault',
                                                         'state': 'state'})
        return {'Vpcs': [{'VpcId': v['vpcId'], 'CidrBlock': v['cidrBlock'], 'IsDefault': v['isDefault'],
                          'State': v['state'], 'OwnerId': ctx.account} for v in items]}

    def op_DescribeSubnets(self, ctx, p):
        self._dry_run(p)
        for sid in p.get('SubnetIds') or []:
            if sid not in self.subnets:
                raise AwsError('InvalidSubnetID.NotFound', "The subnet ID '%s' does not exist" % sid, 400)
        items = [s for s in self.subnets.values() if not p.get('SubnetIds') or s['subnetId'] in p['SubnetIds']]
        items = self._filtered(items, p.get('Filters'), {'vpc-id': 'vpcId', 'subnet-id': 'subnetId',
                                                         'default-for-az': 'defaultForAz',
                                                         'availability-zone': 'availabilityZone'})
        return {'Subnets': [{'SubnetId': s['subnetId'], 'VpcId': s['vpcId'],
                             'AvailabilityZone': s['availabilityZone'], 'CidrBlock': s['cidrBlock'],
                             'DefaultForAz': s['defaultForAz'], 'State': s['state'],
                             'AvailableIpAddressCount': s['availableIpAddressCount']} for s in items]}

    def op_DescribeSecurityGroups(self, ctx, p):
        self._dry_run(p)
        items = [g for g in self.groups.values() if not p.get('GroupIds') or g['groupId'] in p['GroupIds']]
        items = self._filtered(items, p.get('Filters'), {'vpc-id': 'vpcId', 'group-name': 'groupName',
                                                         'group-id': 'groupId'})
        return {'SecurityGroups': [{'GroupId': g['groupId'], 'GroupName': g['groupName'], 'VpcId': g['vpcId'],
                                    'Description': g['description'], 'OwnerId': g['ownerId']} for g in items]}
