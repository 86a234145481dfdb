import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  DeleteInstanceProfileCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetInstanceProfileCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMServiceException,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfileTagsCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  PutRolePolicyCommand,
  RemoveRoleFromInstanceProfileCommand,
  TagInstanceProfileCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import type { IAMClient } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { isNotFound } from '../../src/aws/errors.js';
import { useFakeAws } from './helpers.js';

const { fake, aws } = useFakeAws();
const iam = (): IAMClient => aws().iam;

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const READ_PARAMS = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: 'ssm:GetParameter',
      Resource: "arn:aws:ssm:eu-west-1:123456789012:parameter/it's(*)",
    },
  ],
});
const SSM_CORE = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';
const demoTags = [{ Key: 'gitlab-ha:deployment', Value: 'demo' }];

async function createRole(name = 'demo-node', tags = demoTags) {
  return (
    await iam().send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST, Tags: tags }))
  ).Role!;
}

async function createProfile(name = 'demo-node', tags = demoTags) {
  return (await iam().send(new CreateInstanceProfileCommand({ InstanceProfileName: name, Tags: tags })))
    .InstanceProfile!;
}

/** The AWS error code a call fails with (the SDK keeps it in `Code`, the fake in `name` too). */
async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(IAMServiceException);
    return (error as { Code: string }).Code;
  }
  throw new Error('expected the call to fail');
}

describe('fake IAM: roles', () => {
  it('creates a role with an account ARN, an AROA id and its tags, and returns the trust policy URL-encoded', async () => {
    // GIVEN a role created with a trust policy and a tag
    const created = await createRole();

    // WHEN it is read back
    const { Role } = await iam().send(new GetRoleCommand({ RoleName: 'demo-node' }));

    // THEN it has IAM's ARN and id shapes, its tags, and the document URL-encoded as AWS sends it
    expect(created.Arn).toBe('arn:aws:iam::123456789012:role/demo-node');
    expect(Role).toMatchObject({
      RoleName: 'demo-node',
      Path: '/',
      Arn: created.Arn,
      RoleId: created.RoleId,
      MaxSessionDuration: 3600,
      Tags: demoTags,
    });
    expect(Role!.RoleId).toMatch(/^AROA[0-9A-F]{17}$/);
    expect(Role!.AssumeRolePolicyDocument).toBe(encodeURIComponent(TRUST));
    expect(JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!))).toEqual(JSON.parse(TRUST));
  });

  it('refuses a second role with the same name in any letter case, and finds roles regardless of case', async () => {
    // GIVEN a role demo-node
    await createRole();

    // WHEN DEMO-NODE is created, and demo-NODE read
    const code = await codeOf(createRole('DEMO-NODE'));
    const { Role } = await iam().send(new GetRoleCommand({ RoleName: 'demo-NODE' }));

    // THEN the name is taken (IAM names are case-insensitive) and the read finds demo-node
    expect(code).toBe('EntityAlreadyExists');
    expect(Role!.RoleName).toBe('demo-node');
  });

  it('answers NoSuchEntity for a missing role, which the tool reads as "gone"', async () => {
    // GIVEN no role
    // WHEN it is read
    const outcome = iam().send(new GetRoleCommand({ RoleName: 'nobody' }));

    // THEN IAM's not-found error comes back, with its message
    await expect(outcome).rejects.toThrow('The role with name nobody cannot be found.');
    const error: unknown = await outcome.catch((e: unknown) => e);
    expect((error as { Code: string }).Code).toBe('NoSuchEntity');
    expect(isNotFound(error)).toBe(true);
  });

  it('rejects malformed trust policies and invalid names', async () => {
    // GIVEN documents that are not JSON, lack a principal, or name a resource
    const create = (RoleName: string, AssumeRolePolicyDocument: string) =>
      codeOf(iam().send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument })));
    const noPrincipal = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }],
    });

    // WHEN roles are created with them, and one with a space in its name
    // THEN IAM refuses each with its code, and no role exists
    expect(await create('a', '{"Version": "2012-10-17",')).toBe('MalformedPolicyDocument');
    expect(await create('b', noPrincipal)).toBe('MalformedPolicyDocument');
    expect(await create('bad name', TRUST)).toBe('ValidationError');
    expect(fake().iam.roles.size).toBe(0);
  });

  it('replaces the trust policy on UpdateAssumeRolePolicy', async () => {
    // GIVEN a role
    await createRole();
    const lambdaTrust = TRUST.replace('ec2.amazonaws.com', 'lambda.amazonaws.com');

    // WHEN its trust policy is updated
    await iam().send(
      new UpdateAssumeRolePolicyCommand({ RoleName: 'demo-node', PolicyDocument: lambdaTrust }),
    );

    // THEN GetRole shows the new one
    const { Role } = await iam().send(new GetRoleCommand({ RoleName: 'demo-node' }));
    expect(decodeURIComponent(Role!.AssumeRolePolicyDocument!)).toBe(lambdaTrust);
  });

  it('merges tags on TagRole and pages them on ListRoleTags', async () => {
    // GIVEN a tagged role
    await createRole();

    // WHEN two tags are added (one replacing a value) and the tags are listed two at a time
    await iam().send(
      new TagRoleCommand({
        RoleName: 'demo-node',
        Tags: [
          { Key: 'team', Value: 'platform' },
          { Key: 'gitlab-ha:deployment', Value: 'other' },
          { Key: 'cost', Value: 'gitlab' },
        ],
      }),
    );
    const first = await iam().send(new ListRoleTagsCommand({ RoleName: 'demo-node', MaxItems: 2 }));
    const second = await iam().send(
      new ListRoleTagsCommand({ RoleName: 'demo-node', MaxItems: 2, Marker: first.Marker! }),
    );

    // THEN the tags are merged, and the pages cover them once
    expect(first.IsTruncated).toBe(true);
    expect(second.IsTruncated).toBe(false);
    expect([...first.Tags!, ...second.Tags!]).toEqual([
      { Key: 'gitlab-ha:deployment', Value: 'other' },
      { Key: 'team', Value: 'platform' },
      { Key: 'cost', Value: 'gitlab' },
    ]);
  });

  it('refuses reserved aws: tag keys', async () => {
    // GIVEN a role
    await createRole();
    // WHEN it is tagged with an aws: key
    const code = await codeOf(
      iam().send(new TagRoleCommand({ RoleName: 'demo-node', Tags: [{ Key: 'aws:owner', Value: 'x' }] })),
    );
    // THEN IAM refuses it
    expect(code).toBe('InvalidInput');
  });
});

