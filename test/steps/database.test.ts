import { readFile } from 'node:fs/promises';
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import { CreateDBInstanceCommand, CreateDBSubnetGroupCommand } from '@aws-sdk/client-rds';
import type { CreateDBInstanceCommandInput } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { deploymentTags } from '../../src/aws/tags.js';
import type { Config, ConfigInput } from '../../src/config/schema.js';
import {
  ConflictError,
  InvalidInputError,
  ProvisioningError,
  WaitTimeoutError,
} from '../../src/engine/errors.js';
import type { Timing } from '../../src/engine/step.js';
import { databaseStep } from '../../src/steps/database/index.js';
import {
  baseConfig,
  FAST_TIMING,
  inputsOf,
  mutatingCommands,
  openTestState,
  stepRun,
  useFakeAws,
  useStatePaths,
} from '../support/step-harness.js';

const fake = useFakeAws();
const newStatePath = useStatePaths();

const PARAMETER = '/gitlab-ha/demo/db-password';
const ENDPOINT = 'demo-db.abcdefghijkl.eu-west-1.rds.amazonaws.com';
const ROLES = ['db-subnet-group', 'secret/db-password', 'db'];

function config(database: ConfigInput['database'] = {}): Config {
  return baseConfig({ database });
}

interface Deployment {
  aws: AwsClients;
  cfg: Config;
  vpcId: string;
  privateSubnetIds: string[];
  dbGroupId: string;
  statePath: string;
}

/** A VPC with two private subnets and a db security group in the fake, and a state where network and security are done. */
async function deployment(cfg: Config = config()): Promise<Deployment> {
  const aws = fake().clients();
  const vpcId = (await aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  const privateSubnetIds: string[] = [];
  for (const [cidr, az] of [
    ['10.0.10.0/24', 'eu-west-1a'],
    ['10.0.11.0/24', 'eu-west-1b'],
  ] as const) {
    const subnet = await aws.ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: az }),
    );
    privateSubnetIds.push(subnet.Subnet!.SubnetId!);
  }
  const dbGroupId = (
    await aws.ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'demo-sg-db', Description: 'db', VpcId: vpcId }),
    )
  ).GroupId!;
  const d = { aws, cfg, vpcId, privateSubnetIds, dbGroupId, statePath: '' };
  d.statePath = await freshState(d);
  fake().resetCalls();
  return d;
}

/** A new state file in which only network and security are done (as after a lost state). */
async function freshState(d: Omit<Deployment, 'statePath'>): Promise<string> {
  const statePath = await newStatePath();
  const store = await openTestState(statePath);
  await store.update((draft) => {
    draft.steps.network = {
      status: 'done',
      resources: {},
      outputs: {
        vpcId: d.vpcId,
        vpcCidr: '10.0.0.0/16',
        availabilityZones: ['eu-west-1a', 'eu-west-1b'],
        publicSubnetIds: [],
        privateSubnetIds: d.privateSubnetIds,
      },
    };
    draft.steps.security = {
      status: 'done',
      resources: {},
      outputs: { securityGroupIds: { lb: 'sg-lb', app: 'sg-app', builder: 'sg-builder', db: d.dbGroupId } },
    };
  });
  return statePath;
}

/** Fresh contexts over the state file on disk, as a new run of the tool would build them. */
function run(d: Deployment, options: { cfg?: Config; env?: Record<string, string>; timing?: Timing } = {}) {
  return stepRun({
    step: 'database',
    aws: d.aws,
    config: options.cfg ?? d.cfg,
    statePath: d.statePath,
    timing: options.timing,
    env: options.env ?? {},
  });
}

function storedPassword(): string {
  return fake().ssm.parameters.get(PARAMETER)!.value;
}

/** A DB instance made by someone else (not through the step), available. */
async function foreignInstance(d: Deployment, tags: { Key: string; Value: string }[] = []): Promise<void> {
  const input: CreateDBInstanceCommandInput = {
    DBInstanceIdentifier: 'demo-db',
    Engine: 'postgres',
    EngineVersion: '16',
    DBInstanceClass: 'db.m6i.large',
    MultiAZ: true,
    AllocatedStorage: 100,
    StorageType: 'io1',
    Iops: 1000,
    StorageEncrypted: true,
    VpcSecurityGroupIds: [d.dbGroupId],
    DBSubnetGroupName: 'demo-db',
    DBName: 'gitlabhq_production',
    MasterUsername: 'gitlab',
    MasterUserPassword: 'TheirOwnPassword1',
    BackupRetentionPeriod: 7,
    Tags: tags,
  };
  await d.aws.rds.send(new CreateDBInstanceCommand(input));
  fake().rds.instance('demo-db').state = 'available';
  fake().rds.instance('demo-db').hasEndpoint = true;
  fake().rds.instance('demo-db').transition = undefined;
}

/** The tags a user puts on a resource for gitlab-ha to adopt (no created-by tag). */
function adoptionTags(cfg: Config, role: string) {
  return deploymentTags(cfg, 'database', role).filter((t) => t.Key !== 'gitlab-ha:created-by');
}

