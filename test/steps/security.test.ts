import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { deploymentTags } from '../../src/aws/tags.js';
import type { Config, ConfigInput } from '../../src/config/schema.js';
import { ConflictError, ProvisioningError, WaitTimeoutError } from '../../src/engine/errors.js';
import type { Timing } from '../../src/engine/step.js';
import { securityStep } from '../../src/steps/security/index.js';
import type { SecurityGroupRuleRecord } from '../support/fake-aws/index.js';
import {
  baseConfig,
  FAST_TIMING,
  mutatingCommands,
  openTestState,
  stepRun,
  useFakeAws,
  useStatePaths,
} from '../support/step-harness.js';

// A fresh fake AWS per test: every test starts from an empty account.
const fake = useFakeAws();
const newStatePath = useStatePaths();

const TIMING: Timing = { ...FAST_TIMING, maxDelaySeconds: 0.005, maxWaitScale: 0.0005 };
const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
const ROLES = ['sg/lb', 'sg/app', 'sg/builder', 'sg/db', 'sg/redis', 'sg/storage'];

function config(
  overrides: { gitlab?: Partial<ConfigInput['gitlab']>; certificateArn?: string } = {},
): Config {
  return baseConfig({
    gitlab: overrides.gitlab,
    ...(overrides.certificateArn ? { loadBalancer: { certificateArn: overrides.certificateArn } } : {}),
  });
}

interface Deployment {
  aws: AwsClients;
  cfg: Config;
  vpcId: string;
  statePath: string;
}

