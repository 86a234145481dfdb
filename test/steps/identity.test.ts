import {
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  AddRoleToInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { deploymentTags } from '../../src/aws/tags.js';
import type { Config } from '../../src/config/schema.js';
import { ProvisioningError, WaitTimeoutError } from '../../src/engine/errors.js';
import { identityStep } from '../../src/steps/identity/index.js';
import {
  baseConfig,
  FAST_TIMING,
  mutatingCommands,
  openTestState,
  stepRun,
  useFakeAws,
  useStatePaths,
} from '../support/step-harness.js';

const fake = useFakeAws();
const newStatePath = useStatePaths();

const ACCOUNT = '123456789012';
const NAME = 'demo-gitlab-node';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${NAME}`;
const PROFILE_ARN = `arn:aws:iam::${ACCOUNT}:instance-profile/${NAME}`;
const SSM_CORE = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';
const CREATES = [
  'CreateRole',
  'PutRolePolicy',
  'AttachRolePolicy',
  'CreateInstanceProfile',
  'AddRoleToInstanceProfile',
];

/** The trust policy, written out here so the test does not reuse the code under test. */
const TRUST_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

/** The inline policy the bootstrap protocol needs, for deployment demo in eu-west-1. */
const NODE_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'ReadDeploymentParameters',
      Effect: 'Allow',
      Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
      Resource: `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/gitlab-ha/demo/*`,
    },
    {
      Sid: 'DecryptDeploymentParameters',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/*`,
      Condition: {
        StringEquals: { 'kms:ViaService': 'ssm.eu-west-1.amazonaws.com' },
        StringLike: {
          'kms:EncryptionContext:PARAMETER_ARN': `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/gitlab-ha/demo/*`,
        },
      },
    },
    {
      Sid: 'WriteBootstrapLog',
      Effect: 'Allow',
      Action: 'ssm:PutParameter',
      Resource: `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/gitlab-ha/demo/bootstrap/*`,
    },
    {
      Sid: 'SignalBootstrapResultOnItself',
      Effect: 'Allow',
      Action: 'ec2:CreateTags',
      Resource: `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/*`,
      Condition: {
        StringEquals: {
          'aws:ARN': '${ec2:SourceInstanceARN}',
          'aws:RequestTag/gitlab-ha:bootstrap': ['ready', 'failed'],
        },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['gitlab-ha:bootstrap'] },
      },
    },
  ],
};

function config(region = 'eu-west-1'): Config {
  return baseConfig({ region, network: { availabilityZones: [`${region}a`, `${region}b`] } });
}

/** The tags the role and profile carry: the deployment's, with Name = the IAM name, and the region. */
function iamTagsOf(role: string, region = 'eu-west-1') {
  return [
    ...deploymentTags(config(region), 'identity', role).map((t) =>
      t.Key === 'Name' ? { ...t, Value: NAME } : t,
    ),
    { Key: 'gitlab-ha:region', Value: region },
  ];
}

interface Deployment {
  aws: AwsClients;
  cfg: Config;
  statePath: string;
}

async function emptyState(): Promise<string> {
  const statePath = await newStatePath();
  await openTestState(statePath);
  return statePath;
}

async function deployment(cfg: Config = config()): Promise<Deployment> {
  return { aws: fake().clients(), cfg, statePath: await emptyState() };
}

/** Fresh contexts over the state file on disk, as a new run of the tool would build them. */
function run(d: Deployment, cfg: Config = d.cfg) {
  return stepRun({ step: 'identity', aws: d.aws, config: cfg, statePath: d.statePath });
}

function inlinePolicy(): unknown {
  const document = fake().iam.role(NAME).inlinePolicies.get('gitlab-ha');
  return document === undefined ? undefined : JSON.parse(document);
}

/** A role (and optionally a profile) named like the deployment's, made by someone else. */
async function squat(d: Deployment, what: 'role' | 'profile', tags: { Key: string; Value: string }[] = []) {
  if (what === 'role') {
    await d.aws.iam.send(
      new CreateRoleCommand({
        RoleName: NAME,
        AssumeRolePolicyDocument: JSON.stringify(TRUST_POLICY),
        Tags: tags,
      }),
    );
  } else {
    await d.aws.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: NAME, Tags: tags }));
  }
  fake().resetCalls();
}