describe('database ensure', () => {
  it('creates the subnet group and a Multi-AZ, encrypted, private io1 PostgreSQL with exact parameters', async () => {
    // GIVEN a deployment whose network and security groups are done, with the default database config
    const d = await deployment();
    const { step, store, reporter } = await run(d);

    // WHEN the step is ensured
    const result = await databaseStep.ensure(step);

    // THEN a subnet group over the private subnets, the password parameter, then the instance are created
    expect(mutatingCommands(fake())).toEqual(['CreateDBSubnetGroup', 'PutParameter', 'CreateDBInstance']);
    expect(inputsOf(fake(), 'CreateDBSubnetGroup')).toEqual([
      {
        DBSubnetGroupName: 'demo-db',
        DBSubnetGroupDescription: 'gitlab-ha demo: private subnets of the GitLab database',
        SubnetIds: d.privateSubnetIds,
        Tags: deploymentTags(d.cfg, 'database', 'db-subnet-group'),
      },
    ]);
    expect(inputsOf(fake(), 'CreateDBInstance')).toEqual([
      {
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
        VpcSecurityGroupIds: [d.dbGroupId],
        DBSubnetGroupName: 'demo-db',
        Port: 5432,
        DBName: 'gitlabhq_production',
        MasterUsername: 'gitlab',
        MasterUserPassword: storedPassword(),
        BackupRetentionPeriod: 7,
        DeletionProtection: false,
        CopyTagsToSnapshot: true,
        AutoMinorVersionUpgrade: true,
        Tags: deploymentTags(d.cfg, 'database', 'db'),
      },
    ]);
    // AND the password is a generated SecureString, tagged, in SSM
    const parameter = fake().ssm.parameters.get(PARAMETER)!;
    expect(parameter.type).toBe('SecureString');
    expect(parameter.value).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(parameter.tags['gitlab-ha:resource']).toBe('database/secret/db-password');
    // AND the step waited (bounded at 40 minutes) until the instance was available
    expect(fake().rds.instance('demo-db').state).toBe('available');
    expect(reporter.withCode('wait.start').map((e) => e.data)).toEqual([
      { what: 'DB instance demo-db to become available', maxSeconds: 2400, id: 'demo-db' },
    ]);
    // AND the outputs give the endpoint and where the password is, never the password
    expect(result.outputs).toEqual({
      address: ENDPOINT,
      port: 5432,
      databaseName: 'gitlabhq_production',
      username: 'gitlab',
      passwordParameterName: PARAMETER,
      instanceIdentifier: 'demo-db',
      engineVersion: '16.6',
    });
    // AND each resource is recorded as the tool's
    expect(
      Object.entries(store.snapshot.steps.database!.resources).map(([role, r]) => [role, r.id, r.origin]),
    ).toEqual([
      ['db-subnet-group', 'demo-db', 'tool'],
      ['secret/db-password', PARAMETER, 'tool'],
      ['db', 'demo-db', 'tool'],
    ]);
  });

  it('keeps the password out of every event, the state file and the outputs', async () => {
    // GIVEN a deployment ensured and inspected once
    const d = await deployment();
    const { step, reporter } = await run(d);
    const result = await databaseStep.ensure(step);
    const status = await databaseStep.inspect((await run(d)).step);
    const password = storedPassword();

    // WHEN everything the tool reported or saved is read
    const events = JSON.stringify(reporter.events);
    const stateFile = await readFile(d.statePath, 'utf8');

    // THEN the password is nowhere in it (while the parameter name is)
    expect(stateFile).toContain(PARAMETER);
    for (const text of [events, stateFile, JSON.stringify(result.outputs), JSON.stringify(status)])
      expect(text).not.toContain(password);
  });

  it('uses GITLAB_HA_DB_PASSWORD as the master password when it is set', async () => {
    // GIVEN a valid password in the environment
    const d = await deployment();
    const { step } = await run(d, { env: { GITLAB_HA_DB_PASSWORD: 'My-Own_Passw0rd!' } });

    // WHEN the step is ensured
    await databaseStep.ensure(step);

    // THEN that password is stored and given to RDS
    expect(storedPassword()).toBe('My-Own_Passw0rd!');
    expect(inputsOf(fake(), 'CreateDBInstance')[0]!.MasterUserPassword).toBe('My-Own_Passw0rd!');
  });

  it('keeps the stored password when GITLAB_HA_DB_PASSWORD differs later, and says so', async () => {
    // GIVEN a deployment ensured with a generated password
    const d = await deployment();
    await databaseStep.ensure((await run(d)).step);
    const generated = storedPassword();
    fake().resetCalls();

    // WHEN it is ensured again with another password in the environment
    const { step, reporter } = await run(d, { env: { GITLAB_HA_DB_PASSWORD: 'A-Different-Passw0rd' } });
    await databaseStep.ensure(step);

    // THEN nothing changes, and a warning (naming neither password) says the stored one is kept
    expect(fake().mutatingCalls()).toEqual([]);
    expect(storedPassword()).toBe(generated);
    const warnings = reporter.events.filter((e) => e.level === 'warn');
    expect(warnings.map((e) => e.message)).toEqual([
      `GITLAB_HA_DB_PASSWORD differs from the password already stored in ${PARAMETER}; the stored one is kept because the database uses it`,
    ]);
    expect(JSON.stringify(reporter.events)).not.toContain('A-Different-Passw0rd');
    expect(JSON.stringify(reporter.events)).not.toContain(generated);
  });

  it('refuses an invalid GITLAB_HA_DB_PASSWORD before calling AWS, without repeating it', async () => {
    // GIVEN a password RDS would refuse (an @ and a space)
    const d = await deployment();
    const { step } = await run(d, { env: { GITLAB_HA_DB_PASSWORD: 'bad pass@word' } });

    // WHEN the step is ensured
    const outcome = databaseStep.ensure(step);

    // THEN it fails naming the variable and the problem, and nothing was asked of AWS
    await expect(outcome).rejects.toBeInstanceOf(InvalidInputError);
    await expect(outcome).rejects.toMatchObject({
      message:
        "GITLAB_HA_DB_PASSWORD is not a valid RDS master password: it contains '@' and a space, which RDS does not allow in a master password",
      issues: [{ path: 'GITLAB_HA_DB_PASSWORD' }],
      hint: expect.stringContaining(
        '8 to 128 printable ASCII characters other than /, ", @ and space',
      ) as unknown,
    });
    await expect(outcome).rejects.not.toThrow('bad pass@word');
    expect(fake().calls()).toEqual([]);
  });

  it('refuses a too short GITLAB_HA_DB_PASSWORD saying how long it must be', async () => {
    // GIVEN a 5-character password
    const d = await deployment();
    const { step } = await run(d, { env: { GITLAB_HA_DB_PASSWORD: 'abcde' } });

    // WHEN the step is ensured
    // THEN it fails with the length rule
    await expect(databaseStep.ensure(step)).rejects.toThrow(
      'GITLAB_HA_DB_PASSWORD is not a valid RDS master password: it is 5 characters long; RDS needs 8 to 128',
    );
  });

  it('makes no mutating call when run again on an unchanged deployment', async () => {
    // GIVEN a deployment ensured once
    const d = await deployment();
    const first = await databaseStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN a new run ensures it again
    const second = await databaseStep.ensure((await run(d)).step);

    // THEN nothing changes and the outputs are the same
    expect(fake().mutatingCalls()).toEqual([]);
    expect(second.outputs).toEqual(first.outputs);
  });

  it('adopts its own subnet group and instance by their tags after the state was lost', async () => {
    // GIVEN a deployment ensured once, then a new state that knows nothing of it
    const d = await deployment();
    const first = await databaseStep.ensure((await run(d)).step);
    const lost = { ...d, statePath: await freshState(d) };
    fake().resetCalls();

    // WHEN the step is ensured with the new state
    const { step, store, reporter } = await run(lost);
    const second = await databaseStep.ensure(step);

    // THEN both are found by their tags and recorded as the tool's, nothing is created
    expect(fake().mutatingCalls()).toEqual([]);
    expect(second.outputs).toEqual(first.outputs);
    expect(reporter.withCode('resource.adopt').map((e) => e.data?.id)).toEqual(['demo-db', 'demo-db']);
    expect(Object.keys(store.snapshot.steps.database!.resources).sort()).toEqual([...ROLES].sort());
    expect(store.snapshot.steps.database!.resources.db!.origin).toBe('tool');
  });

  it('adopts a user-made instance named and tagged for it, but only with its password given', async () => {
    // GIVEN a subnet group and an instance made by a user, both tagged for adoption, and no password parameter
    const d = await deployment();
    await databaseStep.ensure((await run(d)).step);
    fake().rds.instances.clear();
    fake().ssm.parameters.clear();
    const lost = { ...d, statePath: await freshState(d) };
    await foreignInstance(d, adoptionTags(d.cfg, 'db'));

    // WHEN the step is ensured without GITLAB_HA_DB_PASSWORD
    const withoutPassword = databaseStep.ensure((await run(lost)).step);

    // THEN it refuses: nobody would know the instance's password
    await expect(withoutPassword).rejects.toMatchObject({
      code: 'DB_PASSWORD_UNKNOWN',
      message: `DB instance demo-db exists, but its master password is not in SSM parameter ${PARAMETER}, so gitlab-ha cannot tell GitLab what it is`,
      hint: expect.stringContaining('Set GITLAB_HA_DB_PASSWORD') as unknown,
    });
    expect(fake().ssm.parameters.has(PARAMETER)).toBe(false);

    // WHEN it is ensured with the instance's password in GITLAB_HA_DB_PASSWORD
    fake().resetCalls();
    const { step, store } = await run(lost, { env: { GITLAB_HA_DB_PASSWORD: 'TheirOwnPassword1' } });
    const result = await databaseStep.ensure(step);

    // THEN the instance is adopted (not created by the tool), and its password stored
    expect(mutatingCommands(fake())).toEqual(['PutParameter']);
    expect(store.snapshot.steps.database!.resources.db).toMatchObject({ id: 'demo-db', origin: 'adopted' });
    expect(storedPassword()).toBe('TheirOwnPassword1');
    expect(result.outputs.address).toBe(ENDPOINT);
  });

  it('refuses an untagged instance holding its identifier, naming it, before making a password', async () => {
    // GIVEN an untagged instance named demo-db in the subnet group the step made
    const d = await deployment();
    await databaseStep.ensure((await run(d)).step);
    fake().rds.instances.clear();
    fake().ssm.parameters.clear();
    await foreignInstance(d);
    const lost = { ...d, statePath: await freshState(d) };
    fake().resetCalls();

    // WHEN the step is ensured
    const outcome = databaseStep.ensure((await run(lost)).step);

    // THEN it fails with a conflict naming the instance and how to adopt it; nothing was made
    await expect(outcome).rejects.toBeInstanceOf(ProvisioningError);
    await expect(outcome).rejects.toMatchObject({
      code: 'NAME_TAKEN',
      resourceId: 'demo-db',
      message:
        "An RDS DB instance named demo-db already exists but does not carry this deployment's tags for db",
      hint: expect.stringContaining('gitlab-ha:resource=database/db') as unknown,
    });
    expect(mutatingCommands(fake())).toEqual([]);
  });

  it('refuses an untagged subnet group holding its name', async () => {
    // GIVEN an untagged subnet group named demo-db
    const d = await deployment();
    await d.aws.rds.send(
      new CreateDBSubnetGroupCommand({
        DBSubnetGroupName: 'demo-db',
        DBSubnetGroupDescription: 'mine',
        SubnetIds: d.privateSubnetIds,
      }),
    );

    // WHEN the step is ensured
    const outcome = databaseStep.ensure((await run(d)).step);

    // THEN it fails naming the group
    await expect(outcome).rejects.toMatchObject({
      code: 'NAME_TAKEN',
      message:
        "A DB subnet group named demo-db already exists but does not carry this deployment's tags for db-subnet-group",
    });
  });

  it('refuses two instances tagged as its database, naming both', async () => {
    // GIVEN its instance, and a second one carrying the same tags
    const d = await deployment();
    await databaseStep.ensure((await run(d)).step);
    await d.aws.rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'copy-of-demo-db',
        Engine: 'postgres',
        DBInstanceClass: 'db.m6i.large',
        AllocatedStorage: 100,
        DBSubnetGroupName: 'demo-db',
        MasterUsername: 'gitlab',
        MasterUserPassword: 'AnotherPassword1',
        Tags: deploymentTags(d.cfg, 'database', 'db'),
      }),
    );
    const lost = { ...d, statePath: await freshState(d) };

    // WHEN the step is ensured without state to tell them apart
    const outcome = databaseStep.ensure((await run(lost)).step);

    // THEN it fails with a conflict naming both
    await expect(outcome).rejects.toBeInstanceOf(ConflictError);
    await expect(outcome).rejects.toThrow('demo-db, copy-of-demo-db');
  });

  it('creates the instance again when it disappeared, with the stored password', async () => {
    // GIVEN a deployment whose instance was deleted behind the tool's back
    const d = await deployment();
    await databaseStep.ensure((await run(d)).step);
    const password = storedPassword();
    fake().rds.instances.clear();
    fake().resetCalls();

    // WHEN the step is ensured
    const { step, reporter } = await run(d);
    await databaseStep.ensure(step);

    // THEN the drift is reported and only the instance is created, with the same password
    expect(reporter.withCode('resource.drift').map((e) => e.message)).toEqual([
      'DB instance demo-db is gone; it will be found by tags or created again',
    ]);
    expect(mutatingCommands(fake())).toEqual(['CreateDBInstance']);
    expect(inputsOf(fake(), 'CreateDBInstance')[0]!.MasterUserPassword).toBe(password);
  });
});