/** A VPC in the fake and a state file on disk in which the network step is done. */
async function deployment(cfg: Config = config()): Promise<Deployment> {
  const aws = fake().clients();
  const vpcId = (await aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  const statePath = await networkDoneState(vpcId);
  fake().resetCalls();
  return { aws, cfg, vpcId, statePath };
}

async function networkDoneState(vpcId: string): Promise<string> {
  const statePath = await newStatePath();
  const store = await openTestState(statePath);
  await store.update((draft) => {
    draft.steps.network = { status: 'done', resources: {}, outputs: { vpcId, vpcCidr: '10.0.0.0/16' } };
  });
  return statePath;
}

/** Fresh contexts over the state file on disk, as a new run of the tool would build them. */
function run(d: Deployment, cfg: Config = d.cfg) {
  return stepRun({ step: 'security', aws: d.aws, config: cfg, statePath: d.statePath, timing: TIMING });
}

function groupsOf(vpcId: string) {
  return [...fake().ec2.securityGroups.values()].filter((g) => g.vpcId === vpcId && g.name !== 'default');
}

function groupIdByName(name: string): string {
  const group = [...fake().ec2.securityGroups.values()].find((g) => g.name === name);
  if (!group) throw new Error(`no group ${name} in the fake`);
  return group.id;
}

/** The live ingress of a group as `TCP <port> from <peer group name | cidr> (<description>)`. */
function ingressOf(groupName: string): string[] {
  const id = groupIdByName(groupName);
  const nameOf = (groupId: string) => fake().ec2.securityGroups.get(groupId)?.name ?? groupId;
  return [...fake().ec2.securityGroupRules.values()]
    .filter((r) => r.groupId === id && !r.isEgress)
    .map(
      (r) =>
        `${r.ipProtocol.toUpperCase()} ${r.fromPort} from ${r.cidrIpv4 ?? nameOf(r.referencedGroupId!)} (${r.description})`,
    )
    .sort();
}

function egressOf(groupName: string): SecurityGroupRuleRecord[] {
  const id = groupIdByName(groupName);
  return [...fake().ec2.securityGroupRules.values()].filter((r) => r.groupId === id && r.isEgress);
}

describe('security ensure', () => {
  it('creates one tagged group per role in the VPC, with exactly the desired ingress rules', async () => {
    // GIVEN a deployment whose network is done, with git SSH on and no certificate or admin CIDR
    const d = await deployment();
    const { step, store } = await run(d);

    // WHEN the step is ensured
    const result = await securityStep.ensure(step);

    // THEN six groups are created in the VPC, named after the deployment, described and tagged in the call
    const creates = fake()
      .calls()
      .filter((c) => c.command === 'CreateSecurityGroup');
    expect(creates.map((c) => c.input)).toEqual(
      ROLES.map((role) => ({
        GroupName: `demo-${role.replace('/', '-')}`,
        Description: expect.stringMatching(/^gitlab-ha demo: /) as unknown,
        VpcId: d.vpcId,
        TagSpecifications: [
          { ResourceType: 'security-group', Tags: deploymentTags(d.cfg, 'security', role) },
        ],
      })),
    );
    expect(creates[1]!.input.Description).toBe(
      'gitlab-ha demo: GitLab application nodes, reachable only through the load balancer',
    );
    expect(fake().ec2.securityGroup(groupIdByName('demo-sg-db')).tags).toMatchObject({
      team: 'platform',
      Name: 'demo-sg-db',
      'gitlab-ha:deployment': 'demo',
      'gitlab-ha:resource': 'security/sg/db',
      'gitlab-ha:created-by': 'gitlab-ha',
    });

    // AND each group has exactly its rules, described
    expect(ingressOf('demo-sg-lb')).toEqual([
      'TCP 22 from 0.0.0.0/0 (Git over SSH from anywhere)',
      'TCP 80 from 0.0.0.0/0 (HTTP from anywhere)',
    ]);
    expect(ingressOf('demo-sg-app')).toEqual([
      'TCP 22 from demo-sg-lb (Git over SSH from the load balancer)',
      'TCP 80 from demo-sg-lb (HTTP from the load balancer)',
    ]);
    expect(ingressOf('demo-sg-builder')).toEqual([]);
    expect(ingressOf('demo-sg-db')).toEqual([
      'TCP 5432 from demo-sg-app (PostgreSQL from GitLab nodes)',
      'TCP 5432 from demo-sg-builder (PostgreSQL from the image builder)',
    ]);
    expect(ingressOf('demo-sg-redis')).toEqual([
      'TCP 6379 from demo-sg-app (Redis from GitLab nodes)',
      'TCP 6379 from demo-sg-builder (Redis from the image builder)',
    ]);
    expect(ingressOf('demo-sg-storage')).toEqual([
      'TCP 2049 from demo-sg-app (NFS from GitLab nodes)',
      'TCP 2049 from demo-sg-builder (NFS from the image builder)',
      'TCP 8075 from demo-sg-app (Gitaly from GitLab nodes)',
      'TCP 8075 from demo-sg-builder (Gitaly from the image builder)',
    ]);

    // AND the rules of a group come in one tagged authorize call per group that has rules
    const authorizes = fake()
      .calls()
      .filter((c) => c.command === 'AuthorizeSecurityGroupIngress');
    expect(authorizes.map((c) => c.input.GroupId)).toEqual(
      ['demo-sg-lb', 'demo-sg-app', 'demo-sg-db', 'demo-sg-redis', 'demo-sg-storage'].map(groupIdByName),
    );
    expect(authorizes[0]!.input.TagSpecifications).toEqual([
      { ResourceType: 'security-group-rule', Tags: deploymentTags(d.cfg, 'security', 'sg/lb/ingress') },
    ]);
    const appRule = [...fake().ec2.securityGroupRules.values()].find(
      (r) => r.groupId === groupIdByName('demo-sg-app') && !r.isEgress,
    )!;
    expect(appRule.tags['gitlab-ha:resource']).toBe('security/sg/app/ingress');

    // AND AWS's default egress (all traffic out) is left as it is
    for (const group of groupsOf(d.vpcId)) {
      expect(egressOf(group.name).map((r) => [r.ipProtocol, r.cidrIpv4])).toEqual([['-1', '0.0.0.0/0']]);
    }

    // AND every group is recorded as created by the tool, and the outputs map role names to ids
    expect(
      Object.entries(store.snapshot.steps.security!.resources).map(([role, r]) => [role, r.origin]),
    ).toEqual(ROLES.map((role) => [role, 'tool']));
    expect(result.outputs).toEqual({
      securityGroupIds: Object.fromEntries(
        ['lb', 'app', 'builder', 'db', 'redis', 'storage'].map((n) => [n, groupIdByName(`demo-sg-${n}`)]),
      ),
    });
  });

  it('opens 443 only with a certificate and admin SSH only from sshAccessCidr, and closes 22 without gitSsh', async () => {
    // GIVEN a certificate, an admin CIDR, and git over SSH switched off
    const cfg = config({ certificateArn: CERT, gitlab: { gitSsh: false, sshAccessCidr: '203.0.113.0/24' } });
    const d = await deployment(cfg);
    const { step } = await run(d);

    // WHEN the step is ensured
    await securityStep.ensure(step);

    // THEN the load balancer takes 80 and 443 from anywhere, but not 22
    expect(ingressOf('demo-sg-lb')).toEqual([
      'TCP 443 from 0.0.0.0/0 (HTTPS from anywhere)',
      'TCP 80 from 0.0.0.0/0 (HTTP from anywhere)',
    ]);
    // AND the nodes take HTTP from the load balancer and SSH only from the admin CIDR
    expect(ingressOf('demo-sg-app')).toEqual([
      'TCP 22 from 203.0.113.0/24 (Admin SSH from gitlab.sshAccessCidr)',
      'TCP 80 from demo-sg-lb (HTTP from the load balancer)',
    ]);
  });

  it('makes no mutating call when run again on an unchanged deployment', async () => {
    // GIVEN a deployment ensured once
    const d = await deployment();
    const first = await securityStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN a new run ensures it again
    const second = await securityStep.ensure((await run(d)).step);

    // THEN nothing is changed and the outputs are the same
    expect(fake().mutatingCalls()).toEqual([]);
    expect(second.outputs).toEqual(first.outputs);
  });

  it('adopts its groups by their tags after the state was lost', async () => {
    // GIVEN a deployment ensured once, then a new state file that knows nothing of it
    const d = await deployment();
    const first = await securityStep.ensure((await run(d)).step);
    const lost = { ...d, statePath: await networkDoneState(d.vpcId) };
    fake().resetCalls();

    // WHEN the step is ensured with the new state
    const { step, store, reporter } = await run(lost);
    const second = await securityStep.ensure(step);

    // THEN every group is found by its tags and recorded again, nothing is created
    expect(fake().mutatingCalls()).toEqual([]);
    expect(second.outputs).toEqual(first.outputs);
    expect(reporter.withCode('resource.adopt').map((e) => e.data?.role)).toEqual(ROLES);
    expect(Object.values(store.snapshot.steps.security!.resources).map((r) => r.origin)).toEqual(
      ROLES.map(() => 'tool'),
    );
  });

  it('refuses two groups carrying the same role tags, naming both', async () => {
    // GIVEN a deployment ensured once, and a second group tagged as its database group
    const d = await deployment();
    await securityStep.ensure((await run(d)).step);
    const duplicate = await d.aws.ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: 'copy-of-db',
        Description: 'a copy',
        VpcId: d.vpcId,
        TagSpecifications: [
          { ResourceType: 'security-group', Tags: deploymentTags(d.cfg, 'security', 'sg/db') },
        ],
      }),
    );
    const lost = { ...d, statePath: await networkDoneState(d.vpcId) };

    // WHEN the step is ensured without state to tell them apart
    const outcome = securityStep.ensure((await run(lost)).step);

    // THEN it fails with a conflict that names both groups
    await expect(outcome).rejects.toBeInstanceOf(ConflictError);
    await expect(outcome).rejects.toThrow(groupIdByName('demo-sg-db'));
    await expect(outcome).rejects.toThrow(duplicate.GroupId!);
  });

  it('refuses a group of this deployment that lives in another VPC', async () => {
    // GIVEN the app group tagged for this deployment but in another VPC
    const d = await deployment();
    const otherVpc = (await d.aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc!.VpcId!;
    const stray = await d.aws.ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: 'demo-sg-app',
        Description: 'elsewhere',
        VpcId: otherVpc,
        TagSpecifications: [
          { ResourceType: 'security-group', Tags: deploymentTags(d.cfg, 'security', 'sg/app') },
        ],
      }),
    );

    // WHEN the step is ensured
    const outcome = securityStep.ensure((await run(d)).step);

    // THEN it fails naming the group, its VPC and the deployment's VPC
    await expect(outcome).rejects.toBeInstanceOf(ProvisioningError);
    await expect(outcome).rejects.toThrow(
      `Security group sg/app (${stray.GroupId}) is in ${otherVpc}, but the deployment's VPC is ${d.vpcId}; a security group cannot move between VPCs`,
    );
  });

  it('says which group holds its name when an untagged group took it', async () => {
    // GIVEN an untagged group named like the deployment's database group
    const d = await deployment();
    const squatter = await d.aws.ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'demo-sg-db', Description: 'mine', VpcId: d.vpcId }),
    );

    // WHEN the step is ensured
    const outcome = securityStep.ensure((await run(d)).step);

    // THEN it fails naming the group and how to adopt it
    await expect(outcome).rejects.toMatchObject({
      code: 'NAME_TAKEN',
      resourceId: squatter.GroupId,
      message: `A security group named demo-sg-db (${squatter.GroupId}) already exists in ${d.vpcId} but does not carry this deployment's tags for sg/db`,
      hint: expect.stringContaining('gitlab-ha:resource=security/sg/db') as unknown,
    });
  });

  it('re-creates a group deleted behind its back', async () => {
    // GIVEN a deployment ensured once whose redis group was deleted by hand (with its rules)
    const d = await deployment();
    await securityStep.ensure((await run(d)).step);
    const oldId = groupIdByName('demo-sg-redis');
    for (const rule of [...fake().ec2.securityGroupRules.values()])
      if (rule.groupId === oldId) fake().ec2.securityGroupRules.delete(rule.id);
    fake().ec2.securityGroups.delete(oldId);

    // WHEN the deployment is inspected
    const status = await securityStep.inspect((await run(d)).step);

    // THEN the group shows as missing (no other group's rules reference redis)
    expect(status.health).toBe('degraded');
    expect(status.drift).toEqual([`security group sg/redis (${oldId}) no longer exists`]);
    expect(status.resources.find((r) => r.role === 'sg/redis')).toMatchObject({
      id: oldId,
      state: 'missing',
      healthy: false,
    });

    // WHEN the step is ensured again
    fake().resetCalls();
    const { step, reporter } = await run(d);
    const result = await securityStep.ensure(step);

    // THEN a new redis group is created with its two rules, and the drift was reported
    const newId = groupIdByName('demo-sg-redis');
    expect(newId).not.toBe(oldId);
    expect(mutatingCommands(fake())).toEqual(['CreateSecurityGroup', 'AuthorizeSecurityGroupIngress']);
    expect(ingressOf('demo-sg-redis')).toHaveLength(2);
    expect(reporter.withCode('resource.drift').map((e) => e.message)).toEqual([
      `security group sg/redis ${oldId} is gone; it will be found by tags or created again`,
    ]);
    expect((result.outputs.securityGroupIds as Record<string, string>).redis).toBe(newId);
  });
});

