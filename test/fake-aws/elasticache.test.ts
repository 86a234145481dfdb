import { CreateSubnetCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import {
  AddTagsToResourceCommand,
  CreateCacheSubnetGroupCommand,
  CreateReplicationGroupCommand,
  DeleteCacheSubnetGroupCommand,
  DeleteReplicationGroupCommand,
  DescribeCacheClustersCommand,
  DescribeCacheSubnetGroupsCommand,
  DescribeReplicationGroupsCommand,
  DescribeSnapshotsCommand,
  ListTagsForResourceCommand,
  ReplicationGroupAlreadyExistsFault,
  ReplicationGroupNotFoundFault,
  waitUntilReplicationGroupAvailable,
  waitUntilReplicationGroupDeleted,
} from '@aws-sdk/client-elasticache';
import type { CreateReplicationGroupCommandInput, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { describe, expect, it } from 'vitest';
import { awsErrorCode } from '../../src/aws/errors.js';
import { regionShortName } from '../support/fake-aws/services/elasticache/index.js';
import { useFakeAws } from './helpers.js';

const { fake, aws, ec2 } = useFakeAws();
const cache = (): ElastiCacheClient => aws().elasticache;

/** Waiter timing in seconds: milliseconds here, so polls are counted, not waited for. */
const FAST_WAIT = { minDelay: 0.001, maxDelay: 0.002, maxWaitTime: 5 };
const TOKEN = 'Sup3rSecretAuthTokenValue0123456789';
const TAGS = [
  { Key: 'gitlab-ha:deployment', Value: 'demo' },
  { Key: 'gitlab-ha:resource', Value: 'redis/replication-group' },
];

/** A VPC with one subnet in each of eu-west-1a and eu-west-1b, and a cache subnet group over them. */
async function subnetGroup(name = 'demo-redis'): Promise<string[]> {
  const { Vpc } = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const subnetIds: string[] = [];
  for (const [i, az] of ['eu-west-1a', 'eu-west-1b'].entries()) {
    const { Subnet } = await ec2().send(
      new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: `10.0.${10 + i}.0/24`, AvailabilityZone: az }),
    );
    subnetIds.push(Subnet!.SubnetId!);
  }
  await cache().send(
    new CreateCacheSubnetGroupCommand({
      CacheSubnetGroupName: name,
      CacheSubnetGroupDescription: 'private subnets',
      SubnetIds: subnetIds,
      Tags: [{ Key: 'gitlab-ha:deployment', Value: 'demo' }],
    }),
  );
  return subnetIds;
}

function groupInput(
  overrides: Partial<CreateReplicationGroupCommandInput> = {},
): CreateReplicationGroupCommandInput {
  return {
    ReplicationGroupId: 'demo-redis',
    ReplicationGroupDescription: 'Redis for GitLab',
    Engine: 'redis',
    EngineVersion: '7.1',
    CacheNodeType: 'cache.m6g.large',
    NumCacheClusters: 2,
    PreferredCacheClusterAZs: ['eu-west-1a', 'eu-west-1b'],
    AutomaticFailoverEnabled: true,
    MultiAZEnabled: true,
    AtRestEncryptionEnabled: true,
    TransitEncryptionEnabled: true,
    AuthToken: TOKEN,
    CacheSubnetGroupName: 'demo-redis',
    SecurityGroupIds: ['sg-0123456789abcdef0'],
    Port: 6379,
    SnapshotRetentionLimit: 1,
    Tags: TAGS,
    ...overrides,
  };
}

async function availableGroup(overrides: Partial<CreateReplicationGroupCommandInput> = {}): Promise<void> {
  await cache().send(new CreateReplicationGroupCommand(groupInput(overrides)));
  await waitUntilReplicationGroupAvailable(
    { client: cache(), ...FAST_WAIT },
    { ReplicationGroupId: overrides.ReplicationGroupId ?? 'demo-redis' },
  );
}

function describeGroupCalls(): number {
  return fake()
    .calls()
    .filter((c) => c.command === 'DescribeReplicationGroups').length;
}