describe('fake IAM: role policies', () => {
  it('stores an inline policy as sent and returns it URL-encoded (RFC 3986, quotes and parentheses too)', async () => {
    // GIVEN a role with an inline policy whose resource has characters encodeURIComponent leaves alone
    await createRole();
    await iam().send(
      new PutRolePolicyCommand({ RoleName: 'demo-node', PolicyName: 'read', PolicyDocument: READ_PARAMS }),
    );

    // WHEN it is read back and the policies listed
    const got = await iam().send(new GetRolePolicyCommand({ RoleName: 'demo-node', PolicyName: 'read' }));
    const listed = await iam().send(new ListRolePoliciesCommand({ RoleName: 'demo-node' }));

    // THEN the document is URL-encoded, decodes to what was put, and is listed by name
    expect(got.PolicyDocument).toContain('%27s%28%2A%29');
    expect(got.PolicyDocument).not.toMatch(/[{}"'()*]/);
    expect(decodeURIComponent(got.PolicyDocument!)).toBe(READ_PARAMS);
    expect(got).toMatchObject({ RoleName: 'demo-node', PolicyName: 'read' });
    expect(listed.PolicyNames).toEqual(['read']);
  });

  it('rejects malformed identity policies with MalformedPolicyDocument', async () => {
    // GIVEN a role, and policies that are not JSON, name a principal, or lack resources or actions
    await createRole();
    const put = (PolicyDocument: string) =>
      codeOf(
        iam().send(new PutRolePolicyCommand({ RoleName: 'demo-node', PolicyName: 'p', PolicyDocument })),
      );
    const statement = (s: object) => JSON.stringify({ Version: '2012-10-17', Statement: [s] });

    // WHEN each is put
    // THEN each is refused and none is stored
    expect(await put('not json')).toBe('MalformedPolicyDocument');
    expect(await put(TRUST)).toBe('MalformedPolicyDocument');
    expect(await put(statement({ Effect: 'Allow', Action: 's3:GetObject' }))).toBe('MalformedPolicyDocument');
    expect(await put(statement({ Effect: 'Allow', Resource: '*' }))).toBe('MalformedPolicyDocument');
    expect(await put(statement({ Effect: 'Maybe', Action: '*', Resource: '*' }))).toBe(
      'MalformedPolicyDocument',
    );
    expect(fake().iam.role('demo-node').inlinePolicies.size).toBe(0);
  });

  it('limits the inline policies of a role to 10240 characters without whitespace', async () => {
    // GIVEN a role and a policy just over the limit
    await createRole();
    const resources = Array.from({ length: 400 }, (_, i) => `arn:aws:s3:::bucket-${i}`);
    const big = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resources }],
    });

    // WHEN it is put
    const code = await codeOf(
      iam().send(new PutRolePolicyCommand({ RoleName: 'demo-node', PolicyName: 'big', PolicyDocument: big })),
    );

    // THEN IAM refuses it
    expect(big.length).toBeGreaterThan(10240);
    expect(code).toBe('LimitExceeded');
  });

  it('deletes an inline policy, then answers NoSuchEntity for it', async () => {
    // GIVEN a role with an inline policy
    await createRole();
    await iam().send(
      new PutRolePolicyCommand({ RoleName: 'demo-node', PolicyName: 'read', PolicyDocument: READ_PARAMS }),
    );

    // WHEN it is deleted
    await iam().send(new DeleteRolePolicyCommand({ RoleName: 'demo-node', PolicyName: 'read' }));

    // THEN reading or deleting it again is NoSuchEntity
    expect(
      await codeOf(iam().send(new GetRolePolicyCommand({ RoleName: 'demo-node', PolicyName: 'read' }))),
    ).toBe('NoSuchEntity');
    expect(
      await codeOf(iam().send(new DeleteRolePolicyCommand({ RoleName: 'demo-node', PolicyName: 'read' }))),
    ).toBe('NoSuchEntity');
  });

  it('attaches AWS managed policies once, refuses unknown ones, and detaches them', async () => {
    // GIVEN a role
    await createRole();

    // WHEN the SSM core policy is attached twice and an unknown policy once
    await iam().send(new AttachRolePolicyCommand({ RoleName: 'demo-node', PolicyArn: SSM_CORE }));
    await iam().send(new AttachRolePolicyCommand({ RoleName: 'demo-node', PolicyArn: SSM_CORE }));
    const unknown = await codeOf(
      iam().send(
        new AttachRolePolicyCommand({
          RoleName: 'demo-node',
          PolicyArn: 'arn:aws:iam::aws:policy/NoSuchPolicy',
        }),
      ),
    );
    const listed = await iam().send(new ListAttachedRolePoliciesCommand({ RoleName: 'demo-node' }));

    // THEN it is attached once, the unknown one is NoSuchEntity
    expect(listed.AttachedPolicies).toEqual([
      { PolicyName: 'AmazonSSMManagedInstanceCore', PolicyArn: SSM_CORE },
    ]);
    expect(unknown).toBe('NoSuchEntity');

    // WHEN it is detached, then detached again
    await iam().send(new DetachRolePolicyCommand({ RoleName: 'demo-node', PolicyArn: SSM_CORE }));
    const again = await codeOf(
      iam().send(new DetachRolePolicyCommand({ RoleName: 'demo-node', PolicyArn: SSM_CORE })),
    );

    // THEN nothing is attached and the second detach is NoSuchEntity
    expect(
      (await iam().send(new ListAttachedRolePoliciesCommand({ RoleName: 'demo-node' }))).AttachedPolicies,
    ).toEqual([]);
    expect(again).toBe('NoSuchEntity');
  });

  it('refuses to delete a role while it has inline or attached policies or sits in a profile', async () => {
    // GIVEN a role with an inline policy, an attached policy, inside an instance profile
    await createRole();
    await createProfile();
    await iam().send(
      new PutRolePolicyCommand({ RoleName: 'demo-node', PolicyName: 'read', PolicyDocument: READ_PARAMS }),
    );
    await iam().send(new AttachRolePolicyCommand({ RoleName: 'demo-node', PolicyArn: SSM_CORE }));
    await iam().send(
      new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'demo-node', RoleName: 'demo-node' }),
    );
    const deleteRole = () => iam().send(new DeleteRoleCommand({ RoleName: 'demo-node' }));

    // WHEN it is deleted after removing one dependency at a time
    // THEN each attempt but the last is a DeleteConflict naming what is left
    await expect(deleteRole()).rejects.toThrow('must delete policies first');
    await iam().send(new DeleteRolePolicyCommand({ RoleName: 'demo-node', PolicyName: 'read' }));
    await expect(deleteRole()).rejects.toThrow('must detach all policies first');
    await iam().send(new DetachRolePolicyCommand({ RoleName: 'demo-node', PolicyArn: SSM_CORE }));
    expect(await codeOf(deleteRole())).toBe('DeleteConflict');
    await iam().send(
      new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'demo-node', RoleName: 'demo-node' }),
    );
    await deleteRole();
    expect(fake().iam.findRole('demo-node')).toBeUndefined();
    expect(await codeOf(deleteRole())).toBe('NoSuchEntity');
  });
});

