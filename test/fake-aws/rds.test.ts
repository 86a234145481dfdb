import { CreateSubnetCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import {
  AddTagsToResourceCommand,
  CreateDBInstanceCommand,
  CreateDBSubnetGroupCommand,
  DeleteDBInstanceCommand,
  DeleteDBSubnetGroupCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribeDBSubnetGroupsCommand,
  ListTagsForResourceCommand,
  ModifyDBInstanceCommand,
  waitUntilDBInstanceAvailable,
  waitUntilDBInstanceDeleted,
} from '@aws-sdk/client-rds';
import type { CreateDBInstanceCommandInput, RDSClient } from '@aws-sdk/client-rds';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { describe, expect, it } from 'vitest';
import { awsErrorCode, isNotFound } from '../../src/aws/errors.js';
import { useFakeAws } from './helpers.js';

const { fake, aws, ec2 } = useFakeAws();
const rds = (): RDSClient => aws().rds;

/** Waiter timing in seconds: milliseconds here, so polls are counted, not waited for. */
const FAST_WAIT = { minDelay: 0.001, maxDelay: 0.002, maxWaitTime: 5 };
const PASSWORD = 'Sup3rSecretPassw0rd';
const ACCOUNT_REGION = 'eu-west-1:123456789012';

/** A VPC with one subnet in each of eu-west-1a and eu-west-1b (and a second one in 1a). */
async function subnets(): Promise<{ vpcId: string; a: string; b: string; a2: string }> {
  const { Vpc } = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const vpcId = Vpc!.VpcId!;
  const subnet = async (cidr: string, az: string) =>
    (await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: az })))
      .Subnet!.SubnetId!;
  return {
    vpcId,
    a: await subnet('10.0.10.0/24', 'eu-west-1a'),
    b: await subnet('10.0.11.0/24', 'eu-west-1b'),
    a2: await subnet('10.0.12.0/24', 'eu-west-1a'),
  };
}

async function subnetGroup(name = 'demo-db'): Promise<string> {
  const { a, b } = await subnets();
  await rds().send(
    new CreateDBSubnetGroupCommand({
      DBSubnetGroupName: name,
      DBSubnetGroupDescription: 'private subnets',
      SubnetIds: [a, b],
      Tags: [{ Key: 'gitlab-ha:deployment', Value: 'demo' }],
    }),
  );
  return name;
}

function instanceInput(overrides: Partial<CreateDBInstanceCommandInput> = {}): CreateDBInstanceCommandInput {
  return {
    DBInstanceIdentifier: 'demo-db',
    Engine: 'postgres',
    EngineVersion: '16',
    DBInstanceClass: 'db.m6i.large',
    MultiAZ: true,
    AllocatedStorage: 100,
    StorageType: 'io1',
    Iops: 1000,
    StorageEncrypted: true,
    PubliclyAccessible: false,
    VpcSecurityGroupIds: ['sg-0123456789abcdef0'],
    DBSubnetGroupName: 'demo-db',
    DBName: 'gitlabhq_production',
    MasterUsername: 'gitlab',
    MasterUserPassword: PASSWORD,
    BackupRetentionPeriod: 7,
    CopyTagsToSnapshot: true,
    Tags: [{ Key: 'gitlab-ha:deployment', Value: 'demo' }],
    ...overrides,
  };
}

