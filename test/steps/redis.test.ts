import { readFile } from 'node:fs/promises';
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import {
  CreateCacheSubnetGroupCommand,
  CreateReplicationGroupCommand,
  waitUntilReplicationGroupAvailable,
} from '@aws-sdk/client-elasticache';
import type { CreateReplicationGroupCommandInput, Tag } from '@aws-sdk/client-elasticache';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { isKeptSnapshot } from '../../src/aws/leftovers.js';
import { deploymentTags } from '../../src/aws/tags.js';
import { configSchema } from '../../src/config/schema.js';
import type { Config, ConfigInput } from '../../src/config/schema.js';
import { ConflictError } from '../../src/engine/errors.js';
import { redisStep } from '../../src/steps/redis/index.js';
import {
  baseConfig,
  expectCrash,
  inputsOf,
  mutatingCommands,
  openTestState,
  stepRun,
  useFakeAws,
  useStatePaths,
} from '../support/step-harness.js';

// A fresh fake AWS per test: every test starts from an empty account.
const fake = useFakeAws();
const newStatePath = useStatePaths();

const TOKEN_PARAMETER = '/gitlab-ha/demo/redis-auth-token';
const RG_ARN = 'arn:aws:elasticache:eu-west-1:123456789012:replicationgroup:demo-redis';
const ROLES = ['cache-subnet-group', 'secret/redis-auth-token', 'replication-group'];
const CREATES = ['CreateCacheSubnetGroup', 'PutParameter', 'CreateReplicationGroup'];

function config(redis: ConfigInput['redis'] = {}): Config {
  return baseConfig({ redis });
}

interface Deployment {
  aws: AwsClients;
  cfg: Config;
  statePath: string;
  vpcId: string;
  privateSubnetIds: string[];
  redisGroupId: string;
}

/** A VPC with private subnets in two zones and the redis security group, in the fake. */
async function deployment(cfg: Config = config()): Promise<Deployment> {
  const aws = fake().clients();
  const vpcId = (await aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  const privateSubnetIds: string[] = [];
  for (const [i, az] of cfg.network.availabilityZones.entries()) {
    const { Subnet } = await aws.ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: cfg.network.privateSubnetCidrs[i],
        AvailabilityZone: az,
      }),
    );
    privateSubnetIds.push(Subnet!.SubnetId!);
  }
  const { GroupId } = await aws.ec2.send(
    new CreateSecurityGroupCommand({ GroupName: 'demo-sg-redis', Description: 'redis', VpcId: vpcId }),
  );
  const d = { aws, cfg, statePath: '', vpcId, privateSubnetIds, redisGroupId: GroupId! };
  d.statePath = await prerequisitesDone(d);
  fake().resetCalls();
  return d;
}

/** A state file on disk in which network and security are done (a fresh one each call). */
async function prerequisitesDone(d: Omit<Deployment, 'statePath'>): Promise<string> {
  const statePath = await newStatePath();
  const store = await openTestState(statePath);
  await store.update((draft) => {
    draft.steps.network = {
      status: 'done',
      resources: {},
      outputs: {
        vpcId: d.vpcId,
        vpcCidr: '10.0.0.0/16',
        availabilityZones: d.cfg.network.availabilityZones,
        publicSubnetIds: [],
        privateSubnetIds: d.privateSubnetIds,
      },
    };
    draft.steps.security = {
      status: 'done',
      resources: {},
      outputs: { securityGroupIds: { app: 'sg-0aaaaaaaaaaaaaaaa', redis: d.redisGroupId } },
    };
  });
  return statePath;
}

/** Fresh contexts over the state file on disk, as a new run of the tool would build them. */
function run(d: Deployment, cfg: Config = d.cfg) {
  return stepRun({ step: 'redis', aws: d.aws, config: cfg, statePath: d.statePath });
}

function token(): string {
  return fake().ssm.parameters.get(TOKEN_PARAMETER)!.value;
}

function liveGroups(): string[] {
  return [...fake().elasticache.replicationGroups.keys()];
}