describe('security drift', () => {
  it('reports a rule deleted behind its back, and ensure adds it again', async () => {
    // GIVEN a deployment ensured once whose "PostgreSQL from GitLab nodes" rule was revoked by hand
    const d = await deployment();
    await securityStep.ensure((await run(d)).step);
    const dbId = groupIdByName('demo-sg-db');
    const removed = [...fake().ec2.securityGroupRules.values()].find(
      (r) => r.groupId === dbId && r.referencedGroupId === groupIdByName('demo-sg-app'),
    )!;
    fake().ec2.securityGroupRules.delete(removed.id);

    // WHEN the deployment is inspected
    const before = await securityStep.inspect((await run(d)).step);

    // THEN the missing rule is drift on the db group
    expect(before.health).toBe('degraded');
    expect(before.drift).toEqual([
      `security group sg/db (${dbId}) is missing ingress TCP 5432 from sg/app (PostgreSQL from GitLab nodes)`,
    ]);
    expect(before.resources.find((r) => r.role === 'sg/db')).toMatchObject({
      healthy: false,
      state: 'available',
    });

    // AND a live plan shows the rule to create, and nothing else changing
    const plan = await securityStep.plan((await run(d)).plan);
    expect(plan.action).toBe('update');
    expect(plan.resources.filter((r) => r.action !== 'noop')).toEqual([
      {
        role: 'sg/db/ingress/postgres-from-app',
        type: 'ec2:security-group-rule',
        action: 'create',
        reason: `missing from ${dbId}`,
        details: {
          group: 'db',
          protocol: 'tcp',
          port: 5432,
          source: 'sg/app',
          description: 'PostgreSQL from GitLab nodes',
        },
      },
    ]);

    // WHEN the step is ensured
    fake().resetCalls();
    await securityStep.ensure((await run(d)).step);

    // THEN exactly that rule is authorized again, and inspect finds nothing wrong
    const calls = fake().mutatingCalls();
    expect(calls.map((c) => [c.command, c.input.GroupId])).toEqual([['AuthorizeSecurityGroupIngress', dbId]]);
    expect(calls[0]!.input.IpPermissions).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
        UserIdGroupPairs: [
          { GroupId: groupIdByName('demo-sg-app'), Description: 'PostgreSQL from GitLab nodes' },
        ],
      },
    ]);
    const after = await securityStep.inspect((await run(d)).step);
    expect(after).toMatchObject({ health: 'healthy', drift: [] });
  });

  it('revokes an ingress rule it does not manage, saying why', async () => {
    // GIVEN a deployment ensured once, then MySQL opened to the world on the db group by hand
    const d = await deployment();
    await securityStep.ensure((await run(d)).step);
    const dbId = groupIdByName('demo-sg-db');
    const extra = await d.aws.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: dbId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
      }),
    );
    const extraId = extra.SecurityGroupRules![0]!.SecurityGroupRuleId!;

    // WHEN inspected and planned
    const status = await securityStep.inspect((await run(d)).step);
    const plan = await securityStep.plan((await run(d)).plan);

    // THEN the rule is drift and planned for deletion
    expect(status.drift).toEqual([
      `security group sg/db (${dbId}) has an unexpected ingress rule ${extraId}: TCP 3306 from 0.0.0.0/0`,
    ]);
    expect(plan.resources.filter((r) => r.action !== 'noop')).toEqual([
      {
        role: `sg/db/ingress/${extraId}`,
        type: 'ec2:security-group-rule',
        action: 'delete',
        id: extraId,
        reason: 'not among the rules gitlab-ha manages for this group',
        details: { group: 'db', rule: 'TCP 3306 from 0.0.0.0/0' },
      },
    ]);

    // WHEN the step is ensured
    fake().resetCalls();
    const { step, reporter } = await run(d);
    await securityStep.ensure(step);

    // THEN exactly that rule is revoked, by id, with an event saying what and why
    expect(
      fake()
        .mutatingCalls()
        .map((c) => [c.command, c.input]),
    ).toEqual([['RevokeSecurityGroupIngress', { GroupId: dbId, SecurityGroupRuleIds: [extraId] }]]);
    expect(fake().ec2.securityGroupRules.has(extraId)).toBe(false);
    expect(ingressOf('demo-sg-db')).toHaveLength(2);
    expect(reporter.withCode('resource.update').map((e) => e.message)).toEqual([
      `revoked TCP 3306 from 0.0.0.0/0 (${extraId}) of ${dbId}: it is not among the rules gitlab-ha manages for this group and config`,
    ]);
  });

  it('closes 443 when the certificate is removed from the config', async () => {
    // GIVEN a deployment ensured with a certificate
    const d = await deployment(config({ certificateArn: CERT }));
    await securityStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN it is ensured with a config without one
    await securityStep.ensure((await run(d, config())).step);

    // THEN the HTTPS rule alone is revoked
    expect(mutatingCommands(fake())).toEqual(['RevokeSecurityGroupIngress']);
    expect(ingressOf('demo-sg-lb')).toEqual([
      'TCP 22 from 0.0.0.0/0 (Git over SSH from anywhere)',
      'TCP 80 from 0.0.0.0/0 (HTTP from anywhere)',
    ]);
  });
});