async function status(id = 'demo-db'): Promise<string | undefined> {
  return (await rds().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances?.[0]
    ?.DBInstanceStatus;
}

async function availableInstance(overrides: Partial<CreateDBInstanceCommandInput> = {}): Promise<void> {
  await subnetGroup();
  await rds().send(new CreateDBInstanceCommand(instanceInput(overrides)));
  await waitUntilDBInstanceAvailable({ client: rds(), ...FAST_WAIT }, { DBInstanceIdentifier: 'demo-db' });
}

describe('fake RDS: DB subnet groups', () => {
  it('creates a group over subnets of two AZs and describes it with its VPC and zones', async () => {
    // GIVEN subnets in two AZs
    const { vpcId, a, b } = await subnets();

    // WHEN a subnet group is created over them (its name in mixed case)
    const created = await rds().send(
      new CreateDBSubnetGroupCommand({
        DBSubnetGroupName: 'Demo-DB',
        DBSubnetGroupDescription: 'private subnets',
        SubnetIds: [a, b],
        Tags: [{ Key: 'team', Value: 'platform' }],
      }),
    );
    const described = await rds().send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: 'demo-db' }));

    // THEN RDS keeps the name in lower case, with the VPC, the subnets and their zones
    expect(created.DBSubnetGroup).toEqual(described.DBSubnetGroups![0]);
    expect(described.DBSubnetGroups).toEqual([
      {
        DBSubnetGroupName: 'demo-db',
        DBSubnetGroupDescription: 'private subnets',
        VpcId: vpcId,
        SubnetGroupStatus: 'Complete',
        Subnets: [
          { SubnetIdentifier: a, SubnetAvailabilityZone: { Name: 'eu-west-1a' }, SubnetStatus: 'Active' },
          { SubnetIdentifier: b, SubnetAvailabilityZone: { Name: 'eu-west-1b' }, SubnetStatus: 'Active' },
        ],
        DBSubnetGroupArn: `arn:aws:rds:${ACCOUNT_REGION}:subgrp:demo-db`,
        SupportedNetworkTypes: ['IPV4'],
      },
    ]);
    // AND its tags are read by ARN
    const tags = await rds().send(
      new ListTagsForResourceCommand({ ResourceName: `arn:aws:rds:${ACCOUNT_REGION}:subgrp:demo-db` }),
    );
    expect(tags.TagList).toEqual([{ Key: 'team', Value: 'platform' }]);
  });

  it('refuses unknown subnets, a single AZ, and a name already taken', async () => {
    // GIVEN subnets, two of them in the same AZ, and an existing group
    const { a, a2, b } = await subnets();
    await subnetGroup('taken');
    const create = (name: string, ids: string[]) =>
      rds().send(
        new CreateDBSubnetGroupCommand({
          DBSubnetGroupName: name,
          DBSubnetGroupDescription: 'x',
          SubnetIds: ids,
        }),
      );

    // WHEN groups are created over a missing subnet, over one AZ, and under the taken name
    // THEN each fails as RDS does
    await expect(create('g1', [a, 'subnet-0000000000000000f'])).rejects.toMatchObject({
      name: 'InvalidSubnet',
      Code: 'InvalidSubnet',
      message: 'Some input subnets in :[subnet-0000000000000000f] are invalid.',
    });
    await expect(create('g2', [a, a2])).rejects.toMatchObject({
      name: 'DBSubnetGroupDoesNotCoverEnoughAZs',
      message: expect.stringContaining(
        'Current AZ coverage: eu-west-1a. Add subnets to cover at least 2 AZs.',
      ) as unknown,
    });
    await expect(create('taken', [a, b])).rejects.toMatchObject({
      name: 'DBSubnetGroupAlreadyExistsFault',
      Code: 'DBSubnetGroupAlreadyExists',
    });
    expect([...fake().rds.subnetGroups.keys()]).toEqual(['taken']);
  });

  it('says a missing group is not found, with the code the SDK reports', async () => {
    // GIVEN no subnet group
    // WHEN one is described and deleted
    const describe = rds().send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: 'nope' }));
    const remove = rds().send(new DeleteDBSubnetGroupCommand({ DBSubnetGroupName: 'nope' }));

    // THEN both fail with DBSubnetGroupNotFoundFault (HTTP 404), which the tool treats as gone
    await expect(describe).rejects.toMatchObject({
      name: 'DBSubnetGroupNotFoundFault',
      Code: 'DBSubnetGroupNotFoundFault',
      $metadata: { httpStatusCode: 404 },
    });
    const error: unknown = await remove.catch((e: unknown) => e);
    expect(isNotFound(error)).toBe(true);
  });
});