/** A replication group made behind the tool's back, available, in a subnet group of its own. */
async function foreignGroup(d: Deployment, id: string, tags: Tag[]): Promise<void> {
  const subnetGroupName = `${id}-subnets`;
  await d.aws.elasticache.send(
    new CreateCacheSubnetGroupCommand({
      CacheSubnetGroupName: subnetGroupName,
      CacheSubnetGroupDescription: 'made by hand',
      SubnetIds: d.privateSubnetIds,
    }),
  );
  const input: CreateReplicationGroupCommandInput = {
    ReplicationGroupId: id,
    ReplicationGroupDescription: 'made by hand',
    CacheNodeType: 'cache.m6g.large',
    EngineVersion: '7.1',
    NumCacheClusters: 2,
    AutomaticFailoverEnabled: true,
    MultiAZEnabled: true,
    AtRestEncryptionEnabled: true,
    TransitEncryptionEnabled: true,
    AuthToken: 'HandMadeToken0123456789',
    CacheSubnetGroupName: subnetGroupName,
    Tags: tags,
  };
  await d.aws.elasticache.send(new CreateReplicationGroupCommand(input));
  await waitUntilReplicationGroupAvailable(
    { client: d.aws.elasticache, minDelay: 0.001, maxDelay: 0.002, maxWaitTime: 5 },
    { ReplicationGroupId: id },
  );
}