describe('database waits', () => {
  it('gives up after its bound on an instance that never becomes available, saying how to resume', async () => {
    // GIVEN an RDS that takes far longer than the (shrunk) bound to create an instance
    const d = await deployment();
    fake().latency = { ...fake().latency, dbCreate: 100_000 };
    const { step } = await run(d, { timing: { ...FAST_TIMING, maxWaitScale: 0.00002 } });

    // WHEN the step is ensured
    const outcome = databaseStep.ensure(step);

    // THEN it times out naming what it waited for, with the resume hint, and the instance is recorded
    await expect(outcome).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(outcome).rejects.toMatchObject({
      message: expect.stringMatching(
        /^Timed out after \d+ s waiting for DB instance demo-db to become available$/,
      ) as unknown,
      hint: 'Run the same gitlab-ha command again to resume waiting; nothing will be created twice.',
    });
    expect((await openTestState(d.statePath)).snapshot.steps.database!.resources.db!.id).toBe('demo-db');
  });

  it('refuses to use an instance that is being deleted, saying how to finish', async () => {
    // GIVEN a destroy that died right after RDS accepted the delete
    const d = await deployment();
    await databaseStep.ensure((await run(d)).step);
    fake().latency = { ...fake().latency, dbDelete: 100 };
    fake().faults.crashAfter({ command: 'DeleteDBInstance' });
    await expect(databaseStep.destroy((await run(d)).destroy())).rejects.toThrow('simulated crash');

    // WHEN apply runs
    const outcome = databaseStep.ensure((await run(d)).step);

    // THEN it fails saying the instance is being deleted and what to run
    await expect(outcome).rejects.toMatchObject({
      code: 'DB_DELETING',
      message: 'DB instance demo-db is being deleted; it cannot be used',
      hint: expect.stringContaining('Run gitlab-ha destroy to finish deleting it') as unknown,
    });
  });
});