describe('identity ensure', () => {
  it('creates the role with the EC2 trust, the least-privilege inline policy, SSM core and a tagged profile', async () => {
    // GIVEN an empty account
    const d = await deployment();
    const { step, store } = await run(d);

    // WHEN the step is ensured
    const result = await identityStep.ensure(step);

    // THEN exactly five changes are made, in order
    expect(mutatingCommands(fake())).toEqual(CREATES);
    const input = (command: string) =>
      fake()
        .calls()
        .find((c) => c.command === command)!.input;

    // AND the role is created with the EC2 trust policy, a description and the deployment's tags
    const createRole = input('CreateRole');
    expect(Object.keys(createRole).sort()).toEqual([
      'AssumeRolePolicyDocument',
      'Description',
      'RoleName',
      'Tags',
    ]);
    expect(createRole.RoleName).toBe(NAME);
    expect(JSON.parse(createRole.AssumeRolePolicyDocument as string)).toEqual(TRUST_POLICY);
    expect(createRole.Description).toBe(
      'gitlab-ha demo: GitLab nodes in eu-west-1 (read /gitlab-ha/demo/*, signal bootstrap, Session Manager)',
    );
    expect(createRole.Tags).toEqual(iamTagsOf('role'));
    expect(fake().iam.role(NAME).tags).toMatchObject({
      team: 'platform',
      Name: NAME,
      'gitlab-ha:deployment': 'demo',
      'gitlab-ha:resource': 'identity/role',
      'gitlab-ha:created-by': 'gitlab-ha',
      'gitlab-ha:region': 'eu-west-1',
    });

    // AND the inline policy gitlab-ha grants exactly the bootstrap protocol, in the role's account
    expect(input('PutRolePolicy')).toMatchObject({ RoleName: NAME, PolicyName: 'gitlab-ha' });
    expect(JSON.parse(input('PutRolePolicy').PolicyDocument as string)).toEqual(NODE_POLICY);
    expect(fake().iam.role(NAME).inlinePolicies.size).toBe(1);

    // AND Session Manager's managed policy is attached, and nothing else
    expect(input('AttachRolePolicy')).toEqual({ RoleName: NAME, PolicyArn: SSM_CORE });
    expect(fake().iam.role(NAME).attachedPolicies).toEqual([SSM_CORE]);

    // AND the profile is tagged in its create call and holds the role
    expect(input('CreateInstanceProfile')).toEqual({
      InstanceProfileName: NAME,
      Tags: iamTagsOf('instance-profile'),
    });
    expect(input('AddRoleToInstanceProfile')).toEqual({ InstanceProfileName: NAME, RoleName: NAME });
    expect(fake().iam.instanceProfile(NAME).roles).toEqual([NAME]);

    // AND the account came from the role's ARN: STS was not asked
    expect(
      fake()
        .calls()
        .filter((c) => c.service === 'sts'),
    ).toEqual([]);

    // AND both are recorded as the tool's, and the outputs name them
    expect(store.snapshot.steps.identity!.resources).toMatchObject({
      role: { type: 'iam:role', id: NAME, origin: 'tool', attributes: { arn: ROLE_ARN } },
      'instance-profile': {
        type: 'iam:instance-profile',
        id: NAME,
        origin: 'tool',
        attributes: { arn: PROFILE_ARN },
      },
    });
    expect(result.outputs).toEqual({
      roleName: NAME,
      roleArn: ROLE_ARN,
      instanceProfileName: NAME,
      instanceProfileArn: PROFILE_ARN,
    });
  });

  it('makes no mutating call when run again on an unchanged deployment', async () => {
    // GIVEN a deployment ensured once
    const d = await deployment();
    const first = await identityStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN a new run ensures it again
    const second = await identityStep.ensure((await run(d)).step);

    // THEN only reads are made and the outputs are the same
    expect(fake().mutatingCalls()).toEqual([]);
    expect(
      fake()
        .calls()
        .map((c) => c.command),
    ).toEqual(['GetRole', 'GetRolePolicy', 'ListAttachedRolePolicies', 'GetInstanceProfile']);
    expect(second.outputs).toEqual(first.outputs);
  });

  it('adopts its role and profile by name and tags after the state was lost', async () => {
    // GIVEN a deployment ensured once, then a new state file that knows nothing of it
    const d = await deployment();
    const first = await identityStep.ensure((await run(d)).step);
    const lost = { ...d, statePath: await emptyState() };
    fake().resetCalls();

    // WHEN the step is ensured with the new state
    const { step, store, reporter } = await run(lost);
    const second = await identityStep.ensure(step);

    // THEN both are found and recorded again as the tool's, nothing is changed
    expect(fake().mutatingCalls()).toEqual([]);
    expect(second.outputs).toEqual(first.outputs);
    expect(reporter.withCode('resource.adopt').map((e) => e.message)).toEqual([
      `found IAM role ${NAME} by its tags`,
      `found IAM instance profile ${NAME} by its tags`,
    ]);
    expect(Object.values(store.snapshot.steps.identity!.resources).map((r) => r.origin)).toEqual([
      'tool',
      'tool',
    ]);
  });

  it('adopts a role a user tagged for the deployment, completing its policies, and keeps it on destroy', async () => {
    // GIVEN a role made by a user with the deployment and resource tags (no created-by tag)
    const d = await deployment();
    await squat(d, 'role', [
      { Key: 'gitlab-ha:deployment', Value: 'demo' },
      { Key: 'gitlab-ha:resource', Value: 'identity/role' },
    ]);

    // WHEN the step is ensured
    const { step, store } = await run(d);
    await identityStep.ensure(step);

    // THEN the role is adopted (not created) and given its policies, and a profile is created for it
    expect(mutatingCommands(fake())).toEqual([
      'PutRolePolicy',
      'AttachRolePolicy',
      'CreateInstanceProfile',
      'AddRoleToInstanceProfile',
    ]);
    expect(store.snapshot.steps.identity!.resources.role!.origin).toBe('adopted');
    expect(inlinePolicy()).toEqual(NODE_POLICY);

    // WHEN destroyed without --force
    fake().resetCalls();
    const { destroy, reporter } = await run(d);
    await identityStep.destroy(destroy());

    // THEN the profile is emptied and deleted, the adopted role stays as it is
    expect(mutatingCommands(fake())).toEqual(['RemoveRoleFromInstanceProfile', 'DeleteInstanceProfile']);
    expect(fake().iam.findRole(NAME)).toBeDefined();
    expect(reporter.withCode('resource.keep').map((e) => e.data?.id)).toEqual([NAME]);
  });

  it('refuses a role of the same name that does not carry the deployment tag, saying how to fix it', async () => {
    // GIVEN someone else's role named demo-gitlab-node
    const d = await deployment();
    await squat(d, 'role', [{ Key: 'owner', Value: 'someone' }]);

    // WHEN the step is ensured
    const outcome = identityStep.ensure((await run(d)).step);

    // THEN it fails naming the role and both ways out, and changes nothing
    await expect(outcome).rejects.toMatchObject({
      code: 'NAME_TAKEN',
      resourceId: NAME,
      message: `An IAM role named ${NAME} already exists in this AWS account but does not carry this deployment's tag gitlab-ha:deployment=demo`,
      hint: `IAM names are global to the account. Delete that IAM role, or adopt it by tagging it (aws iam tag-role --role-name ${NAME} --tags Key=gitlab-ha:deployment,Value=demo Key=gitlab-ha:resource,Value=identity/role), or choose another deployment name; then run again.`,
    });
    expect(fake().mutatingCalls()).toEqual([]);
    expect(fake().iam.role(NAME).inlinePolicies.size).toBe(0);
  });

  it('refuses an instance profile of the same name without the deployment tag', async () => {
    // GIVEN someone else's profile named demo-gitlab-node
    const d = await deployment();
    await squat(d, 'profile');

    // WHEN the step is ensured
    const outcome = identityStep.ensure((await run(d)).step);

    // THEN the role is made, but the profile is refused with the command that adopts it
    await expect(outcome).rejects.toBeInstanceOf(ProvisioningError);
    await expect(outcome).rejects.toThrow(
      `An IAM instance profile named ${NAME} already exists in this AWS account but does not carry this deployment's tag gitlab-ha:deployment=demo`,
    );
    await expect(outcome).rejects.toMatchObject({
      hint: expect.stringContaining(
        `aws iam tag-instance-profile --instance-profile-name ${NAME}`,
      ) as unknown,
    });
    expect(fake().iam.instanceProfile(NAME).roles).toEqual([]);
  });

  it('refuses a recorded role that someone deleted and re-created without its tags, and destroy leaves it', async () => {
    // GIVEN a deployment whose role was deleted by hand and re-created, untagged, under the same name
    const d = await deployment();
    await identityStep.ensure((await run(d)).step);
    fake().iam.instanceProfile(NAME).roles = [];
    fake().iam.roles.delete(NAME);
    await squat(d, 'role');

    // WHEN the step is ensured
    const outcome = identityStep.ensure((await run(d)).step);

    // THEN the stranger's role is not taken for the recorded one
    await expect(outcome).rejects.toMatchObject({ code: 'NAME_TAKEN', resourceId: NAME });
    expect(fake().mutatingCalls()).toEqual([]);

    // WHEN the deployment is destroyed
    const { destroy, store } = await run(d);
    await identityStep.destroy(destroy());

    // THEN the deployment's profile is deleted, the stranger's role stays, and state forgets the role
    expect(mutatingCommands(fake())).toEqual(['DeleteInstanceProfile']);
    expect(fake().iam.findRole(NAME)?.tags).toEqual({});
    expect(store.snapshot.steps.identity?.resources ?? {}).toEqual({});
  });

  it('refuses the role of a deployment with the same name in another region', async () => {
    // GIVEN demo deployed in us-east-1 of the same account
    const east = await deployment(config('us-east-1'));
    await identityStep.ensure((await run(east)).step);

    // WHEN demo in eu-west-1 is ensured
    const west = await deployment();
    const outcome = identityStep.ensure((await run(west)).step);

    // THEN it fails: IAM names are global, the two cannot share them
    await expect(outcome).rejects.toThrow(
      `The IAM role ${NAME} belongs to the deployment demo in us-east-1, not eu-west-1; IAM names are global to the account, so two deployments named demo cannot share one account`,
    );
  });

  it('re-creates a role deleted behind its back, and puts it back into the profile', async () => {
    // GIVEN a deployment whose role was removed from its profile and deleted by hand
    const d = await deployment();
    await identityStep.ensure((await run(d)).step);
    fake().iam.instanceProfile(NAME).roles = [];
    fake().iam.roles.delete(NAME);
    fake().resetCalls();

    // WHEN the step is ensured
    const { step, reporter } = await run(d);
    await identityStep.ensure(step);

    // THEN the role is created with its policies and put into the profile again
    expect(mutatingCommands(fake())).toEqual([
      'CreateRole',
      'PutRolePolicy',
      'AttachRolePolicy',
      'AddRoleToInstanceProfile',
    ]);
    expect(fake().iam.instanceProfile(NAME).roles).toEqual([NAME]);
    expect(reporter.withCode('resource.drift').map((e) => e.message)).toEqual([
      `IAM role ${NAME} is gone; it will be found by tags or created again`,
    ]);
  });

  it('retries IAM calls that name an entity IAM does not show yet', async () => {
    // GIVEN IAM not showing the new role to the first PutRolePolicy nor the new profile to the first add
    const d = await deployment();
    for (const command of ['PutRolePolicy', 'AddRoleToInstanceProfile']) {
      fake().faults.failNext({
        command,
        error: {
          name: 'NoSuchEntity',
          message: `The role with name ${NAME} cannot be found.`,
          httpStatusCode: 404,
        },
      });
    }

    // WHEN the step is ensured
    await identityStep.ensure((await run(d)).step);

    // THEN each call is made again and succeeds
    expect(
      fake()
        .calls()
        .filter((c) => c.mutating)
        .map((c) => [c.command, c.error]),
    ).toEqual([
      ['CreateRole', undefined],
      ['PutRolePolicy', 'NoSuchEntity'],
      ['PutRolePolicy', undefined],
      ['AttachRolePolicy', undefined],
      ['CreateInstanceProfile', undefined],
      ['AddRoleToInstanceProfile', 'NoSuchEntity'],
      ['AddRoleToInstanceProfile', undefined],
    ]);
    expect(fake().iam.instanceProfile(NAME).roles).toEqual([NAME]);
  });

  it('refuses to swap out another role found in its profile', async () => {
    // GIVEN the deployment's profile holding a role the user put there
    const d = await deployment();
    await identityStep.ensure((await run(d)).step);
    await d.aws.iam.send(
      new CreateRoleCommand({ RoleName: 'mine', AssumeRolePolicyDocument: JSON.stringify(TRUST_POLICY) }),
    );
    fake().iam.instanceProfile(NAME).roles = [];
    await d.aws.iam.send(
      new AddRoleToInstanceProfileCommand({ InstanceProfileName: NAME, RoleName: 'mine' }),
    );

    // WHEN the step is ensured
    const outcome = identityStep.ensure((await run(d)).step);

    // THEN it stops, naming the role and how to remove it
    await expect(outcome).rejects.toMatchObject({
      code: 'PROFILE_HOLDS_OTHER_ROLE',
      message: `IAM instance profile ${NAME} holds the role mine, but GitLab nodes need ${NAME} in it (a profile holds one role)`,
      hint: `Remove it (aws iam remove-role-from-instance-profile --instance-profile-name ${NAME} --role-name mine) and run again.`,
    });
  });
});