describe('fake RDS: DB instances', () => {
  it('moves a new instance from creating through backing-up to available, with an endpoint', async () => {
    // GIVEN a subnet group and the default latency (3 polls)
    await subnetGroup();

    // WHEN an instance is created and polled three times
    const created = await rds().send(new CreateDBInstanceCommand(instanceInput()));
    const seen = [await status(), await status(), await status()];

    // THEN it was creating, then backing-up, then available
    expect(created.DBInstance?.DBInstanceStatus).toBe('creating');
    expect(created.DBInstance?.Endpoint).toBeUndefined();
    expect(seen).toEqual(['creating', 'backing-up', 'available']);
    // AND it describes what was asked for, with the minor version RDS picked and its endpoint
    const db = (await rds().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'demo-db' })))
      .DBInstances![0]!;
    expect(db).toMatchObject({
      DBInstanceIdentifier: 'demo-db',
      Engine: 'postgres',
      EngineVersion: '16.6',
      DBInstanceClass: 'db.m6i.large',
      MultiAZ: true,
      AvailabilityZone: 'eu-west-1a',
      SecondaryAvailabilityZone: 'eu-west-1b',
      AllocatedStorage: 100,
      StorageType: 'io1',
      Iops: 1000,
      StorageEncrypted: true,
      PubliclyAccessible: false,
      VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0123456789abcdef0', Status: 'active' }],
      DBSubnetGroup: { DBSubnetGroupName: 'demo-db' },
      DBName: 'gitlabhq_production',
      MasterUsername: 'gitlab',
      BackupRetentionPeriod: 7,
      DeletionProtection: false,
      CopyTagsToSnapshot: true,
      AutoMinorVersionUpgrade: true,
      Endpoint: { Address: 'demo-db.abcdefghijkl.eu-west-1.rds.amazonaws.com', Port: 5432 },
      DBInstanceArn: `arn:aws:rds:${ACCOUNT_REGION}:db:demo-db`,
      TagList: [{ Key: 'gitlab-ha:deployment', Value: 'demo' }],
    });
    // AND the password was kept but is in no answer
    expect(fake().rds.instance('demo-db').masterUserPassword).toBe(PASSWORD);
    const answers = fake()
      .mock('rds')
      .calls()
      .map((call) => call.returnValue as Promise<unknown>);
    const seenByClient = JSON.stringify(await Promise.all(answers));
    expect(seenByClient).toContain('"MasterUsername":"gitlab"');
    expect(seenByClient).not.toContain(PASSWORD);
  });

  it('works with the SDK waiters for available and deleted', async () => {
    // GIVEN an instance being created
    await subnetGroup();
    await rds().send(new CreateDBInstanceCommand(instanceInput()));

    // WHEN the SDK waits until it is available, deletes it, and waits until it is deleted
    const available = await waitUntilDBInstanceAvailable(
      { client: rds(), ...FAST_WAIT },
      { DBInstanceIdentifier: 'demo-db' },
    );
    await rds().send(
      new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'demo-db', SkipFinalSnapshot: true }),
    );
    const deleted = await waitUntilDBInstanceDeleted(
      { client: rds(), ...FAST_WAIT },
      { DBInstanceIdentifier: 'demo-db' },
    );

    // THEN both waits succeed and the instance is gone
    expect(available.state).toBe('SUCCESS');
    expect(deleted.state).toBe('SUCCESS');
    expect(fake().rds.instances.size).toBe(0);
  });

  it('answers a missing instance with DBInstanceNotFoundFault carrying the wire code DBInstanceNotFound', async () => {
    // GIVEN no instance
    // WHEN it is described
    const error: unknown = await rds()
      .send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'ghost' }))
      .catch((e: unknown) => e);

    // THEN the error looks as the SDK deserializes it, and the tool reads it as "gone"
    expect(error).toMatchObject({
      name: 'DBInstanceNotFoundFault',
      Code: 'DBInstanceNotFound',
      $fault: 'client',
      $metadata: { httpStatusCode: 404 },
      message: 'DBInstance ghost not found.',
    });
    expect(awsErrorCode(error)).toBe('DBInstanceNotFound');
    expect(isNotFound(error)).toBe(true);
  });

  it('refuses a duplicate identifier, io1 without IOPS, a bad password and an unknown subnet group', async () => {
    // GIVEN an existing instance
    await availableInstance();
    const create = (overrides: Partial<CreateDBInstanceCommandInput>) =>
      rds().send(new CreateDBInstanceCommand(instanceInput(overrides)));

    // WHEN instances are created with each problem
    // THEN each is refused as RDS does
    await expect(create({})).rejects.toMatchObject({
      name: 'DBInstanceAlreadyExistsFault',
      Code: 'DBInstanceAlreadyExists',
    });
    await expect(create({ DBInstanceIdentifier: 'other', Iops: undefined })).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
      message: 'You must specify an Iops value for storage type io1.',
    });
    await expect(
      create({ DBInstanceIdentifier: 'other', MasterUserPassword: 'has@sign1' }),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('MasterUserPassword is not a valid password') as unknown,
    });
    await expect(create({ DBInstanceIdentifier: 'other', DBSubnetGroupName: 'nope' })).rejects.toMatchObject({
      name: 'DBSubnetGroupNotFoundFault',
    });
    await expect(create({ DBInstanceIdentifier: 'bad--name' })).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
    expect([...fake().rds.instances.keys()]).toEqual(['demo-db']);
  });

  it('modifies an available instance at once (modifying, then available) or leaves changes pending', async () => {
    // GIVEN an available instance
    await availableInstance();

    // WHEN deletion protection and backups change at once, then Multi-AZ without ApplyImmediately
    const modified = await rds().send(
      new ModifyDBInstanceCommand({
        DBInstanceIdentifier: 'demo-db',
        DeletionProtection: true,
        BackupRetentionPeriod: 14,
        ApplyImmediately: true,
      }),
    );
    const busy = rds().send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'demo-db', MultiAZ: false }));

    // THEN the first applies at once and the instance is modifying, refusing the second meanwhile
    expect(modified.DBInstance).toMatchObject({
      DBInstanceStatus: 'modifying',
      DeletionProtection: true,
      BackupRetentionPeriod: 14,
    });
    await expect(busy).rejects.toMatchObject({
      name: 'InvalidDBInstanceStateFault',
      Code: 'InvalidDBInstanceState',
    });

    // WHEN it is available again and the Multi-AZ change is sent without ApplyImmediately
    expect(await status()).toBe('available');
    const pending = await rds().send(
      new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'demo-db', MultiAZ: false }),
    );

    // THEN the change waits for the maintenance window, visible in PendingModifiedValues
    expect(pending.DBInstance).toMatchObject({
      DBInstanceStatus: 'available',
      MultiAZ: true,
      PendingModifiedValues: { MultiAZ: false },
    });
    // AND a major version upgrade needs AllowMajorVersionUpgrade
    await expect(
      rds().send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'demo-db', EngineVersion: '17' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterCombination' });
  });
});