describe('database drift', () => {
  it('converges deletion protection, backup retention and public access online, then has nothing to do', async () => {
    // GIVEN a deployment ensured once, then made public behind the tool's back
    const d = await deployment();
    await databaseStep.ensure((await run(d)).step);
    fake().rds.instance('demo-db').publiclyAccessible = true;
    const cfg = config({ deletionProtection: true, backupRetentionDays: 14 });
    fake().resetCalls();

    // WHEN it is ensured with deletion protection on and 14 days of backups
    const { step, reporter } = await run(d, { cfg });
    await databaseStep.ensure(step);

    // THEN one ModifyDBInstance applies exactly those changes at once, each reported
    expect(
      fake()
        .mutatingCalls()
        .map((c) => [c.command, c.input]),
    ).toEqual([
      [
        'ModifyDBInstance',
        {
          DBInstanceIdentifier: 'demo-db',
          ApplyImmediately: true,
          DeletionProtection: true,
          BackupRetentionPeriod: 14,
          PubliclyAccessible: false,
        },
      ],
    ]);
    expect(reporter.withCode('resource.update').map((e) => e.message)).toEqual([
      'changed deletion protection false -> true on DB instance demo-db',
      'changed backup retention (days) 7 -> 14 on DB instance demo-db',
      'changed public access true -> false on DB instance demo-db',
    ]);
    expect(fake().rds.instance('demo-db')).toMatchObject({
      deletionProtection: true,
      backupRetentionPeriod: 14,
      publiclyAccessible: false,
    });

    // WHEN it is ensured again while the modification is still settling
    fake().resetCalls();
    await databaseStep.ensure((await run(d, { cfg })).step);

    // THEN nothing more is changed
    expect(fake().mutatingCalls()).toEqual([]);
  });

  it('reports a changed instance class with the command to change it, and leaves it', async () => {
    // GIVEN a deployment ensured once, then a config asking for a bigger class and PostgreSQL 17
    const d = await deployment();
    await databaseStep.ensure((await run(d)).step);
    const cfg = config({ instanceClass: 'db.m6i.xlarge', engineVersion: '17' });
    fake().resetCalls();

    // WHEN it is planned, ensured and inspected with that config
    const plan = await databaseStep.plan((await run(d, { cfg })).plan);
    const { step, reporter } = await run(d, { cfg });
    await databaseStep.ensure(step);
    const status = await databaseStep.inspect((await run(d, { cfg })).step);

    // THEN apply changes nothing, and says what it leaves and how to change it
    expect(fake().mutatingCalls()).toEqual([]);
    expect(reporter.withCode('resource.drift').map((e) => e.message)).toEqual([
      'DB instance demo-db: engine version 16.6 -> 17 differs from the config; apply leaves it. To change it: aws rds modify-db-instance --db-instance-identifier demo-db --engine-version 17 --allow-major-version-upgrade --apply-immediately --region eu-west-1',
      'DB instance demo-db: instance class db.m6i.large -> db.m6i.xlarge differs from the config; apply leaves it. To change it: aws rds modify-db-instance --db-instance-identifier demo-db --db-instance-class db.m6i.xlarge --apply-immediately --region eu-west-1',
    ]);
    // AND the plan shows an update whose reason says apply leaves it
    expect(plan.action).toBe('update');
    expect(plan.resources.find((r) => r.role === 'db')).toMatchObject({
      action: 'update',
      id: 'demo-db',
      reason:
        'recorded in state and present; apply leaves engine version 16.6 -> 17, instance class db.m6i.large -> db.m6i.xlarge (a restart or not changeable; gitlab-ha status says how to change it)',
    });
    // AND status shows it as drift
    expect(status.health).toBe('degraded');
    expect(status.drift).toEqual([
      'DB instance demo-db: engine version 16.6 -> 17 (apply leaves it; aws rds modify-db-instance --db-instance-identifier demo-db --engine-version 17 --allow-major-version-upgrade --apply-immediately --region eu-west-1)',
      'DB instance demo-db: instance class db.m6i.large -> db.m6i.xlarge (apply leaves it; aws rds modify-db-instance --db-instance-identifier demo-db --db-instance-class db.m6i.xlarge --apply-immediately --region eu-west-1)',
    ]);
  });

  it('accepts a newer minor version than the configured one (automatic minor upgrades)', async () => {
    // GIVEN an instance on 16.6 and a config asking for 16.4
    const d = await deployment(config({ engineVersion: '16.4' }));
    await databaseStep.ensure((await run(d)).step);
    fake().rds.instance('demo-db').engineVersion = '16.6';

    // WHEN it is inspected
    const status = await databaseStep.inspect((await run(d)).step);

    // THEN that is no drift
    expect(status).toMatchObject({ health: 'healthy', drift: [] });
  });
});