describe('redis ensure', () => {
  it('creates the subnet group, the AUTH token and a Multi-AZ, encrypted replication group with exact parameters', async () => {
    // GIVEN a deployment whose network and security groups are done
    const d = await deployment();
    const { step, store, reporter } = await run(d);

    // WHEN the step is ensured
    const result = await redisStep.ensure(step);

    // THEN three things are created, in order
    expect(mutatingCommands(fake())).toEqual(CREATES);
    // AND the cache subnet group spans the private subnets, tagged in the call
    expect(inputsOf(fake(), 'CreateCacheSubnetGroup')).toEqual([
      {
        CacheSubnetGroupName: 'demo-redis',
        CacheSubnetGroupDescription: 'gitlab-ha demo: private subnets for Redis',
        SubnetIds: d.privateSubnetIds,
        Tags: deploymentTags(d.cfg, 'redis', 'cache-subnet-group'),
      },
    ]);
    // AND the AUTH token is a generated SecureString of 64 letters and digits
    expect(inputsOf(fake(), 'PutParameter')).toEqual([
      {
        Name: TOKEN_PARAMETER,
        Description: 'Redis AUTH token of gitlab-ha deployment demo',
        Value: token(),
        Type: 'SecureString',
        Overwrite: false,
        Tags: deploymentTags(d.cfg, 'redis', 'secret/redis-auth-token'),
      },
    ]);
    expect(token()).toMatch(/^[A-Za-z0-9]{64}$/);
    // AND the replication group: cluster mode off (NumCacheClusters), two nodes over two zones, failover,
    // Multi-AZ, both encryptions, the token from SSM, the redis group, port 6379, a day of backups, tags
    expect(inputsOf(fake(), 'CreateReplicationGroup')).toEqual([
      {
        ReplicationGroupId: 'demo-redis',
        ReplicationGroupDescription: 'gitlab-ha demo: Redis for GitLab (cache, sessions, Sidekiq queues)',
        Engine: 'redis',
        EngineVersion: '7.1',
        CacheNodeType: 'cache.m6g.large',
        NumCacheClusters: 2,
        PreferredCacheClusterAZs: ['eu-west-1a', 'eu-west-1b'],
        AutomaticFailoverEnabled: true,
        MultiAZEnabled: true,
        AtRestEncryptionEnabled: true,
        TransitEncryptionEnabled: true,
        AuthToken: token(),
        CacheSubnetGroupName: 'demo-redis',
        SecurityGroupIds: [d.redisGroupId],
        Port: 6379,
        SnapshotRetentionLimit: 1,
        Tags: deploymentTags(d.cfg, 'redis', 'replication-group'),
      },
    ]);
    // AND in AWS the primary and its replica sit in different zones
    const group = fake().elasticache.replicationGroups.get('demo-redis')!;
    expect(group.members).toEqual([
      { id: 'demo-redis-001', availabilityZone: 'eu-west-1a' },
      { id: 'demo-redis-002', availabilityZone: 'eu-west-1b' },
    ]);
    expect(group.state).toBe('available');
    // AND the step waited for it, and its outputs are the primary endpoint, the token's name and TLS
    expect(reporter.withCode('wait.start').map((e) => e.message)).toEqual([
      'waiting for ElastiCache replication group demo-redis to become available',
    ]);
    expect(result.outputs).toEqual({
      primaryAddress: `master.demo-redis.${group.dnsLabel}.euw1.cache.amazonaws.com`,
      port: 6379,
      authTokenParameterName: TOKEN_PARAMETER,
      replicationGroupId: 'demo-redis',
      tls: true,
    });
    // AND each resource was recorded as the tool's
    expect(
      Object.entries(store.snapshot.steps.redis!.resources).map(([role, r]) => [role, r.id, r.origin]),
    ).toEqual([
      ['cache-subnet-group', 'demo-redis', 'tool'],
      ['secret/redis-auth-token', TOKEN_PARAMETER, 'tool'],
      ['replication-group', 'demo-redis', 'tool'],
    ]);
  });

  it('keeps the AUTH token in SSM only: never in events, state, outputs or status', async () => {
    // GIVEN a deployment ensured and inspected
    const d = await deployment();
    const { step, reporter } = await run(d);
    const result = await redisStep.ensure(step);
    const inspected = await run(d);
    const status = await redisStep.inspect(inspected.step);

    // WHEN everything the tool wrote or said is searched for the token
    const secret = token();
    const stateFile = await readFile(d.statePath, 'utf8');

    // THEN it appears nowhere
    expect(JSON.stringify(reporter.events)).not.toContain(secret);
    expect(JSON.stringify(inspected.reporter.events)).not.toContain(secret);
    expect(stateFile).not.toContain(secret);
    expect(JSON.stringify(result)).not.toContain(secret);
    expect(JSON.stringify(status)).not.toContain(secret);
    // AND it was handed to CreateReplicationGroup, read back with decryption just for that
    expect(inputsOf(fake(), 'CreateReplicationGroup')[0]!.AuthToken).toBe(secret);
    expect(inputsOf(fake(), 'GetParameter').filter((i) => i.WithDecryption === true)).toEqual([
      { Name: TOKEN_PARAMETER, WithDecryption: true },
    ]);
  });

  it('makes no mutating call when run again on an unchanged deployment', async () => {
    // GIVEN a deployment ensured once
    const d = await deployment();
    const first = await redisStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN a new run ensures it again
    const { step, reporter } = await run(d);
    const second = await redisStep.ensure(step);

    // THEN nothing is changed, nothing is waited for, the token is not read, and the outputs are the same
    expect(fake().mutatingCalls()).toEqual([]);
    expect(reporter.withCode('wait.start')).toEqual([]);
    expect(inputsOf(fake(), 'GetParameter').some((i) => i.WithDecryption)).toBe(false);
    expect(second.outputs).toEqual(first.outputs);
  });

  it('adopts its resources by their tags after the state was lost', async () => {
    // GIVEN a deployment ensured once, then a new state file that knows nothing of it
    const d = await deployment();
    const first = await redisStep.ensure((await run(d)).step);
    const lost = { ...d, statePath: await prerequisitesDone(d) };
    fake().resetCalls();

    // WHEN the step is ensured with the new state
    const { step, store, reporter } = await run(lost);
    const second = await redisStep.ensure(step);

    // THEN both groups are found by their tags (the Tagging API) and recorded as the tool's; nothing is created
    expect(fake().mutatingCalls()).toEqual([]);
    expect(second.outputs).toEqual(first.outputs);
    expect(reporter.withCode('resource.adopt').map((e) => e.data?.role)).toEqual([
      'cache-subnet-group',
      'replication-group',
    ]);
    expect(
      Object.entries(store.snapshot.steps.redis!.resources).map(([role, r]) => [role, r.origin]),
    ).toEqual(ROLES.map((role) => [role, 'tool']));
  });

  it('adopts a group a user tagged for it, warns that its AUTH token must match, and destroy keeps it', async () => {
    // GIVEN a replication group made by hand and tagged for the deployment's role (no created-by tag)
    const d = await deployment();
    const userTags = deploymentTags(d.cfg, 'redis', 'replication-group').filter(
      (t) => t.Key !== 'gitlab-ha:created-by',
    );
    await foreignGroup(d, 'users-redis', userTags);
    fake().resetCalls();

    // WHEN the step is ensured
    const { step, store, reporter } = await run(d);
    const result = await redisStep.ensure(step);

    // THEN no replication group is created; the user's is adopted and its endpoint is the output
    expect(mutatingCommands(fake())).toEqual(['CreateCacheSubnetGroup', 'PutParameter']);
    expect(store.snapshot.steps.redis!.resources['replication-group']).toMatchObject({
      id: 'users-redis',
      origin: 'adopted',
    });
    expect(result.outputs.replicationGroupId).toBe('users-redis');
    expect(reporter.withCode('note').map((e) => e.message)).toEqual([
      `replication group users-redis was adopted: its AUTH token must be the value of ${TOKEN_PARAMETER}`,
    ]);

    // WHEN the deployment is destroyed without --force
    fake().resetCalls();
    const destroyRun = await run(d);
    await redisStep.destroy(destroyRun.destroy());

    // THEN nothing is deleted: the group, the subnet group it may use and the token are kept, and forgotten
    expect(fake().mutatingCalls()).toEqual([]);
    expect(destroyRun.reporter.withCode('resource.keep').map((e) => e.data?.id)).toEqual([
      'users-redis',
      'demo-redis',
      TOKEN_PARAMETER,
    ]);
    expect(destroyRun.store.snapshot.steps.redis?.resources ?? {}).toEqual({});
  });

  it('refuses two replication groups carrying the same role tags, naming both', async () => {
    // GIVEN a deployment ensured once, and a second group tagged as its replication group
    const d = await deployment();
    await redisStep.ensure((await run(d)).step);
    await foreignGroup(d, 'copy-redis', deploymentTags(d.cfg, 'redis', 'replication-group'));
    const lost = { ...d, statePath: await prerequisitesDone(d) };

    // WHEN the step is ensured without state to tell them apart
    const outcome = redisStep.ensure((await run(lost)).step);

    // THEN it fails with a conflict that names both
    await expect(outcome).rejects.toBeInstanceOf(ConflictError);
    await expect(outcome).rejects.toThrow('demo-redis, copy-redis');
  });

  it('says who holds its id when an untagged replication group took it, once that group can be read', async () => {
    // GIVEN a group named demo-redis made by someone else, still creating
    const d = await deployment();
    await d.aws.elasticache.send(
      new CreateCacheSubnetGroupCommand({
        CacheSubnetGroupName: 'theirs',
        CacheSubnetGroupDescription: 'theirs',
        SubnetIds: d.privateSubnetIds,
      }),
    );
    await d.aws.elasticache.send(
      new CreateReplicationGroupCommand({
        ReplicationGroupId: 'demo-redis',
        ReplicationGroupDescription: 'theirs',
        CacheNodeType: 'cache.t4g.micro',
        CacheSubnetGroupName: 'theirs',
      }),
    );

    // WHEN the step is ensured
    const outcome = redisStep.ensure((await run(d)).step);

    // THEN it fails naming the group and how to adopt it
    await expect(outcome).rejects.toMatchObject({
      code: 'NAME_TAKEN',
      resourceId: 'demo-redis',
      awsCode: 'ReplicationGroupAlreadyExists',
      message:
        "An ElastiCache replication group named demo-redis already exists but does not carry this deployment's tags for replication-group",
      hint: expect.stringContaining('gitlab-ha:resource=redis/replication-group') as unknown,
    });
    // AND it read that group's tags only after it had become available
    const listTags = fake()
      .calls()
      .filter((c) => c.command === 'ListTagsForResource');
    expect(listTags.map((c) => [c.input.ResourceName, c.error])).toEqual([[RG_ARN, undefined]]);
  });

  it('re-creates a replication group deleted behind its back', async () => {
    // GIVEN a deployment ensured once whose replication group was then deleted
    const d = await deployment();
    await redisStep.ensure((await run(d)).step);
    fake().elasticache.replicationGroups.delete('demo-redis');
    fake().resetCalls();

    // WHEN the step is ensured again
    const { step, reporter } = await run(d);
    await redisStep.ensure(step);

    // THEN the drift is reported and exactly the replication group is created again
    expect(reporter.withCode('resource.drift').map((e) => e.message)).toEqual([
      'replication group demo-redis is gone; it will be found by tags or created again',
    ]);
    expect(mutatingCommands(fake())).toEqual(['CreateReplicationGroup']);
    expect(liveGroups()).toEqual(['demo-redis']);
  });

  it('reports a group that failed to create, saying how to find out why', async () => {
    // GIVEN a run that died after CreateReplicationGroup, and a group that then ends in create-failed
    const d = await deployment();
    fake().faults.crashAfter({
      command: 'CreateReplicationGroup',
      onCrash: () => {
        fake().elasticache.replicationGroups.get('demo-redis')!.transition = {
          to: 'create-failed',
          pollsLeft: 2,
        };
      },
    });
    await expectCrash(redisStep.ensure((await run(d)).step));

    // WHEN a new run resumes
    const outcome = redisStep.ensure((await run(d)).step);

    // THEN it fails at once with the group's state and the commands to look and clean up
    await expect(outcome).rejects.toMatchObject({
      code: 'CREATE_FAILED',
      resourceId: 'demo-redis',
      message: 'ElastiCache replication group demo-redis is create-failed, not available',
      hint: expect.stringContaining('aws elasticache describe-events') as unknown,
    });
  });
});