describe('security plan', () => {
  it('plans every group and rule as a create offline', async () => {
    // GIVEN no AWS access
    const d = await deployment(config({ gitlab: { sshAccessCidr: '198.51.100.0/24' } }));

    // WHEN planned offline
    const plan = await securityStep.plan((await run(d)).offlinePlan);

    // THEN six groups and thirteen rules are creates, with their ports and sources
    expect(plan).toMatchObject({ step: 'security', action: 'create', live: false });
    expect(
      plan.resources.filter((r) => r.type === 'ec2:security-group').map((r) => [r.role, r.details?.name]),
    ).toEqual(ROLES.map((role) => [role, `demo-${role.replace('/', '-')}`]));
    const rules = plan.resources.filter((r) => r.type === 'ec2:security-group-rule');
    expect(rules).toHaveLength(13);
    expect(rules.every((r) => r.action === 'create' && r.reason === undefined)).toBe(true);
    expect(rules.find((r) => r.role === 'sg/app/ingress/admin-ssh')?.details).toEqual({
      group: 'app',
      protocol: 'tcp',
      port: 22,
      source: '198.51.100.0/24',
      description: 'Admin SSH from gitlab.sshAccessCidr',
    });
  });

  it('plans creates without calling AWS while the network is not deployed', async () => {
    // GIVEN AWS access but a state in which the network step has not completed
    const d = await deployment();
    const early = { ...d, statePath: await newStatePath() };

    // WHEN planned
    const plan = await securityStep.plan((await run(early)).plan);

    // THEN every group and rule is a create, and AWS was not asked anything
    expect(plan).toMatchObject({ action: 'create', live: true });
    expect(plan.resources).toHaveLength(6 + 12);
    expect(
      plan.resources.every((r) => r.action === 'create' && r.reason === 'the network is not deployed yet'),
    ).toBe(true);
    expect(fake().calls()).toEqual([]);
  });

  it('plans live: creates before the first run, nothing after it', async () => {
    // GIVEN a deployment whose network is done but whose groups do not exist yet
    const d = await deployment();

    // WHEN planned live before and after ensure
    const before = await securityStep.plan((await run(d)).plan);
    await securityStep.ensure((await run(d)).step);
    fake().resetCalls();
    const after = await securityStep.plan((await run(d)).plan);

    // THEN the first plan creates every group and rule, the second is a noop listing only the groups
    expect(before).toMatchObject({ action: 'create', live: true });
    expect(before.resources.filter((r) => r.action === 'create')).toHaveLength(6 + 12);
    expect(after).toMatchObject({ action: 'noop', live: true });
    expect(after.resources.map((r) => [r.role, r.action])).toEqual(ROLES.map((role) => [role, 'noop']));
    // AND planning changed nothing
    expect(fake().mutatingCalls()).toEqual([]);
  });
});