describe('identity drift', () => {
  it('puts the inline policy again when its document changed, comparing parsed JSON', async () => {
    // GIVEN a deployment whose inline policy was widened by hand
    const d = await deployment();
    await identityStep.ensure((await run(d)).step);
    const widened = structuredClone(NODE_POLICY);
    widened.Statement[0]!.Resource = `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/*`;
    fake().iam.role(NAME).inlinePolicies.set('gitlab-ha', JSON.stringify(widened));

    // WHEN inspected and planned
    const status = await identityStep.inspect((await run(d)).step);
    const plan = await identityStep.plan((await run(d)).plan);

    // THEN the policy is drift, and the plan updates it alone
    expect(status.health).toBe('degraded');
    expect(status.drift).toEqual([
      `inline policy gitlab-ha of IAM role ${NAME} differs from the one this deployment needs`,
    ]);
    expect(status.resources.find((r) => r.role === 'role/inline-policy')).toMatchObject({
      state: 'differs',
      healthy: false,
    });
    expect(plan.action).toBe('update');
    expect(plan.resources.filter((r) => r.action !== 'noop')).toEqual([
      {
        role: 'role/inline-policy',
        type: 'iam:role-policy',
        action: 'update',
        id: `${NAME}/gitlab-ha`,
        reason: 'differs from the policy this deployment needs',
        details: {
          name: 'gitlab-ha',
          reads: '/gitlab-ha/demo/*',
          writes: '/gitlab-ha/demo/bootstrap/*',
          tags: 'gitlab-ha:bootstrap on the instance itself',
        },
      },
    ]);

    // WHEN the step is ensured
    fake().resetCalls();
    const { step, reporter } = await run(d);
    await identityStep.ensure(step);

    // THEN the policy alone is put again, with the event saying why, and inspect is clean
    expect(mutatingCommands(fake())).toEqual(['PutRolePolicy']);
    expect(inlinePolicy()).toEqual(NODE_POLICY);
    expect(reporter.withCode('resource.update').map((e) => e.message)).toEqual([
      `replaced inline policy gitlab-ha of IAM role ${NAME}: it differed from the one this deployment needs`,
    ]);
    expect(await identityStep.inspect((await run(d)).step)).toMatchObject({ health: 'healthy', drift: [] });
  });

  it('leaves an inline policy that means the same but is spelled differently', async () => {
    // GIVEN the inline policy re-written with whitespace, reordered keys and lists, and one-item lists
    const d = await deployment();
    await identityStep.ensure((await run(d)).step);
    const respelled = structuredClone(NODE_POLICY) as { Statement: Record<string, unknown>[] };
    respelled.Statement[0]!.Action = ['ssm:GetParametersByPath', 'ssm:GetParameter', 'ssm:GetParameters'];
    respelled.Statement[2]!.Action = ['ssm:PutParameter'];
    respelled.Statement[2] = Object.fromEntries(Object.entries(respelled.Statement[2]!).reverse());
    fake()
      .iam.role(NAME)
      .inlinePolicies.set('gitlab-ha', JSON.stringify(respelled, null, 4));
    fake().resetCalls();

    // WHEN the step is ensured
    await identityStep.ensure((await run(d)).step);

    // THEN nothing is put
    expect(fake().mutatingCalls()).toEqual([]);
  });

  it('re-attaches Session Manager and resets the trust policy when they were changed by hand', async () => {
    // GIVEN a deployment whose managed policy was detached and whose trust names lambda instead of EC2
    const d = await deployment();
    await identityStep.ensure((await run(d)).step);
    fake().iam.role(NAME).attachedPolicies = [];
    fake().iam.role(NAME).assumeRolePolicyDocument = JSON.stringify(TRUST_POLICY).replace('ec2.', 'lambda.');

    // WHEN inspected
    const status = await identityStep.inspect((await run(d)).step);

    // THEN both are drift lines
    expect(status.drift).toEqual([
      `IAM role ${NAME} has a trust policy other than "EC2 may assume it"`,
      `AmazonSSMManagedInstanceCore is not attached to IAM role ${NAME}`,
    ]);

    // WHEN ensured
    fake().resetCalls();
    await identityStep.ensure((await run(d)).step);

    // THEN the trust is reset and the policy attached, and all is well again
    expect(mutatingCommands(fake())).toEqual(['UpdateAssumeRolePolicy', 'AttachRolePolicy']);
    expect(JSON.parse(fake().iam.role(NAME).assumeRolePolicyDocument)).toEqual(TRUST_POLICY);
    expect(fake().iam.role(NAME).attachedPolicies).toEqual([SSM_CORE]);
    expect((await identityStep.inspect((await run(d)).step)).health).toBe('healthy');
  });

  it('reports a profile emptied by hand, and ensure puts the role back', async () => {
    // GIVEN a deployment whose profile no longer holds the role
    const d = await deployment();
    await identityStep.ensure((await run(d)).step);
    fake().iam.instanceProfile(NAME).roles = [];

    // WHEN inspected, then ensured
    const status = await identityStep.inspect((await run(d)).step);
    fake().resetCalls();
    await identityStep.ensure((await run(d)).step);

    // THEN the missing role was drift, and only the add was made
    expect(status.drift).toEqual([`IAM instance profile ${NAME} holds no role (it should hold ${NAME})`]);
    expect(mutatingCommands(fake())).toEqual(['AddRoleToInstanceProfile']);
  });

  it('reports everything present and its ARNs when nothing drifted', async () => {
    // GIVEN a deployment ensured once
    const d = await deployment();
    await identityStep.ensure((await run(d)).step);

    // WHEN inspected
    const status = await identityStep.inspect((await run(d)).step);

    // THEN every part is present and healthy, and the outputs name the role and profile
    expect(status).toEqual({
      step: 'identity',
      health: 'healthy',
      drift: [],
      outputs: {
        roleName: NAME,
        roleArn: ROLE_ARN,
        instanceProfileName: NAME,
        instanceProfileArn: PROFILE_ARN,
      },
      resources: [
        { role: 'role', type: 'iam:role', id: NAME, state: 'available', healthy: true },
        {
          role: 'role/inline-policy',
          type: 'iam:role-policy',
          id: `${NAME}/gitlab-ha`,
          state: 'present',
          healthy: true,
        },
        {
          role: 'role/managed-policy',
          type: 'iam:role-policy-attachment',
          id: `${NAME}/AmazonSSMManagedInstanceCore`,
          state: 'attached',
          healthy: true,
        },
        {
          role: 'instance-profile',
          type: 'iam:instance-profile',
          id: NAME,
          state: 'available',
          healthy: true,
        },
      ],
    });
  });

  it('reports a role and profile deleted behind its back as missing', async () => {
    // GIVEN a deployment whose role and profile were deleted by hand
    const d = await deployment();
    await identityStep.ensure((await run(d)).step);
    fake().iam.instanceProfiles.clear();
    fake().iam.roles.clear();

    // WHEN inspected
    const status = await identityStep.inspect((await run(d)).step);

    // THEN both are missing
    expect(status.health).toBe('missing');
    expect(status.drift).toEqual([
      `IAM role ${NAME} no longer exists`,
      `IAM instance profile ${NAME} no longer exists`,
    ]);
    expect(status.outputs).toEqual({});
  });
});