describe('redis crash and resume', () => {
  it.each(CREATES)('resumes after a crash right after %s without duplicates', async (command) => {
    // GIVEN a run that dies right after this call took effect in AWS
    const d = await deployment();
    fake().faults.crashAfter({ command });
    await expectCrash(redisStep.ensure((await run(d)).step));
    // (undefined when the crash came before the token was stored)
    const tokenAfterCrash = fake().ssm.parameters.get(TOKEN_PARAMETER)?.value;

    // WHEN a fresh run resumes from the state on disk
    fake().faults.clear();
    const { step } = await run(d);
    const result = await redisStep.ensure(step);

    // THEN every resource exists exactly once, the token was not replaced, and the outputs are complete
    expect(fake().elasticache.subnetGroups.size).toBe(1);
    expect(liveGroups()).toEqual(['demo-redis']);
    expect(fake().ssm.parameters.get(TOKEN_PARAMETER)!.version).toBe(1);
    if (tokenAfterCrash !== undefined) expect(token()).toBe(tokenAfterCrash);
    expect(inputsOf(fake(), 'CreateReplicationGroup')).toHaveLength(1);
    expect(result.outputs.replicationGroupId).toBe('demo-redis');
    // AND a further run changes nothing
    fake().resetCalls();
    await redisStep.ensure((await run(d)).step);
    expect(fake().mutatingCalls()).toEqual([]);
  });

  it('takes over its own group by name when the Tagging API does not list it yet', async () => {
    // GIVEN a run that died right after CreateReplicationGroup, with the Tagging API lagging behind
    const d = await deployment();
    fake().faults.crashAfter({
      command: 'CreateReplicationGroup',
      onCrash: () => fake().elasticache.notYetInTaggingApi.add(RG_ARN),
    });
    await expectCrash(redisStep.ensure((await run(d)).step));

    // WHEN a fresh run resumes
    const { step, store } = await run(d);
    const result = await redisStep.ensure(step);

    // THEN its create hits ReplicationGroupAlreadyExists (the first one, which took effect, is logged as
    // the crash), it waits until the group's tags can be read, finds them its own, and records it
    const creates = fake()
      .calls()
      .filter((c) => c.command === 'CreateReplicationGroup');
    expect(creates.map((c) => c.error)).toEqual(['FakeCrash', 'ReplicationGroupAlreadyExistsFault']);
    const listTags = fake()
      .calls()
      .filter((c) => c.command === 'ListTagsForResource');
    expect(listTags.map((c) => [c.input.ResourceName, c.error])).toEqual([[RG_ARN, undefined]]);
    expect(liveGroups()).toEqual(['demo-redis']);
    expect(store.snapshot.steps.redis!.resources['replication-group']).toMatchObject({
      id: 'demo-redis',
      origin: 'tool',
    });
    expect(result.outputs.primaryAddress).toMatch(
      /^master\.demo-redis\.[0-9a-f]{6}\.euw1\.cache\.amazonaws\.com$/,
    );
  });
});