const RG_ARN = 'arn:aws:elasticache:eu-west-1:123456789012:replicationgroup:demo-redis';

describe('fake ElastiCache: cache subnet groups', () => {
  it('creates a group over EC2 subnets, showing their zones, and refuses a second with the same name', async () => {
    // GIVEN two subnets in two zones
    // WHEN a subnet group is made over them, described, and made again
    const subnetIds = await subnetGroup();
    const { CacheSubnetGroups } = await cache().send(
      new DescribeCacheSubnetGroupsCommand({ CacheSubnetGroupName: 'demo-redis' }),
    );
    const again = cache().send(
      new CreateCacheSubnetGroupCommand({
        CacheSubnetGroupName: 'demo-redis',
        CacheSubnetGroupDescription: 'again',
        SubnetIds: subnetIds,
      }),
    );

    // THEN it spans both subnets with their zones, in their VPC, with its ARN
    expect(CacheSubnetGroups?.[0]).toMatchObject({
      CacheSubnetGroupName: 'demo-redis',
      CacheSubnetGroupDescription: 'private subnets',
      VpcId: fake().ec2.subnets.get(subnetIds[0]!)!.vpcId,
      ARN: 'arn:aws:elasticache:eu-west-1:123456789012:subnetgroup:demo-redis',
      Subnets: [
        { SubnetIdentifier: subnetIds[0], SubnetAvailabilityZone: { Name: 'eu-west-1a' } },
        { SubnetIdentifier: subnetIds[1], SubnetAvailabilityZone: { Name: 'eu-west-1b' } },
      ],
    });
    // AND the duplicate fails as the SDK deserializes it: class name, and the wire code in Code
    await expect(again).rejects.toMatchObject({
      name: 'CacheSubnetGroupAlreadyExistsFault',
      Code: 'CacheSubnetGroupAlreadyExists',
    });
  });

  it('refuses unknown subnets and subnets of two VPCs', async () => {
    // GIVEN subnets in two VPCs
    const subnetIds = await subnetGroup();
    const { Vpc } = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }));
    const { Subnet } = await ec2().send(
      new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: '10.1.0.0/24' }),
    );
    const create = (name: string, ids: string[]) =>
      cache().send(
        new CreateCacheSubnetGroupCommand({
          CacheSubnetGroupName: name,
          CacheSubnetGroupDescription: 'x',
          SubnetIds: ids,
        }),
      );

    // WHEN groups are made over a missing subnet, and over both VPCs
    // THEN AWS's errors come back
    await expect(create('missing', ['subnet-0000000000000000a'])).rejects.toMatchObject({
      name: 'InvalidSubnet',
      message: 'The subnet ID subnet-0000000000000000a does not exist',
    });
    await expect(create('mixed', [subnetIds[0]!, Subnet!.SubnetId!])).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      Code: 'InvalidParameterValue',
    });
  });

  it('refuses to delete a group a replication group uses, and deletes it once that is gone', async () => {
    // GIVEN a replication group in the subnet group, deleted with zero-poll latency
    fake().latency = { ...fake().latency, cacheCreate: 0, cacheDelete: 0 };
    await subnetGroup();
    await cache().send(new CreateReplicationGroupCommand(groupInput()));
    const remove = () =>
      cache().send(new DeleteCacheSubnetGroupCommand({ CacheSubnetGroupName: 'demo-redis' }));

    // WHEN the subnet group is deleted before and after the replication group
    const inUse = remove();
    await expect(inUse).rejects.toMatchObject({
      name: 'CacheSubnetGroupInUse',
      Code: 'CacheSubnetGroupInUse',
    });
    await cache().send(new DeleteReplicationGroupCommand({ ReplicationGroupId: 'demo-redis' }));
    await remove();

    // THEN it is gone, and a second delete is NotFound
    expect(fake().elasticache.subnetGroups.size).toBe(0);
    await expect(remove()).rejects.toMatchObject({ name: 'CacheSubnetGroupNotFoundFault' });
  });
});