describe('identity plan', () => {
  it('plans every part as a create offline, with its details', async () => {
    // GIVEN no AWS access
    const d = await deployment();

    // WHEN planned offline
    const plan = await identityStep.plan((await run(d)).offlinePlan);

    // THEN the role, its two policies, the profile and its role are creates
    expect(plan).toEqual({
      step: 'identity',
      action: 'create',
      live: false,
      resources: [
        {
          role: 'role',
          type: 'iam:role',
          action: 'create',
          details: { name: NAME, trust: 'ec2.amazonaws.com' },
        },
        {
          role: 'role/inline-policy',
          type: 'iam:role-policy',
          action: 'create',
          details: {
            name: 'gitlab-ha',
            reads: '/gitlab-ha/demo/*',
            writes: '/gitlab-ha/demo/bootstrap/*',
            tags: 'gitlab-ha:bootstrap on the instance itself',
          },
        },
        {
          role: 'role/managed-policy',
          type: 'iam:role-policy-attachment',
          action: 'create',
          details: { policy: 'AmazonSSMManagedInstanceCore' },
        },
        { role: 'instance-profile', type: 'iam:instance-profile', action: 'create', details: { name: NAME } },
        {
          role: 'instance-profile/role',
          type: 'iam:instance-profile-role',
          action: 'create',
          details: { role: NAME },
        },
      ],
    });
    expect(fake().calls()).toEqual([]);
  });

  it('plans live: creates before the first run, nothing after it, and changes nothing', async () => {
    // GIVEN an empty account
    const d = await deployment();

    // WHEN planned live before and after ensure
    const before = await identityStep.plan((await run(d)).plan);
    await identityStep.ensure((await run(d)).step);
    fake().resetCalls();
    const after = await identityStep.plan((await run(d)).plan);

    // THEN the first plan creates all five parts, the second is a noop
    expect(before).toMatchObject({ action: 'create', live: true });
    expect(before.resources.map((r) => [r.role, r.action, r.reason])).toEqual([
      ['role', 'create', 'not found'],
      ['role/inline-policy', 'create', 'the role is new'],
      ['role/managed-policy', 'create', 'the role is new'],
      ['instance-profile', 'create', 'not found'],
      ['instance-profile/role', 'create', 'the instance profile is new'],
    ]);
    expect(after).toMatchObject({ action: 'noop', live: true });
    expect(after.resources.map((r) => [r.role, r.action, r.id])).toEqual([
      ['role', 'noop', NAME],
      ['role/inline-policy', 'noop', `${NAME}/gitlab-ha`],
      ['role/managed-policy', 'noop', `${NAME}/AmazonSSMManagedInstanceCore`],
      ['instance-profile', 'noop', NAME],
      ['instance-profile/role', 'noop', `${NAME}/${NAME}`],
    ]);
    expect(fake().mutatingCalls()).toEqual([]);
  });

  it('plans to adopt what it finds by name and tags when the state was lost', async () => {
    // GIVEN a deployment ensured once and a fresh state
    const d = await deployment();
    await identityStep.ensure((await run(d)).step);
    const lost = { ...d, statePath: await emptyState() };

    // WHEN planned live
    const plan = await identityStep.plan((await run(lost)).plan);

    // THEN the role and profile are adopted and their parts need nothing
    expect(plan.action).toBe('adopt');
    expect(plan.resources.map((r) => [r.role, r.action])).toEqual([
      ['role', 'adopt'],
      ['role/inline-policy', 'noop'],
      ['role/managed-policy', 'noop'],
      ['instance-profile', 'adopt'],
      ['instance-profile/role', 'noop'],
    ]);
  });
});