describe('fake IAM: instance profiles', () => {
  it('creates a tagged profile and shows its one role, with the role URL-encoded trust policy', async () => {
    // GIVEN a role and a profile holding it
    await createRole();
    const created = await createProfile();
    await iam().send(
      new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'demo-node', RoleName: 'demo-node' }),
    );

    // WHEN the profile and its tags are read
    const { InstanceProfile } = await iam().send(
      new GetInstanceProfileCommand({ InstanceProfileName: 'demo-node' }),
    );
    const tags = await iam().send(new ListInstanceProfileTagsCommand({ InstanceProfileName: 'demo-node' }));

    // THEN it has IAM's ARN and id shapes, its tags and the role
    expect(created.Arn).toBe('arn:aws:iam::123456789012:instance-profile/demo-node');
    expect(created.Roles).toEqual([]);
    expect(InstanceProfile!.InstanceProfileId).toMatch(/^AIPA[0-9A-F]{17}$/);
    expect(InstanceProfile!.Tags).toEqual(demoTags);
    expect(tags.Tags).toEqual(demoTags);
    expect(InstanceProfile!.Roles!.map((r) => [r.RoleName, r.Arn])).toEqual([
      ['demo-node', 'arn:aws:iam::123456789012:role/demo-node'],
    ]);
    expect(InstanceProfile!.Roles![0]!.AssumeRolePolicyDocument).toBe(encodeURIComponent(TRUST));
  });

  it('holds at most one role: a second add is LimitExceeded, even of the same role', async () => {
    // GIVEN a profile holding a role, and another role
    await createRole();
    await createRole('other');
    await createProfile();
    const add = (RoleName: string) =>
      iam().send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'demo-node', RoleName }));
    await add('demo-node');

    // WHEN either role is added again
    // THEN IAM refuses with its quota
    expect(await codeOf(add('demo-node'))).toBe('LimitExceeded');
    await expect(add('other')).rejects.toThrow(
      'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1',
    );
    expect(fake().iam.instanceProfile('demo-node').roles).toEqual(['demo-node']);
  });

  it('refuses to delete a profile that holds a role, and deletes it once empty', async () => {
    // GIVEN a profile holding a role
    await createRole();
    await createProfile();
    await iam().send(
      new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'demo-node', RoleName: 'demo-node' }),
    );
    const deleteProfile = () =>
      iam().send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'demo-node' }));

    // WHEN it is deleted, then emptied and deleted
    const first = await codeOf(deleteProfile());
    await iam().send(
      new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'demo-node', RoleName: 'demo-node' }),
    );
    const removeAgain = await codeOf(
      iam().send(
        new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'demo-node', RoleName: 'demo-node' }),
      ),
    );
    await deleteProfile();

    // THEN the first delete is a DeleteConflict, removing twice is NoSuchEntity, and the profile is gone
    expect(first).toBe('DeleteConflict');
    expect(removeAgain).toBe('NoSuchEntity');
    expect(fake().iam.findInstanceProfile('demo-node')).toBeUndefined();
    expect(
      await codeOf(iam().send(new GetInstanceProfileCommand({ InstanceProfileName: 'demo-node' }))),
    ).toBe('NoSuchEntity');
  });

  it('refuses a profile name that exists and tags profiles with TagInstanceProfile', async () => {
    // GIVEN a profile
    await createProfile();

    // WHEN it is created again and tagged
    const again = await codeOf(createProfile());
    await iam().send(
      new TagInstanceProfileCommand({
        InstanceProfileName: 'demo-node',
        Tags: [{ Key: 'team', Value: 'platform' }],
      }),
    );

    // THEN the name is taken, and the tags are merged
    expect(again).toBe('EntityAlreadyExists');
    expect(fake().iam.instanceProfile('demo-node').tags).toEqual({
      'gitlab-ha:deployment': 'demo',
      team: 'platform',
    });
  });

  it('becomes usable by EC2 only after latency.instanceProfileUsable checks, by name or ARN', async () => {
    // GIVEN profiles propagating over three checks
    fake().latency = { ...fake().latency, instanceProfileUsable: 3 };
    const profile = await createProfile();
    await createProfile('by-arn');
    const arn = fake().iam.instanceProfile('by-arn').arn;

    // WHEN EC2 checks them repeatedly
    const byName = [1, 2, 3, 4].map(() => fake().iam.isInstanceProfileUsable('demo-node'));
    const byArn = [1, 2, 3].map(() => fake().iam.isInstanceProfileUsable(arn));

    // THEN the third check is the first to see each, and unknown ones never become usable
    expect(profile.Arn).toBe('arn:aws:iam::123456789012:instance-profile/demo-node');
    expect(byName).toEqual([false, false, true, true]);
    expect(byArn).toEqual([false, false, true]);
    expect(fake().iam.isInstanceProfileUsable('nobody')).toBe(false);
    expect(fake().iam.isInstanceProfileUsable('arn:aws:iam::999999999999:instance-profile/demo-node')).toBe(
      false,
    );
  });

  it('is usable at once with a latency of 0', async () => {
    // GIVEN no propagation delay
    fake().latency = { ...fake().latency, instanceProfileUsable: 0 };
    // WHEN a profile is created and checked
    await createProfile();
    // THEN the first check sees it
    expect(fake().iam.isInstanceProfileUsable('demo-node')).toBe(true);
  });
});