describe('fake ElastiCache: replication groups', () => {
  it('stays creating for cacheCreate polls without endpoints, then the SDK waiter sees it available', async () => {
    // GIVEN a subnet group and a group needing three polls
    fake().latency.cacheCreate = 3;
    await subnetGroup();
    const created = await cache().send(new CreateReplicationGroupCommand(groupInput()));

    // WHEN it is described once, then waited for by the SDK's waiter
    const first = await cache().send(
      new DescribeReplicationGroupsCommand({ ReplicationGroupId: 'demo-redis' }),
    );
    const result = await waitUntilReplicationGroupAvailable(
      { client: cache(), ...FAST_WAIT },
      { ReplicationGroupId: 'demo-redis' },
    );

    // THEN it was creating without endpoints, and available on the third describe
    expect(created.ReplicationGroup).toMatchObject({ Status: 'creating', AutomaticFailover: 'enabling' });
    expect(first.ReplicationGroups?.[0]?.NodeGroups?.[0]?.PrimaryEndpoint).toBeUndefined();
    expect(result.state).toBe('SUCCESS');
    expect(describeGroupCalls()).toBe(3);
  });

  it('describes an available group with its endpoints, members in their zones, and flags, never the token', async () => {
    // GIVEN an available group made with an AUTH token
    await subnetGroup();
    await availableGroup();

    // WHEN it and its member clusters are described
    const { ReplicationGroups } = await cache().send(
      new DescribeReplicationGroupsCommand({ ReplicationGroupId: 'demo-redis' }),
    );
    const { CacheClusters } = await cache().send(new DescribeCacheClustersCommand({}));
    const group = ReplicationGroups?.[0];

    // THEN the endpoints follow AWS's naming, the primary is in the first zone and the replica in the second
    const label = fake().elasticache.replicationGroups.get('demo-redis')!.dnsLabel;
    expect(label).toMatch(/^[0-9a-f]{6}$/);
    expect(group).toMatchObject({
      ReplicationGroupId: 'demo-redis',
      Status: 'available',
      MemberClusters: ['demo-redis-001', 'demo-redis-002'],
      ClusterEnabled: false,
      AutomaticFailover: 'enabled',
      MultiAZ: 'enabled',
      AtRestEncryptionEnabled: true,
      TransitEncryptionEnabled: true,
      AuthTokenEnabled: true,
      CacheNodeType: 'cache.m6g.large',
      SnapshotRetentionLimit: 1,
      ARN: RG_ARN,
      NodeGroups: [
        {
          NodeGroupId: '0001',
          PrimaryEndpoint: { Address: `master.demo-redis.${label}.euw1.cache.amazonaws.com`, Port: 6379 },
          ReaderEndpoint: { Address: `replica.demo-redis.${label}.euw1.cache.amazonaws.com`, Port: 6379 },
          NodeGroupMembers: [
            {
              CacheClusterId: 'demo-redis-001',
              PreferredAvailabilityZone: 'eu-west-1a',
              CurrentRole: 'primary',
            },
            {
              CacheClusterId: 'demo-redis-002',
              PreferredAvailabilityZone: 'eu-west-1b',
              CurrentRole: 'replica',
            },
          ],
        },
      ],
    });
    // AND the member clusters report the full engine version and their zones
    expect(
      CacheClusters?.map((c) => [c.CacheClusterId, c.PreferredAvailabilityZone, c.EngineVersion]),
    ).toEqual([
      ['demo-redis-001', 'eu-west-1a', '7.1.0'],
      ['demo-redis-002', 'eu-west-1b', '7.1.0'],
    ]);
    // AND the token is in no answer and not kept by the fake
    expect(JSON.stringify([ReplicationGroups, CacheClusters])).not.toContain(TOKEN);
    expect(JSON.stringify(fake().elasticache.replicationGroups.get('demo-redis'))).not.toContain(TOKEN);
  });

  it.each<[string, Partial<CreateReplicationGroupCommandInput>, string, RegExp]>([
    [
      'automatic failover with a single node',
      { NumCacheClusters: 1, PreferredCacheClusterAZs: ['eu-west-1a'] },
      'InvalidParameterCombinationException',
      /at least 2 cache clusters/,
    ],
    [
      'Multi-AZ without automatic failover',
      { AutomaticFailoverEnabled: false },
      'InvalidParameterCombinationException',
      /Multi-AZ/,
    ],
    [
      'an AUTH token without in-transit encryption',
      { TransitEncryptionEnabled: false },
      'InvalidParameterCombinationException',
      /TransitEncryptionEnabled/,
    ],
    [
      'an AUTH token with an @',
      { AuthToken: 'abcdefghijklmnop@q' },
      'InvalidParameterValueException',
      /AUTH token/,
    ],
    [
      'a zone the subnet group does not cover',
      { PreferredCacheClusterAZs: ['eu-west-1a', 'eu-west-1c'] },
      'InvalidParameterValueException',
      /no subnet in eu-west-1c/,
    ],
    [
      'fewer zones than nodes',
      { PreferredCacheClusterAZs: ['eu-west-1a'] },
      'InvalidParameterValueException',
      /must match NumCacheClusters/,
    ],
    ['an unknown subnet group', { CacheSubnetGroupName: 'nope' }, 'CacheSubnetGroupNotFoundFault', /nope/],
  ])('refuses %s, as AWS does', async (_case, overrides, name, message) => {
    // GIVEN a subnet group in two zones
    await subnetGroup();

    // WHEN a group is created with the invalid combination
    const outcome = cache().send(new CreateReplicationGroupCommand(groupInput(overrides)));

    // THEN it fails with AWS's error, nothing is created, and the token is not echoed
    await expect(outcome).rejects.toMatchObject({ name, message: expect.stringMatching(message) as unknown });
    await expect(outcome).rejects.not.toThrow('abcdefghijklmnop@q');
    expect(fake().elasticache.replicationGroups.size).toBe(0);
  });

  it('refuses a second group with the same id, as the SDK deserializes that error', async () => {
    // GIVEN a group
    await subnetGroup();
    await cache().send(new CreateReplicationGroupCommand(groupInput()));

    // WHEN the same id is created again
    const again = cache().send(new CreateReplicationGroupCommand(groupInput({ Tags: [] })));

    // THEN it is the SDK's exception class, whose wire code the tool reads
    const error: unknown = await again.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplicationGroupAlreadyExistsFault);
    expect(error).toMatchObject({ name: 'ReplicationGroupAlreadyExistsFault', $fault: 'client' });
    expect(awsErrorCode(error)).toBe('ReplicationGroupAlreadyExists');
    expect(fake().elasticache.replicationGroups.size).toBe(1);
  });

  it('deletes only an available group: deleting, then gone, with a tagged final snapshot on request', async () => {
    // GIVEN a creating group that the SDK waiter then sees available
    fake().latency = { ...fake().latency, cacheDelete: 2, cacheSnapshot: 2 };
    await subnetGroup();
    await cache().send(new CreateReplicationGroupCommand(groupInput()));
    const tooEarly = cache().send(new DeleteReplicationGroupCommand({ ReplicationGroupId: 'demo-redis' }));
    await expect(tooEarly).rejects.toMatchObject({
      name: 'InvalidReplicationGroupStateFault',
      Code: 'InvalidReplicationGroupState',
    });
    await waitUntilReplicationGroupAvailable(
      { client: cache(), ...FAST_WAIT },
      { ReplicationGroupId: 'demo-redis' },
    );

    // WHEN it is deleted with a final snapshot and the SDK waiter waits for it to go
    const deleted = await cache().send(
      new DeleteReplicationGroupCommand({
        ReplicationGroupId: 'demo-redis',
        RetainPrimaryCluster: false,
        FinalSnapshotIdentifier: 'demo-redis-final-20240601-120000',
      }),
    );
    const result = await waitUntilReplicationGroupDeleted(
      { client: cache(), ...FAST_WAIT },
      { ReplicationGroupId: 'demo-redis' },
    );

    // THEN it went deleting -> gone (NotFound from then on)
    expect(deleted.ReplicationGroup?.Status).toBe('deleting');
    expect(result.state).toBe('SUCCESS');
    await expect(
      cache().send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: 'demo-redis' })),
    ).rejects.toBeInstanceOf(ReplicationGroupNotFoundFault);
    // AND the snapshot is creating, then available, carrying the group's tags
    const poll = () => cache().send(new DescribeSnapshotsCommand({ ReplicationGroupId: 'demo-redis' }));
    const states = [
      (await poll()).Snapshots?.[0]?.SnapshotStatus,
      (await poll()).Snapshots?.[0]?.SnapshotStatus,
    ];
    expect(states).toEqual(['creating', 'available']);
    const snapshotArn =
      'arn:aws:elasticache:eu-west-1:123456789012:snapshot:demo-redis-final-20240601-120000';
    const tags = await cache().send(new ListTagsForResourceCommand({ ResourceName: snapshotArn }));
    expect(tags.TagList).toEqual(TAGS);
    // AND the snapshot and the subnet group are all that is still tagged for the deployment
    expect(
      fake()
        .taggedResources('demo')
        .map((r) => r.arn),
    ).toEqual(['arn:aws:elasticache:eu-west-1:123456789012:subnetgroup:demo-redis', snapshotArn]);
  });
});