describe('database inspect', () => {
  it('shows the endpoint and the live state of every resource', async () => {
    // GIVEN a deployment ensured once
    const d = await deployment();
    await databaseStep.ensure((await run(d)).step);

    // WHEN it is inspected
    const status = await databaseStep.inspect((await run(d)).step);

    // THEN it is healthy, with the endpoint, Multi-AZ, encryption and no public access
    expect(status).toEqual({
      step: 'database',
      health: 'healthy',
      drift: [],
      outputs: {
        endpoint: `${ENDPOINT}:5432`,
        instanceIdentifier: 'demo-db',
        status: 'available',
        engineVersion: '16.6',
        multiAz: true,
        encrypted: true,
        publiclyAccessible: false,
        passwordParameterName: PARAMETER,
      },
      resources: [
        {
          role: 'db-subnet-group',
          type: 'rds:db-subnet-group',
          id: 'demo-db',
          state: 'available',
          healthy: true,
        },
        { role: 'secret/db-password', type: 'ssm:parameter', id: PARAMETER, state: 'present', healthy: true },
        { role: 'db', type: 'rds:db-instance', id: 'demo-db', state: 'available', healthy: true },
      ],
    });
  });

  it('flags public access and a missing password parameter, and a deleted instance as missing', async () => {
    // GIVEN a deployment ensured once, made public and stripped of its password parameter
    const d = await deployment();
    await databaseStep.ensure((await run(d)).step);
    fake().rds.instance('demo-db').publiclyAccessible = true;
    fake().ssm.parameters.delete(PARAMETER);

    // WHEN it is inspected
    const status = await databaseStep.inspect((await run(d)).step);

    // THEN both are drift and the instance is unhealthy
    expect(status.health).toBe('degraded');
    expect(status.outputs.publiclyAccessible).toBe(true);
    expect(status.drift).toEqual([
      `the master password parameter ${PARAMETER} is missing`,
      'DB instance demo-db: public access true -> false (apply changes it)',
    ]);
    expect(status.resources.find((r) => r.role === 'db')).toMatchObject({
      state: 'available',
      healthy: false,
    });

    // WHEN the instance is deleted behind the tool's back and inspected again
    fake().rds.instances.clear();
    const gone = await databaseStep.inspect((await run(d)).step);

    // THEN the step is missing
    expect(gone.health).toBe('missing');
    expect(gone.drift).toContain('DB instance demo-db no longer exists');
  });
});