describe('redis inspect', () => {
  it('shows the endpoints, the nodes in their zones and the failover, Multi-AZ and encryption flags', async () => {
    // GIVEN a deployment ensured once
    const d = await deployment();
    const { outputs } = await redisStep.ensure((await run(d)).step);

    // WHEN it is inspected
    const status = await redisStep.inspect((await run(d)).step);

    // THEN it is healthy, and shows the live group
    const label = fake().elasticache.replicationGroups.get('demo-redis')!.dnsLabel;
    expect(status).toMatchObject({ step: 'redis', health: 'healthy', drift: [] });
    expect(status.outputs).toEqual({
      replicationGroupId: 'demo-redis',
      status: 'available',
      primaryEndpoint: `${outputs.primaryAddress as string}:6379`,
      readerEndpoint: `replica.demo-redis.${label}.euw1.cache.amazonaws.com:6379`,
      nodes: ['demo-redis-001: eu-west-1a (primary)', 'demo-redis-002: eu-west-1b (replica)'],
      nodeType: 'cache.m6g.large',
      engineVersion: '7.1.0',
      automaticFailover: 'enabled',
      multiAz: 'enabled',
      encryptionAtRest: true,
      encryptionInTransit: true,
      authToken: 'enabled',
      authTokenParameterName: TOKEN_PARAMETER,
    });
    expect(status.resources.map((r) => [r.role, r.id, r.state, r.healthy])).toEqual([
      ['cache-subnet-group', 'demo-redis', 'available', true],
      ['secret/redis-auth-token', TOKEN_PARAMETER, 'present', true],
      ['replication-group', 'demo-redis', 'available', true],
    ]);
  });

  it('reports node type, engine version and replica count that differ from the config, and ensure leaves them', async () => {
    // GIVEN a deployment ensured with the defaults, and a config that now asks for more
    const d = await deployment();
    await redisStep.ensure((await run(d)).step);
    const changed = config({ nodeType: 'cache.r7g.large', engineVersion: '7.2', replicas: 2 });

    // WHEN it is inspected and ensured with that config
    const status = await redisStep.inspect((await run(d, changed)).step);
    fake().resetCalls();
    const { step, reporter } = await run(d, changed);
    await redisStep.ensure(step);

    // THEN each difference is drift, and the group is unhealthy
    const expected = [
      'replication group demo-redis has node type cache.m6g.large, the config asks for cache.r7g.large',
      'replication group demo-redis has engine version 7.1.0, the config asks for 7.2',
      'replication group demo-redis has replica count 1, the config asks for 2',
    ];
    expect(status.health).toBe('degraded');
    expect(status.drift).toEqual(expected);
    expect(status.resources.find((r) => r.role === 'replication-group')).toMatchObject({
      state: 'available',
      healthy: false,
    });
    // AND ensure warns about each without changing anything in place
    expect(fake().mutatingCalls()).toEqual([]);
    expect(reporter.withCode('resource.drift').map((e) => e.message)).toEqual(
      expected.map((line) => `${line}; gitlab-ha does not change it in place`),
    );
  });

  it('reports a replication group that no longer exists', async () => {
    // GIVEN a deployment ensured once whose group was deleted by hand
    const d = await deployment();
    await redisStep.ensure((await run(d)).step);
    fake().elasticache.replicationGroups.delete('demo-redis');

    // WHEN it is inspected
    const status = await redisStep.inspect((await run(d)).step);

    // THEN the step is missing its group
    expect(status.health).toBe('missing');
    expect(status.drift).toEqual(['replication group demo-redis no longer exists']);
    expect(status.outputs).toEqual({
      replicationGroupId: 'demo-redis',
      authTokenParameterName: TOKEN_PARAMETER,
    });
  });
});