describe('identity destroy', () => {
  it('removes the role from the profile, deletes the profile, the policies and the role; then does nothing', async () => {
    // GIVEN a deployment ensured once
    const d = await deployment();
    await identityStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN it is destroyed
    const { destroy, store, reporter } = await run(d);
    await identityStep.destroy(destroy());

    // THEN the calls come in IAM's required order, and nothing of the deployment is left
    expect(
      fake()
        .mutatingCalls()
        .map((c) => [c.command, c.input]),
    ).toEqual([
      ['RemoveRoleFromInstanceProfile', { InstanceProfileName: NAME, RoleName: NAME }],
      ['DeleteInstanceProfile', { InstanceProfileName: NAME }],
      ['DetachRolePolicy', { RoleName: NAME, PolicyArn: SSM_CORE }],
      ['DeleteRolePolicy', { RoleName: NAME, PolicyName: 'gitlab-ha' }],
      ['DeleteRole', { RoleName: NAME }],
    ]);
    expect(fake().iam.roles.size).toBe(0);
    expect(fake().iam.instanceProfiles.size).toBe(0);
    expect(fake().taggedResources('demo')).toEqual([]);
    expect(store.snapshot.steps.identity?.resources ?? {}).toEqual({});
    expect(reporter.withCode('resource.delete').map((e) => e.message)).toEqual([
      `removed IAM role ${NAME} from instance profile ${NAME}`,
      `deleted IAM instance profile ${NAME}`,
      `detached AmazonSSMManagedInstanceCore from IAM role ${NAME}`,
      `deleted inline policy gitlab-ha of IAM role ${NAME}`,
      `deleted IAM role ${NAME}`,
    ]);

    // WHEN it is destroyed again
    fake().resetCalls();
    await identityStep.destroy((await run(d)).destroy());

    // THEN nothing is changed
    expect(fake().mutatingCalls()).toEqual([]);
  });

  it('deletes what it finds by name and tags after a crash kept it out of state, and policies a user added', async () => {
    // GIVEN a deployment ensured once, an extra managed policy attached by a user, and a lost state
    const d = await deployment();
    await identityStep.ensure((await run(d)).step);
    fake().iam.role(NAME).attachedPolicies.push('arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy');
    const lost = { ...d, statePath: await emptyState() };

    // WHEN destroyed with the empty state
    const { destroy, reporter } = await run(lost);
    await identityStep.destroy(destroy());

    // THEN everything is gone, and the user's policy was named when it was detached
    expect(fake().iam.roles.size).toBe(0);
    expect(fake().iam.instanceProfiles.size).toBe(0);
    expect(reporter.withCode('resource.delete').map((e) => e.message)).toContain(
      `detached CloudWatchAgentServerPolicy from IAM role ${NAME} (it was not attached by gitlab-ha)`,
    );
  });

  it('leaves alone a role and profile of the same name that are not tagged for the deployment', async () => {
    // GIVEN someone else's role and profile named like the deployment's, and no state
    const d = await deployment();
    await squat(d, 'role');
    await squat(d, 'profile');

    // WHEN destroyed
    await identityStep.destroy((await run(d)).destroy());

    // THEN nothing is touched
    expect(fake().mutatingCalls()).toEqual([]);
    expect(fake().iam.findRole(NAME)).toBeDefined();
    expect(fake().iam.findInstanceProfile(NAME)).toBeDefined();
  });

  it('retries DeleteRole while IAM still reports a conflict, within a bound', async () => {
    // GIVEN a deployment whose role delete conflicts twice (IAM catching up with the removals)
    const d = await deployment();
    await identityStep.ensure((await run(d)).step);
    fake().faults.failNext({
      command: 'DeleteRole',
      error: {
        name: 'DeleteConflict',
        message: 'Cannot delete entity, must detach all policies first.',
        httpStatusCode: 409,
      },
      times: 2,
    });

    // WHEN destroyed
    await identityStep.destroy((await run(d)).destroy());

    // THEN the delete was retried until the role was gone
    expect(fake().iam.roles.size).toBe(0);
    expect(
      fake()
        .calls()
        .filter((c) => c.command === 'DeleteRole')
        .map((c) => c.error),
    ).toEqual(['DeleteConflict', 'DeleteConflict', undefined]);
  });

  it('gives up on a role another profile still holds, saying what it waited for', async () => {
    // GIVEN a deployment whose role a user also put into their own profile
    const d = await deployment();
    await identityStep.ensure((await run(d)).step);
    await d.aws.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'users-profile' }));
    await d.aws.iam.send(
      new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'users-profile', RoleName: NAME }),
    );
    const { destroy } = await stepRun({
      step: 'identity',
      aws: d.aws,
      config: d.cfg,
      statePath: d.statePath,
      timing: { ...FAST_TIMING, maxWaitScale: 0.0005 },
    });

    // WHEN destroyed
    const outcome = identityStep.destroy(destroy());

    // THEN it times out naming the role; the profile of the deployment is gone
    await expect(outcome).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(outcome).rejects.toThrow(`IAM role ${NAME} to be deletable`);
    expect(fake().iam.findInstanceProfile(NAME)).toBeUndefined();
  });
});