describe('database plan', () => {
  it('plans the subnet group, the password and the instance with its key settings offline', async () => {
    // GIVEN no AWS access and gp3 storage without deletion protection
    const d = await deployment(config({ storage: { type: 'gp3', sizeGb: 50 }, multiAz: false }));

    // WHEN planned offline
    const plan = await databaseStep.plan((await run(d)).offlinePlan);

    // THEN everything is a create, with the settings that matter for HA and security
    expect(plan).toEqual({
      step: 'database',
      action: 'create',
      live: false,
      resources: [
        {
          role: 'db-subnet-group',
          type: 'rds:db-subnet-group',
          action: 'create',
          details: { name: 'demo-db', subnets: 'the private subnets' },
        },
        {
          role: 'secret/db-password',
          type: 'ssm:parameter',
          action: 'create',
          details: { name: PARAMETER, type: 'SecureString' },
        },
        {
          role: 'db',
          type: 'rds:db-instance',
          action: 'create',
          details: {
            identifier: 'demo-db',
            engine: 'postgres 16',
            class: 'db.m6i.large',
            multiAz: false,
            storage: 'gp3, 50 GB',
            encrypted: true,
            public: false,
            database: 'gitlabhq_production',
            username: 'gitlab',
            backupRetentionDays: 7,
            deletionProtection: false,
          },
        },
      ],
    });
    expect(fake().calls()).toEqual([]);
  });

  it('plans live: creates before the first run (io1 with the default IOPS), nothing after it', async () => {
    // GIVEN a deployment whose network and security are done
    const d = await deployment();

    // WHEN planned before and after ensure
    const before = await databaseStep.plan((await run(d)).plan);
    await databaseStep.ensure((await run(d)).step);
    fake().resetCalls();
    const after = await databaseStep.plan((await run(d)).plan);

    // THEN the first plan creates all three, the second is a noop; planning changed nothing
    expect(before).toMatchObject({ action: 'create', live: true });
    expect(before.resources.map((r) => [r.role, r.action, r.reason])).toEqual([
      ['db-subnet-group', 'create', 'not found'],
      ['secret/db-password', 'create', 'not found'],
      ['db', 'create', 'not found'],
    ]);
    expect(before.resources[2]!.details?.storage).toBe('io1, 100 GB, 1000 IOPS');
    expect(after).toMatchObject({ action: 'noop', live: true });
    expect(after.resources.map((r) => [r.role, r.action, r.id])).toEqual([
      ['db-subnet-group', 'noop', 'demo-db'],
      ['secret/db-password', 'noop', PARAMETER],
      ['db', 'noop', 'demo-db'],
    ]);
    expect(fake().mutatingCalls()).toEqual([]);
  });

  it('plans an update for settings apply converges', async () => {
    // GIVEN a deployment ensured once and a config switching deletion protection on
    const d = await deployment();
    await databaseStep.ensure((await run(d)).step);

    // WHEN planned with that config
    const plan = await databaseStep.plan((await run(d, { cfg: config({ deletionProtection: true }) })).plan);

    // THEN the instance is an update saying what apply will change
    expect(plan.action).toBe('update');
    expect(plan.resources.find((r) => r.role === 'db')?.reason).toBe(
      'recorded in state and present; apply will change deletion protection false -> true',
    );
  });

  it('plans creates without calling AWS while security is not deployed', async () => {
    // GIVEN AWS access but a state in which nothing is done
    const d = await deployment();
    const early = { ...d, statePath: await newStatePath() };

    // WHEN planned
    const plan = await databaseStep.plan((await run(early)).plan);

    // THEN everything is a create with that reason, and AWS was not asked
    expect(plan).toMatchObject({ action: 'create', live: true });
    expect(plan.resources.map((r) => r.reason)).toEqual(
      Array(3).fill('the network and security groups are not deployed yet'),
    );
    expect(fake().calls()).toEqual([]);
  });
});