describe('redis plan', () => {
  it('plans every resource as a create offline, with the key parameters', async () => {
    // GIVEN no AWS access and three zones, two replicas
    const cfg = configSchema.parse({
      ...config(),
      network: {
        availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
        publicSubnetCidrs: ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24'],
        privateSubnetCidrs: ['10.0.10.0/24', '10.0.11.0/24', '10.0.12.0/24'],
      },
      redis: { replicas: 2 },
    });
    const d = await deployment(cfg);

    // WHEN planned offline
    const plan = await redisStep.plan((await run(d)).offlinePlan);

    // THEN the subnet group, the token and the group are creates, one node per zone
    expect(plan).toEqual({
      step: 'redis',
      action: 'create',
      live: false,
      resources: [
        {
          role: 'cache-subnet-group',
          type: 'elasticache:subnet-group',
          action: 'create',
          details: { name: 'demo-redis', subnets: 'private subnets in eu-west-1a, eu-west-1b, eu-west-1c' },
        },
        {
          role: 'secret/redis-auth-token',
          type: 'ssm:parameter',
          action: 'create',
          details: { name: TOKEN_PARAMETER, value: 'generated, 64 letters and digits' },
        },
        {
          role: 'replication-group',
          type: 'elasticache:replication-group',
          action: 'create',
          details: {
            id: 'demo-redis',
            engine: 'redis 7.1',
            nodeType: 'cache.m6g.large',
            nodes: 3,
            zones: 'eu-west-1a, eu-west-1b, eu-west-1c',
            clusterMode: 'disabled',
            automaticFailover: true,
            multiAz: true,
            encryption: 'at rest and in transit',
            port: 6379,
          },
        },
      ],
    });
    expect(fake().calls()).toEqual([]);
  });

  it('plans creates without calling AWS while network and security are not deployed', async () => {
    // GIVEN AWS access but an empty state
    const d = await deployment();
    const early = { ...d, statePath: await newStatePath() };

    // WHEN planned
    const plan = await redisStep.plan((await run(early)).plan);

    // THEN everything is a create for that reason, and AWS was not asked anything
    expect(plan).toMatchObject({ action: 'create', live: true });
    expect(plan.resources.map((r) => [r.action, r.reason])).toEqual(
      ROLES.map(() => ['create', 'the network and security groups are not deployed yet']),
    );
    expect(fake().calls()).toEqual([]);
  });

  it('plans live: creates before the first run, nothing after it', async () => {
    // GIVEN a deployment whose prerequisites are done
    const d = await deployment();

    // WHEN planned live before and after ensure
    const before = await redisStep.plan((await run(d)).plan);
    await redisStep.ensure((await run(d)).step);
    fake().resetCalls();
    const after = await redisStep.plan((await run(d)).plan);

    // THEN the first plan creates all three, the second is a noop
    expect(before).toMatchObject({ action: 'create', live: true });
    expect(before.resources.map((r) => [r.role, r.action, r.reason])).toEqual(
      ROLES.map((role) => [role, 'create', 'not found']),
    );
    expect(after).toMatchObject({ action: 'noop', live: true });
    expect(after.resources.map((r) => [r.role, r.action, r.id])).toEqual([
      ['cache-subnet-group', 'noop', 'demo-redis'],
      ['secret/redis-auth-token', 'noop', TOKEN_PARAMETER],
      ['replication-group', 'noop', 'demo-redis'],
    ]);
    // AND planning changed nothing
    expect(fake().mutatingCalls()).toEqual([]);
  });
});