describe('fake RDS: deleting instances', () => {
  it('refuses to delete a protected instance, with the message RDS gives', async () => {
    // GIVEN an available instance with deletion protection
    await availableInstance({ DeletionProtection: true });

    // WHEN it is deleted
    const outcome = rds().send(
      new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'demo-db', SkipFinalSnapshot: true }),
    );

    // THEN RDS refuses and the instance stays available
    await expect(outcome).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
      message: 'Cannot delete protected DB Instance, please disable deletion protection and try again.',
    });
    expect(fake().rds.instance('demo-db').state).toBe('available');
  });

  it('takes a tagged final snapshot, keeps automated backups on request, and is gone after its polls', async () => {
    // GIVEN an available instance copying its tags to snapshots, and 2 polls to delete
    await availableInstance();

    // WHEN it is deleted with a final snapshot, keeping automated backups
    const deleted = await rds().send(
      new DeleteDBInstanceCommand({
        DBInstanceIdentifier: 'demo-db',
        FinalDBSnapshotIdentifier: 'demo-final-20240601-120000',
        DeleteAutomatedBackups: false,
      }),
    );

    // THEN it is deleting for one poll and gone on the second
    expect(deleted.DBInstance?.DBInstanceStatus).toBe('deleting');
    expect(await status()).toBe('deleting');
    await expect(status()).rejects.toMatchObject({ name: 'DBInstanceNotFoundFault' });
    // AND the final snapshot carries the instance's tags and becomes available over its polls
    const snapshots = async () =>
      (
        await rds().send(
          new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: 'demo-db', SnapshotType: 'manual' }),
        )
      ).DBSnapshots ?? [];
    expect((await snapshots()).map((s) => [s.DBSnapshotIdentifier, s.Status, s.Encrypted])).toEqual([
      ['demo-final-20240601-120000', 'creating', true],
    ]);
    expect((await snapshots())[0]).toMatchObject({
      Status: 'available',
      DBSnapshotArn: `arn:aws:rds:${ACCOUNT_REGION}:snapshot:demo-final-20240601-120000`,
      TagList: [{ Key: 'gitlab-ha:deployment', Value: 'demo' }],
    });
    // AND the automated backups are kept for their retention period
    expect(fake().rds.retainedBackups.map((b) => [b.instanceId, b.backupRetentionPeriod])).toEqual([
      ['demo-db', 7],
    ]);
  });

  it('needs a final snapshot name unless told to skip it, and refuses an invalid one', async () => {
    // GIVEN an available instance
    await availableInstance();
    const remove = (input: { FinalDBSnapshotIdentifier?: string; SkipFinalSnapshot?: boolean }) =>
      rds().send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'demo-db', ...input }));

    // WHEN deleted with neither, with both, and with an invalid name
    // THEN each is refused and the instance stays
    await expect(remove({})).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
      message: 'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.',
    });
    await expect(remove({ SkipFinalSnapshot: true, FinalDBSnapshotIdentifier: 'x' })).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
    });
    await expect(remove({ FinalDBSnapshotIdentifier: '1-starts-with-digit' })).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
    expect(fake().rds.instance('demo-db').state).toBe('available');
    expect(fake().rds.snapshots.size).toBe(0);
  });

  it('keeps a subnet group while an instance uses it, and deletes it once the instance is gone', async () => {
    // GIVEN an instance being deleted from its subnet group
    await availableInstance();
    await rds().send(
      new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'demo-db', SkipFinalSnapshot: true }),
    );

    // WHEN the group is deleted while the instance is still deleting
    const early = rds().send(new DeleteDBSubnetGroupCommand({ DBSubnetGroupName: 'demo-db' }));

    // THEN it is refused
    await expect(early).rejects.toMatchObject({
      name: 'InvalidDBSubnetGroupStateFault',
      message:
        "Cannot delete the subnet group 'demo-db' because at least one database instance: demo-db is still using it.",
    });

    // WHEN the instance is gone
    await waitUntilDBInstanceDeleted({ client: rds(), ...FAST_WAIT }, { DBInstanceIdentifier: 'demo-db' });
    await rds().send(new DeleteDBSubnetGroupCommand({ DBSubnetGroupName: 'demo-db' }));

    // THEN the group can be deleted
    expect(fake().rds.subnetGroups.size).toBe(0);
  });
});