describe('identity crash and resume', () => {
  it.each(CREATES)('completes after a crash right after %s, without duplicates', async (command) => {
    // GIVEN a run that dies right after that call took effect
    const d = await deployment();
    fake().faults.crashAfter({ command });
    await expect(identityStep.ensure((await run(d)).step)).rejects.toThrow(
      `simulated crash after iam ${command}`,
    );

    // WHEN a new run resumes from the state file on disk
    const { step, store } = await run(d);
    const result = await identityStep.ensure(step);

    // THEN there is one role with its policies, one profile holding it, both recorded as the tool's
    expect([...fake().iam.roles.values()].map((r) => r.name)).toEqual([NAME]);
    expect([...fake().iam.instanceProfiles.values()].map((p) => [p.name, p.roles])).toEqual([[NAME, [NAME]]]);
    expect(inlinePolicy()).toEqual(NODE_POLICY);
    expect(fake().iam.role(NAME).attachedPolicies).toEqual([SSM_CORE]);
    expect(Object.values(store.snapshot.steps.identity!.resources).map((r) => [r.id, r.origin])).toEqual([
      [NAME, 'tool'],
      [NAME, 'tool'],
    ]);
    expect(result.outputs.instanceProfileArn).toBe(PROFILE_ARN);

    // AND a further run has nothing to do
    fake().resetCalls();
    await identityStep.ensure((await run(d)).step);
    expect(fake().mutatingCalls()).toEqual([]);
  });
});