describe('redis destroy', () => {
  it('deletes the group without a final snapshot by default, then the subnet group, then the token', async () => {
    // GIVEN a deployment ensured once
    const d = await deployment();
    await redisStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN it is destroyed
    const { destroy, store, reporter } = await run(d);
    await redisStep.destroy(destroy());

    // THEN the group (its primary too), the subnet group and last the token are deleted
    expect(mutatingCommands(fake())).toEqual([
      'DeleteReplicationGroup',
      'DeleteCacheSubnetGroup',
      'DeleteParameter',
    ]);
    expect(inputsOf(fake(), 'DeleteReplicationGroup')).toEqual([
      { ReplicationGroupId: 'demo-redis', RetainPrimaryCluster: false },
    ]);
    // AND the step waited until the group was gone before deleting the subnet group
    expect(reporter.withCode('wait.start').map((e) => e.message)).toContain(
      'waiting for ElastiCache replication group demo-redis to be deleted',
    );
    // AND nothing is left: not in AWS, not tagged, not in state
    expect(liveGroups()).toEqual([]);
    expect(fake().elasticache.subnetGroups.size).toBe(0);
    expect(fake().elasticache.snapshots.size).toBe(0);
    expect(fake().ssm.parameters.has(TOKEN_PARAMETER)).toBe(false);
    expect(fake().taggedResources('demo')).toEqual([]);
    expect(store.snapshot.steps.redis?.resources ?? {}).toEqual({});
    expect(reporter.withCode('resource.delete').map((e) => e.data?.id)).toEqual([
      'demo-redis',
      'demo-redis',
      TOKEN_PARAMETER,
    ]);

    // WHEN it is destroyed again
    fake().resetCalls();
    await redisStep.destroy((await run(d)).destroy());

    // THEN nothing is called that changes anything
    expect(fake().mutatingCalls()).toEqual([]);
  });

  it('takes a final snapshot named after the deployment and time when the config asks, and keeps it', async () => {
    // GIVEN a deployment whose config asks for a final snapshot
    const d = await deployment(config({ finalSnapshot: true }));
    await redisStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN it is destroyed
    const { destroy, reporter } = await run(d);
    await redisStep.destroy(destroy());

    // THEN the delete names a final snapshot <name>-redis-final-<yyyymmdd-hhmmss>
    const [input] = inputsOf(fake(), 'DeleteReplicationGroup');
    expect(input).toEqual({
      ReplicationGroupId: 'demo-redis',
      RetainPrimaryCluster: false,
      FinalSnapshotIdentifier: expect.stringMatching(/^demo-redis-final-\d{8}-\d{6}$/) as unknown,
    });
    const snapshotName = input!.FinalSnapshotIdentifier as string;
    // AND the snapshot is reported as kept, and is the only thing still tagged: an expected leftover
    expect(reporter.withCode('resource.keep').map((e) => [e.data?.id, e.message])).toEqual([
      [snapshotName, `kept final snapshot ${snapshotName} of replication group demo-redis`],
    ]);
    const left = fake()
      .taggedResources('demo')
      .map((r) => r.arn);
    expect(left).toEqual([`arn:aws:elasticache:eu-west-1:123456789012:snapshot:${snapshotName}`]);
    expect(left.every(isKeptSnapshot)).toBe(true);
    expect(fake().elasticache.snapshots.get(snapshotName)!.replicationGroupId).toBe('demo-redis');
  });

  it('takes no final snapshot with --skip-final-snapshots, saying so', async () => {
    // GIVEN a deployment whose config asks for a final snapshot
    const d = await deployment(config({ finalSnapshot: true }));
    await redisStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN it is destroyed with --skip-final-snapshots
    const { destroy, reporter } = await run(d);
    await redisStep.destroy(destroy({ skipFinalSnapshots: true }));

    // THEN no snapshot is taken and the reason is told
    expect(inputsOf(fake(), 'DeleteReplicationGroup')).toEqual([
      { ReplicationGroupId: 'demo-redis', RetainPrimaryCluster: false },
    ]);
    expect(fake().elasticache.snapshots.size).toBe(0);
    expect(reporter.withCode('note').map((e) => e.message)).toEqual([
      'no final snapshot of replication group demo-redis: --skip-final-snapshots',
    ]);
    expect(fake().taggedResources('demo')).toEqual([]);
  });

  it('only waits for a group that a crashed destroy already started deleting', async () => {
    // GIVEN a destroy that died right after DeleteReplicationGroup
    const d = await deployment(config({ finalSnapshot: true }));
    await redisStep.ensure((await run(d)).step);
    fake().faults.crashAfter({ command: 'DeleteReplicationGroup' });
    await expectCrash(redisStep.destroy((await run(d)).destroy()));
    expect(fake().elasticache.replicationGroups.get('demo-redis')!.state).toBe('deleting');
    fake().resetCalls();

    // WHEN a fresh run destroys again
    await redisStep.destroy((await run(d)).destroy());

    // THEN it does not ask to delete the group again, waits it out, and finishes the rest
    expect(mutatingCommands(fake())).toEqual(['DeleteCacheSubnetGroup', 'DeleteParameter']);
    expect(liveGroups()).toEqual([]);
    expect(fake().elasticache.snapshots.size).toBe(1);
  });

  it('retries the subnet group while AWS still says a group uses it', async () => {
    // GIVEN a deployment whose subnet group AWS reports in use for two more tries
    const d = await deployment();
    await redisStep.ensure((await run(d)).step);
    fake().faults.failNext({
      command: 'DeleteCacheSubnetGroup',
      error: { name: 'CacheSubnetGroupInUse', message: 'Cache subnet group demo-redis is currently in use' },
      times: 2,
    });

    // WHEN it is destroyed
    await redisStep.destroy((await run(d)).destroy());

    // THEN the delete is retried until the subnet group is gone
    expect(fake().elasticache.subnetGroups.size).toBe(0);
    expect(
      fake()
        .calls()
        .filter((c) => c.command === 'DeleteCacheSubnetGroup' && c.error === 'CacheSubnetGroupInUse'),
    ).toHaveLength(2);
  });

  it('deletes what a crashed run made before recording it, found by its tags', async () => {
    // GIVEN a run that died right after CreateReplicationGroup, so state never saw the group
    const d = await deployment();
    fake().faults.crashAfter({ command: 'CreateReplicationGroup' });
    await expectCrash(redisStep.ensure((await run(d)).step));
    fake().faults.clear();

    // WHEN the deployment is destroyed instead of resumed
    await redisStep.destroy((await run(d)).destroy());

    // THEN the still-creating group is waited for, deleted, and nothing tagged is left
    expect(inputsOf(fake(), 'DeleteReplicationGroup')).toEqual([
      { ReplicationGroupId: 'demo-redis', RetainPrimaryCluster: false },
    ]);
    expect(fake().taggedResources('demo')).toEqual([]);
  });

  it('deletes a failed group without a final snapshot: it holds no data', async () => {
    // GIVEN a group that ended in create-failed, and a config that asks for final snapshots
    const d = await deployment(config({ finalSnapshot: true }));
    fake().faults.crashAfter({
      command: 'CreateReplicationGroup',
      onCrash: () => {
        fake().elasticache.replicationGroups.get('demo-redis')!.transition = {
          to: 'create-failed',
          pollsLeft: 1,
        };
      },
    });
    await expectCrash(redisStep.ensure((await run(d)).step));

    // WHEN the deployment is destroyed
    await redisStep.destroy((await run(d)).destroy());

    // THEN the group is deleted without a snapshot
    expect(inputsOf(fake(), 'DeleteReplicationGroup')).toEqual([
      { ReplicationGroupId: 'demo-redis', RetainPrimaryCluster: false },
    ]);
    expect(fake().elasticache.snapshots.size).toBe(0);
    expect(fake().taggedResources('demo')).toEqual([]);
  });
});