describe('fake RDS: tags', () => {
  it('tags by ARN and lists instances, subnet groups and snapshots through the Tagging API', async () => {
    // GIVEN an instance of deployment demo, deleted with a final snapshot, and its subnet group
    await availableInstance();
    await rds().send(
      new AddTagsToResourceCommand({
        ResourceName: `arn:aws:rds:${ACCOUNT_REGION}:db:demo-db`,
        Tags: [{ Key: 'team', Value: 'platform' }],
      }),
    );
    const before = await aws().tagging.send(
      new GetResourcesCommand({ TagFilters: [{ Key: 'gitlab-ha:deployment', Values: ['demo'] }] }),
    );
    await rds().send(
      new DeleteDBInstanceCommand({
        DBInstanceIdentifier: 'demo-db',
        FinalDBSnapshotIdentifier: 'demo-final-1',
      }),
    );
    await waitUntilDBInstanceDeleted({ client: rds(), ...FAST_WAIT }, { DBInstanceIdentifier: 'demo-db' });

    // WHEN the deployment's resources are listed after the delete
    const after = await aws().tagging.send(
      new GetResourcesCommand({ TagFilters: [{ Key: 'gitlab-ha:deployment', Values: ['demo'] }] }),
    );

    // THEN the instance was listed with both tags, and afterwards only the group and the snapshot are
    expect(before.ResourceTagMappingList).toEqual([
      {
        ResourceARN: `arn:aws:rds:${ACCOUNT_REGION}:db:demo-db`,
        Tags: [
          { Key: 'gitlab-ha:deployment', Value: 'demo' },
          { Key: 'team', Value: 'platform' },
        ],
      },
      {
        ResourceARN: `arn:aws:rds:${ACCOUNT_REGION}:subgrp:demo-db`,
        Tags: [{ Key: 'gitlab-ha:deployment', Value: 'demo' }],
      },
    ]);
    expect(after.ResourceTagMappingList?.map((m) => m.ResourceARN)).toEqual([
      `arn:aws:rds:${ACCOUNT_REGION}:subgrp:demo-db`,
      `arn:aws:rds:${ACCOUNT_REGION}:snapshot:demo-final-1`,
    ]);
    // AND an ARN of another account is refused
    await expect(
      rds().send(
        new ListTagsForResourceCommand({ ResourceName: 'arn:aws:rds:eu-west-1:999999999999:db:demo-db' }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });
});