describe('security destroy', () => {
  it('revokes cross-references first, deletes every group, and a second destroy does nothing', async () => {
    // GIVEN a deployment ensured once
    const d = await deployment();
    await securityStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN it is destroyed
    const { destroy, store, reporter } = await run(d);
    await securityStep.destroy(destroy());

    // THEN the rules referencing other groups (app, db, redis, storage) are revoked before any delete
    const calls = mutatingCommands(fake());
    const firstDelete = calls.indexOf('DeleteSecurityGroup');
    expect(calls.slice(0, firstDelete)).toEqual(Array(4).fill('RevokeSecurityGroupIngress'));
    expect(calls.slice(firstDelete)).toEqual(Array(6).fill('DeleteSecurityGroup'));
    // AND every group is gone from AWS and from state
    expect(groupsOf(d.vpcId)).toEqual([]);
    expect(
      [...fake().ec2.securityGroupRules.values()].filter((r) => !fake().ec2.securityGroups.has(r.groupId)),
    ).toEqual([]);
    expect(store.snapshot.steps.security?.resources ?? {}).toEqual({});
    expect(reporter.withCode('resource.delete')).toHaveLength(6);

    // WHEN it is destroyed again
    fake().resetCalls();
    await securityStep.destroy((await run(d)).destroy());
    // THEN nothing is called that changes anything
    expect(fake().mutatingCalls()).toEqual([]);
  });

  it('deletes groups found only by their tags after a crash before they were recorded', async () => {
    // GIVEN groups created by a run whose state was lost
    const d = await deployment();
    await securityStep.ensure((await run(d)).step);
    const lost = { ...d, statePath: await networkDoneState(d.vpcId) };

    // WHEN destroyed with the empty state
    await securityStep.destroy((await run(lost)).destroy());

    // THEN they are deleted all the same
    expect(groupsOf(d.vpcId)).toEqual([]);
  });

  it('keeps an adopted group it did not create, revoking only its references to deleted groups', async () => {
    // GIVEN an app group made by a user, tagged for adoption (no created-by tag), adopted by ensure
    const d = await deployment();
    const userTags = deploymentTags(d.cfg, 'security', 'sg/app').filter(
      (t) => t.Key !== 'gitlab-ha:created-by',
    );
    const adopted = await d.aws.ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: 'users-app',
        Description: 'made by hand',
        VpcId: d.vpcId,
        TagSpecifications: [{ ResourceType: 'security-group', Tags: userTags }],
      }),
    );
    await securityStep.ensure((await run(d)).step);

    // WHEN destroyed without --force
    const { destroy, reporter } = await run(d);
    await securityStep.destroy(destroy());

    // THEN only the adopted group is left, without the rules that referenced the deleted lb group
    expect(groupsOf(d.vpcId).map((g) => g.id)).toEqual([adopted.GroupId]);
    expect(ingressOf('users-app')).toEqual([]);
    expect(reporter.withCode('resource.keep').map((e) => e.data?.id)).toEqual([adopted.GroupId]);
  });

  it('retries while network interfaces still hold a group, within a bound', async () => {
    // GIVEN a deployment ensured once whose app group is still used by a lingering interface for two tries
    const d = await deployment();
    await securityStep.ensure((await run(d)).step);
    fake().faults.failNext({
      command: 'DeleteSecurityGroup',
      error: { name: 'DependencyViolation', message: 'resource has a dependent object' },
      times: 2,
    });

    // WHEN destroyed
    await securityStep.destroy((await run(d)).destroy());

    // THEN the deletes are retried until every group is gone
    expect(groupsOf(d.vpcId)).toEqual([]);
    expect(
      fake()
        .calls()
        .filter((c) => c.command === 'DeleteSecurityGroup' && c.error === 'DependencyViolation'),
    ).toHaveLength(2);
  });

  it('gives up on a group still in use after the bound, saying what it waited for', async () => {
    // GIVEN a deployment whose db group is held by an interface that never goes away
    const d = await deployment();
    await securityStep.ensure((await run(d)).step);
    const subnet = await d.aws.ec2.send(
      new CreateSubnetCommand({ VpcId: d.vpcId, CidrBlock: '10.0.10.0/24', AvailabilityZone: 'eu-west-1a' }),
    );
    const dbId = groupIdByName('demo-sg-db');
    fake().ec2.addNetworkInterface({
      subnetId: subnet.Subnet!.SubnetId!,
      groupIds: [dbId],
      description: 'RDS',
    });

    // WHEN destroyed
    const outcome = securityStep.destroy((await run(d)).destroy());

    // THEN it times out naming the group, and the other groups are deleted
    await expect(outcome).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(outcome).rejects.toThrow(
      `security group sg/db ${dbId} to be released by the network interfaces that use it`,
    );
    expect(groupsOf(d.vpcId).map((g) => g.id)).toEqual([dbId]);
  });
});

