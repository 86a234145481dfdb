import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupIngressCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import { tagSpec, useFakeAws } from './helpers.js';

const { fake, ec2 } = useFakeAws();

let vpcId = '';
beforeEach(async () => {
  const { Vpc } = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  vpcId = Vpc?.VpcId ?? '';
});

async function createGroup(name: string): Promise<string> {
  const { GroupId } = await ec2().send(
    new CreateSecurityGroupCommand({
      GroupName: name,
      Description: `${name} tier`,
      VpcId: vpcId,
      TagSpecifications: tagSpec('security-group', { 'gitlab-ha:resource': `security/sg/${name}` }),
    }),
  );
  return GroupId ?? '';
}

const https = (cidr: string): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: 443,
  ToPort: 443,
  IpRanges: [{ CidrIp: cidr, Description: 'https' }],
});

const httpFrom = (groupId: string): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: 80,
  ToPort: 80,
  UserIdGroupPairs: [{ GroupId: groupId, Description: 'from lb' }],
});

describe('fake EC2: security groups', () => {
  it('creates a group with the default egress rule and authorizes tagged ingress rules with ids', async () => {
    // GIVEN a load balancer group and an app group
    const lb = await createGroup('lb');
    const app = await createGroup('app');

    // WHEN ingress is authorized from a CIDR and from the other group, with tagged rules
    const fromAnywhere = await ec2().send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: lb, IpPermissions: [https('0.0.0.0/0')] }),
    );
    const fromLb = await ec2().send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: app,
        IpPermissions: [httpFrom(lb)],
        TagSpecifications: tagSpec('security-group-rule', { role: 'http' }),
      }),
    );

    // THEN the rules come back with ids and shapes like AWS's, and the groups show them
    expect(fromAnywhere.SecurityGroupRules?.[0]).toMatchObject({
      GroupId: lb,
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      CidrIpv4: '0.0.0.0/0',
      Description: 'https',
    });
    expect(fromLb.SecurityGroupRules?.[0]?.SecurityGroupRuleId).toMatch(/^sgr-[0-9a-f]{17}$/);
    expect(fromLb.SecurityGroupRules?.[0]?.ReferencedGroupInfo?.GroupId).toBe(lb);
    const { SecurityGroupRules } = await ec2().send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [app] }] }),
    );
    expect(
      SecurityGroupRules?.map((r) => [
        r.IsEgress,
        r.IpProtocol,
        r.CidrIpv4,
        r.ReferencedGroupInfo?.GroupId,
        r.Tags,
      ]),
    ).toEqual([
      [true, '-1', '0.0.0.0/0', undefined, []],
      [false, 'tcp', undefined, lb, [{ Key: 'role', Value: 'http' }]],
    ]);
    const { SecurityGroups } = await ec2().send(new DescribeSecurityGroupsCommand({ GroupIds: [app] }));
    expect(SecurityGroups?.[0]?.IpPermissions?.[0]?.UserIdGroupPairs).toEqual([
      { GroupId: lb, UserId: fake().account, Description: 'from lb' },
    ]);
  });

  it('refuses a duplicate rule, a duplicate name and a reference to a missing group', async () => {
    // GIVEN a group with one rule
    const lb = await createGroup('lb');
    await ec2().send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: lb, IpPermissions: [https('0.0.0.0/0')] }),
    );

    // WHEN the same rule, a group of the same name, and a rule from a missing group are asked for
    const duplicateRule = ec2().send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: lb,
        IpPermissions: [https('10.0.0.0/8'), https('0.0.0.0/0')],
      }),
    );
    const duplicateName = ec2().send(
      new CreateSecurityGroupCommand({ GroupName: 'lb', Description: 'again', VpcId: vpcId }),
    );
    const missingPeer = ec2().send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: lb,
        IpPermissions: [httpFrom('sg-0123456789abcdef0')],
      }),
    );

    // THEN each fails with AWS's code and the request added nothing (not even its valid half)
    await expect(duplicateRule).rejects.toMatchObject({ name: 'InvalidPermission.Duplicate' });
    await expect(duplicateName).rejects.toMatchObject({ name: 'InvalidGroup.Duplicate' });
    await expect(missingPeer).rejects.toMatchObject({ name: 'InvalidGroup.NotFound' });
    const rules = [...fake().ec2.securityGroupRules.values()].filter((r) => r.groupId === lb && !r.isEgress);
    expect(rules.map((r) => r.cidrIpv4)).toEqual(['0.0.0.0/0']);
  });

  it('refuses to delete a group another group references, until the rule is revoked', async () => {
    // GIVEN app allowing traffic from lb
    const lb = await createGroup('lb');
    const app = await createGroup('app');
    const { SecurityGroupRules } = await ec2().send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: app, IpPermissions: [httpFrom(lb)] }),
    );

    // WHEN lb is deleted first
    const early = ec2().send(new DeleteSecurityGroupCommand({ GroupId: lb }));

    // THEN AWS's DependencyViolation comes back
    await expect(early).rejects.toMatchObject({
      name: 'DependencyViolation',
      message: `resource ${lb} has a dependent object`,
    });

    // WHEN the referencing rule is revoked by id
    const revoked = await ec2().send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: app,
        SecurityGroupRuleIds: [SecurityGroupRules?.[0]?.SecurityGroupRuleId ?? ''],
      }),
    );
    await ec2().send(new DeleteSecurityGroupCommand({ GroupId: lb }));

    // THEN lb is gone
    expect(revoked.Return).toBe(true);
    expect(fake().ec2.securityGroups.has(lb)).toBe(false);
  });

  it('refuses to delete a group a network interface uses (e.g. a lingering load balancer interface)', async () => {
    // GIVEN a group used by an interface the tool did not create
    const lb = await createGroup('lb');
    const { Subnet } = await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.0.0/24' }));
    const eni = fake().ec2.addNetworkInterface({
      subnetId: Subnet?.SubnetId ?? '',
      groupIds: [lb],
      interfaceType: 'interface',
      requesterManaged: true,
      description: 'ELB gitlab',
    });

    // WHEN the group is deleted while the interface lingers, and again after it went away
    const whileUsed = ec2().send(new DeleteSecurityGroupCommand({ GroupId: lb }));
    const { NetworkInterfaces } = await ec2().send(
      new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'group-id', Values: [lb] }] }),
    );
    await expect(whileUsed).rejects.toMatchObject({ name: 'DependencyViolation' });
    fake().ec2.removeNetworkInterface(eni.id);
    await ec2().send(new DeleteSecurityGroupCommand({ GroupId: lb }));

    // THEN the interface was visible by its group, and the group is gone now
    expect(NetworkInterfaces?.map((n) => n.NetworkInterfaceId)).toEqual([eni.id]);
    expect(fake().ec2.securityGroups.has(lb)).toBe(false);
  });

  it('reports revoked permissions that match no rule instead of failing', async () => {
    // GIVEN a group without ingress rules
    const lb = await createGroup('lb');

    // WHEN a permission it does not have is revoked
    const result = await ec2().send(
      new RevokeSecurityGroupIngressCommand({ GroupId: lb, IpPermissions: [https('0.0.0.0/0')] }),
    );

    // THEN AWS's answer: nothing revoked, the permission reported unknown
    expect(result.RevokedSecurityGroupRules).toEqual([]);
    expect(result.UnknownIpPermissions).toEqual([https('0.0.0.0/0')]);
  });
});