describe('database destroy', () => {
  it('takes a final snapshot named after the deployment and time, keeps backups, and removes the rest', async () => {
    // GIVEN a deployment ensured once
    const d = await deployment();
    await databaseStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN it is destroyed
    const { destroy, store, reporter } = await run(d);
    const started = new Date();
    await databaseStep.destroy(destroy());
    const finished = new Date();

    // THEN the instance is deleted with a final snapshot and its automated backups kept,
    // then the subnet group, then (last) the password parameter
    expect(mutatingCommands(fake())).toEqual(['DeleteDBInstance', 'DeleteDBSubnetGroup', 'DeleteParameter']);
    const [deleteInput] = inputsOf(fake(), 'DeleteDBInstance');
    expect(deleteInput).toEqual({
      DBInstanceIdentifier: 'demo-db',
      FinalDBSnapshotIdentifier: expect.stringMatching(/^demo-final-\d{8}-\d{6}$/) as unknown,
      DeleteAutomatedBackups: false,
    });
    const snapshotId = deleteInput!.FinalDBSnapshotIdentifier as string;
    const [, date, time] = /^demo-final-(\d{8})-(\d{6})$/.exec(snapshotId)!;
    const takenAt = new Date(
      `${date!.slice(0, 4)}-${date!.slice(4, 6)}-${date!.slice(6)}T${time!.slice(0, 2)}:${time!.slice(2, 4)}:${time!.slice(4)}Z`,
    );
    expect(takenAt.getTime()).toBeGreaterThanOrEqual(Math.floor(started.getTime() / 1000) * 1000);
    expect(takenAt.getTime()).toBeLessThanOrEqual(finished.getTime());
    // AND the snapshot carries the deployment's tags and is reported as kept
    expect(fake().rds.snapshot(snapshotId).tags['gitlab-ha:deployment']).toBe('demo');
    expect(reporter.withCode('resource.keep').map((e) => [e.data?.id, e.message])).toEqual([
      [snapshotId, `kept final snapshot ${snapshotId} of DB instance demo-db`],
    ]);
    expect(fake().rds.retainedBackups.map((b) => b.instanceId)).toEqual(['demo-db']);
    // AND only the snapshot is left tagged for the deployment, and the state is empty
    expect(
      fake()
        .taggedResources('demo')
        .map((r) => r.arn),
    ).toEqual([`arn:aws:rds:eu-west-1:123456789012:snapshot:${snapshotId}`]);
    expect(store.snapshot.steps.database!.resources).toEqual({});

    // WHEN it is destroyed again
    fake().resetCalls();
    await databaseStep.destroy((await run(d)).destroy());

    // THEN nothing is changed
    expect(fake().mutatingCalls()).toEqual([]);
  });

  it('takes no final snapshot with skipFinalSnapshots', async () => {
    // GIVEN a deployment ensured once
    const d = await deployment();
    await databaseStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN it is destroyed with skipFinalSnapshots
    const { destroy, reporter } = await run(d);
    await databaseStep.destroy(destroy({ skipFinalSnapshots: true }));

    // THEN RDS is told to skip it, no snapshot exists, and nothing is tagged any more
    expect(inputsOf(fake(), 'DeleteDBInstance')).toEqual([
      { DBInstanceIdentifier: 'demo-db', SkipFinalSnapshot: true, DeleteAutomatedBackups: false },
    ]);
    expect(fake().rds.snapshots.size).toBe(0);
    expect(reporter.withCode('resource.keep')).toEqual([]);
    expect(fake().taggedResources('demo')).toEqual([]);
  });

  it('stops at deletion protection with the command that lifts it, deleting nothing', async () => {
    // GIVEN a deployment ensured with deletion protection on
    const d = await deployment(config({ deletionProtection: true }));
    await databaseStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN it is destroyed
    const outcome = databaseStep.destroy((await run(d)).destroy());

    // THEN it fails saying how to lift the protection, and nothing was deleted
    await expect(outcome).rejects.toMatchObject({
      code: 'DELETION_PROTECTED',
      resourceId: 'demo-db',
      message:
        'DB instance demo-db has deletion protection on, so gitlab-ha did not delete it (nor its subnet group and password parameter)',
      hint: 'Lift it with `aws rds modify-db-instance --db-instance-identifier demo-db --no-deletion-protection --apply-immediately --region eu-west-1` (or set database.deletionProtection: false and run gitlab-ha apply), then run destroy again.',
    });
    expect(fake().mutatingCalls()).toEqual([]);
    expect(fake().rds.instance('demo-db').state).toBe('available');
    expect(fake().ssm.parameters.has(PARAMETER)).toBe(true);

    // WHEN the config lifts it, apply runs, and destroy runs again
    const lifted = config({ deletionProtection: false });
    await databaseStep.ensure((await run(d, { cfg: lifted })).step);
    await databaseStep.destroy((await run(d, { cfg: lifted })).destroy());

    // THEN it is gone
    expect(fake().rds.instances.size).toBe(0);
  });

  it('resumes a destroy that crashed after DeleteDBInstance: waits, and deletes the rest', async () => {
    // GIVEN a destroy that died right after RDS accepted the delete
    const d = await deployment();
    await databaseStep.ensure((await run(d)).step);
    fake().faults.crashAfter({ command: 'DeleteDBInstance' });
    await expect(databaseStep.destroy((await run(d)).destroy())).rejects.toThrow(
      'simulated crash after rds DeleteDBInstance',
    );
    expect(fake().rds.instance('demo-db').state).toBe('deleting');
    const [snapshotId] = [...fake().rds.snapshots.keys()];

    // WHEN a new run destroys again
    const { destroy, reporter } = await run(d);
    await databaseStep.destroy(destroy());

    // THEN it waited for the delete without asking twice, and reported the snapshot as kept
    expect(inputsOf(fake(), 'DeleteDBInstance')).toHaveLength(1);
    expect(fake().rds.instances.size).toBe(0);
    expect(fake().rds.snapshots.size).toBe(1);
    expect(reporter.withCode('resource.keep').map((e) => e.data?.id)).toEqual([snapshotId]);
    expect(fake().rds.subnetGroups.size).toBe(0);
    expect(fake().ssm.parameters.has(PARAMETER)).toBe(false);
  });

  it('waits for an instance still being created before deleting it', async () => {
    // GIVEN an apply that crashed right after CreateDBInstance, leaving the instance creating
    const d = await deployment();
    fake().faults.crashAfter({ command: 'CreateDBInstance' });
    await expect(databaseStep.ensure((await run(d)).step)).rejects.toThrow('simulated crash');
    expect(fake().rds.instance('demo-db').state).toBe('creating');

    // WHEN the deployment is destroyed
    await databaseStep.destroy((await run(d)).destroy());

    // THEN the instance became available, was deleted with a snapshot, and everything is gone
    expect(fake().rds.instances.size).toBe(0);
    expect(fake().rds.snapshots.size).toBe(1);
    expect(fake().rds.subnetGroups.size).toBe(0);
    expect(fake().ssm.parameters.size).toBe(0);
  });

  it('keeps an adopted instance, its subnet group and its password without --force', async () => {
    // GIVEN a user-made instance adopted by ensure (with its password given)
    const d = await deployment();
    await databaseStep.ensure((await run(d)).step);
    fake().rds.instances.clear();
    fake().ssm.parameters.clear();
    const lost = { ...d, statePath: await freshState(d) };
    await foreignInstance(d, adoptionTags(d.cfg, 'db'));
    await databaseStep.ensure(
      (await run(lost, { env: { GITLAB_HA_DB_PASSWORD: 'TheirOwnPassword1' } })).step,
    );
    fake().resetCalls();

    // WHEN destroyed without --force
    const { destroy, reporter, store } = await run(lost);
    await databaseStep.destroy(destroy());

    // THEN nothing is deleted, all three are reported as kept and forgotten
    expect(fake().mutatingCalls()).toEqual([]);
    expect(reporter.withCode('resource.keep').map((e) => e.data?.id)).toEqual([
      'demo-db',
      'demo-db',
      PARAMETER,
    ]);
    expect(store.snapshot.steps.database!.resources).toEqual({});
  });
});