describe('fake ElastiCache: tags', () => {
  it('lists a replication group’s tags only once it is available, and adds tags', async () => {
    // GIVEN a creating group
    await subnetGroup();
    await cache().send(new CreateReplicationGroupCommand(groupInput()));
    const list = () => cache().send(new ListTagsForResourceCommand({ ResourceName: RG_ARN }));

    // WHEN its tags are listed while it is creating, then once it is available, then added to
    const early = list();
    await expect(early).rejects.toMatchObject({ name: 'InvalidReplicationGroupStateFault' });
    await waitUntilReplicationGroupAvailable(
      { client: cache(), ...FAST_WAIT },
      { ReplicationGroupId: 'demo-redis' },
    );
    const listed = await list();
    await cache().send(
      new AddTagsToResourceCommand({ ResourceName: RG_ARN, Tags: [{ Key: 'team', Value: 'platform' }] }),
    );

    // THEN the creation's tags come back, then with the added one
    expect(listed.TagList).toEqual(TAGS);
    expect((await list()).TagList).toEqual([...TAGS, { Key: 'team', Value: 'platform' }]);
  });

  it('refuses a malformed ARN', async () => {
    // WHEN tags of something that is no ElastiCache ARN are asked for
    const outcome = cache().send(new ListTagsForResourceCommand({ ResourceName: 'demo-redis' }));

    // THEN it is InvalidARN
    await expect(outcome).rejects.toMatchObject({ name: 'InvalidARNFault', Code: 'InvalidARN' });
  });

  it('shows its resources to the Tagging API by type, except those it has not caught up with', async () => {
    // GIVEN a subnet group and a replication group, tagged
    await subnetGroup();
    await cache().send(new CreateReplicationGroupCommand(groupInput()));
    const find = () =>
      aws().tagging.send(
        new GetResourcesCommand({
          TagFilters: [{ Key: 'gitlab-ha:deployment', Values: ['demo'] }],
          ResourceTypeFilters: ['elasticache:replicationgroup'],
        }),
      );

    // WHEN replication groups are asked for, before and while the Tagging API lags behind
    const listed = await find();
    fake().elasticache.notYetInTaggingApi.add(RG_ARN);
    const lagging = await find();

    // THEN the group is listed with its tags, then not
    expect(listed.ResourceTagMappingList).toEqual([{ ResourceARN: RG_ARN, Tags: TAGS }]);
    expect(lagging.ResourceTagMappingList).toEqual([]);
  });
});

describe('fake ElastiCache: host names', () => {
  it('shortens regions the way ElastiCache endpoints do', () => {
    // WHEN regions are shortened
    // THEN direction words become letters
    expect(
      ['eu-west-1', 'us-east-1', 'ap-southeast-2', 'ca-central-1', 'ap-northeast-3'].map(regionShortName),
    ).toEqual(['euw1', 'use1', 'apse2', 'cac1', 'apne3']);
  });
});