describe('fake IAM: tags across services and faults', () => {
  it('lists tagged roles and profiles by ARN for taggedResources()', async () => {
    // GIVEN a tagged role and profile of demo, and an untagged role
    await createRole();
    await createProfile();
    await createRole('untagged', []);

    // WHEN the deployment's tagged resources are listed
    const arns = fake()
      .taggedResources('demo')
      .map((r) => r.arn);

    // THEN both of demo's are there, the untagged role is not
    expect(arns).toEqual([
      'arn:aws:iam::123456789012:role/demo-node',
      'arn:aws:iam::123456789012:instance-profile/demo-node',
    ]);
  });

  it("retries IAM's throttling and service failures through the SDK's retry path", async () => {
    // GIVEN a role, and the next two reads of it throttled then failing on the server
    await createRole();
    fake().faults.failNext({
      service: 'iam',
      command: 'GetRole',
      error: { name: 'Throttling', message: 'Rate exceeded' },
    });
    fake().faults.failNext({
      service: 'iam',
      command: 'GetRole',
      error: { name: 'ServiceFailure', message: 'unknown error', httpStatusCode: 500 },
    });

    // WHEN it is read
    const { Role } = await iam().send(new GetRoleCommand({ RoleName: 'demo-node' }));

    // THEN the SDK retried until the third attempt succeeded
    expect(Role!.RoleName).toBe('demo-node');
    expect(
      fake()
        .calls()
        .filter((c) => c.command === 'GetRole')
        .map((c) => [c.attempt, c.error]),
    ).toEqual([
      [1, 'Throttling'],
      [2, 'ServiceFailure'],
      [3, undefined],
    ]);
  });
});