describe('database crash and resume', () => {
  it.each(['CreateDBSubnetGroup', 'PutParameter', 'CreateDBInstance'])(
    'completes after a crash right after %s, without duplicates',
    async (command) => {
      // GIVEN a run that dies right after that call took effect
      const d = await deployment();
      fake().faults.crashAfter({ command });
      await expect(databaseStep.ensure((await run(d)).step)).rejects.toThrow(`simulated crash after`);

      // WHEN a new run resumes from the state file on disk
      const result = await databaseStep.ensure((await run(d)).step);

      // THEN there is one subnet group, one instance and one password, and the instance got that password
      expect([...fake().rds.subnetGroups.keys()]).toEqual(['demo-db']);
      expect([...fake().rds.instances.keys()]).toEqual(['demo-db']);
      expect([...fake().ssm.parameters.keys()]).toEqual([PARAMETER]);
      expect(inputsOf(fake(), 'CreateDBInstance')).toHaveLength(1);
      expect(fake().rds.instance('demo-db').masterUserPassword).toBe(storedPassword());
      expect(result.outputs.address).toBe(ENDPOINT);
      // AND a further run has nothing to do
      fake().resetCalls();
      await databaseStep.ensure((await run(d)).step);
      expect(fake().mutatingCalls()).toEqual([]);
    },
  );
});