describe('security crash and resume', () => {
  // Every create call of a fresh deployment: six groups, then the rules of the five groups that have any.
  const crashPoints = [
    ...[1, 2, 3, 4, 5, 6].map((nth) => ['CreateSecurityGroup', nth] as const),
    ...[1, 2, 3, 4, 5].map((nth) => ['AuthorizeSecurityGroupIngress', nth] as const),
  ];
  it.each(crashPoints)(
    'completes after a crash right after %s call %i, without duplicates',
    async (command, nth) => {
      // GIVEN a run that dies right after that call took effect
      const d = await deployment();
      fake().faults.crashAfter({ command, nth });
      // (awsCall wraps the crash like any failed call: the SDK gives every error it passes on $metadata.)
      await expect(securityStep.ensure((await run(d)).step)).rejects.toThrow(
        `simulated crash after ec2 ${command}`,
      );

      // WHEN a new run resumes from the state file on disk
      const result = await securityStep.ensure((await run(d)).step);

      // THEN there is one group per role and each desired rule exists exactly once
      expect(
        groupsOf(d.vpcId)
          .map((g) => g.name)
          .sort(),
      ).toEqual(ROLES.map((r) => `demo-${r.replace('/', '-')}`).sort());
      const ours = new Set(groupsOf(d.vpcId).map((g) => g.id));
      const ingress = [...fake().ec2.securityGroupRules.values()].filter(
        (r) => ours.has(r.groupId) && !r.isEgress,
      );
      expect(ingress).toHaveLength(12);
      expect(ingressOf('demo-sg-app')).toHaveLength(2);
      expect(Object.values(result.outputs.securityGroupIds as Record<string, string>).sort()).toEqual(
        groupsOf(d.vpcId)
          .map((g) => g.id)
          .sort(),
      );
      // AND a further run has nothing to do
      fake().resetCalls();
      await securityStep.ensure((await run(d)).step);
      expect(fake().mutatingCalls()).toEqual([]);
    },
  );
});
