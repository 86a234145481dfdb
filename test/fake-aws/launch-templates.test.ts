import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  DeleteLaunchTemplateCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  ModifyLaunchTemplateCommand,
} from '@aws-sdk/client-ec2';
import type { RequestLaunchTemplateData } from '@aws-sdk/client-ec2';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { describe, expect, it } from 'vitest';
import { FAKE_UBUNTU_AMI } from '../support/fake-aws/index.js';
import { tagSpec, useFakeAws } from './helpers.js';

const { aws, ec2 } = useFakeAws();

const DEMO = { 'gitlab-ha:deployment': 'demo', 'gitlab-ha:resource': 'auto-scaling/launch-template' };
const USER_DATA = Buffer.from('#cloud-config\nruncmd: []\n').toString('base64');

function data(overrides: Partial<RequestLaunchTemplateData> = {}): RequestLaunchTemplateData {
  return {
    ImageId: FAKE_UBUNTU_AMI,
    InstanceType: 'c5.2xlarge',
    SecurityGroupIds: ['sg-0123456789abcdef0'],
    IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/demo-gitlab-node' },
    MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' },
    BlockDeviceMappings: [
      {
        DeviceName: '/dev/sda1',
        Ebs: { VolumeSize: 50, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true },
      },
    ],
    UserData: USER_DATA,
    TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'demo-node' }] }],
    ...overrides,
  };
}

async function create(token?: string, overrides: Partial<RequestLaunchTemplateData> = {}) {
  return (
    await ec2().send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: 'demo-gitlab',
        LaunchTemplateData: data(overrides),
        TagSpecifications: tagSpec('launch-template', DEMO),
        ...(token ? { ClientToken: token } : {}),
      }),
    )
  ).LaunchTemplate!;
}

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; message: string };
  }
  throw new Error('expected the call to fail');
}

describe('fake EC2: launch templates', () => {
  it('creates a tagged template whose first version is the default, found again by its tags', async () => {
    // GIVEN nothing
    // WHEN a template is created with launch-template tags
    const template = await create();

    // THEN it has an lt- id, version 1 is both default and latest, and the tags are on it
    expect(template.LaunchTemplateId).toMatch(/^lt-0[0-9a-f]{16}$/);
    expect(template).toMatchObject({
      LaunchTemplateName: 'demo-gitlab',
      DefaultVersionNumber: 1,
      LatestVersionNumber: 1,
    });
    // AND a tag filter finds it
    const found = await ec2().send(
      new DescribeLaunchTemplatesCommand({
        Filters: [{ Name: 'tag:gitlab-ha:resource', Values: ['auto-scaling/launch-template'] }],
      }),
    );
    expect(found.LaunchTemplates?.map((t) => t.LaunchTemplateId)).toEqual([template.LaunchTemplateId]);
    // AND the Resource Groups Tagging API lists it with its launch-template ARN
    const tagged = await aws().tagging.send(
      new GetResourcesCommand({ ResourceTypeFilters: ['ec2:launch-template'] }),
    );
    expect(tagged.ResourceTagMappingList?.map((r) => r.ResourceARN)).toEqual([
      `arn:aws:ec2:eu-west-1:123456789012:launch-template/${template.LaunchTemplateId}`,
    ]);
  });

  it('describes a version with its data as sent, the metadata options applied', async () => {
    // GIVEN a template
    const template = await create();

    // WHEN its latest version is described
    const out = await ec2().send(
      new DescribeLaunchTemplateVersionsCommand({
        LaunchTemplateId: template.LaunchTemplateId,
        Versions: ['$Latest'],
      }),
    );

    // THEN the data is what was sent, plus State on the metadata options
    const { MetadataOptions, ...rest } = data();
    expect(out.LaunchTemplateVersions).toEqual([
      expect.objectContaining({
        LaunchTemplateId: template.LaunchTemplateId,
        VersionNumber: 1,
        DefaultVersion: true,
        LaunchTemplateData: { ...rest, MetadataOptions: { ...MetadataOptions, State: 'applied' } },
      }),
    ]);
  });

  it('answers a repeated client token with the same template and refuses it with other data', async () => {
    // GIVEN a template created with a client token
    const first = await create('token-1');

    // WHEN the same request is sent again, then the same token with another AMI
    const again = await create('token-1');
    const other = await errorOf(create('token-1', { ImageId: 'ami-0fedcba9876543210' }));

    // THEN the first answers the same template, the second fails, and there is one template
    expect(again.LaunchTemplateId).toBe(first.LaunchTemplateId);
    expect(other.name).toBe('IdempotentParameterMismatch');
    expect((await ec2().send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates).toHaveLength(1);
  });

  it('refuses a second template with the same name', async () => {
    // GIVEN a template
    await create();

    // WHEN another one with its name is created
    const error = await errorOf(create());

    // THEN EC2's AlreadyExists error comes back
    expect(error.name).toBe('InvalidLaunchTemplateName.AlreadyExistsException');
  });

  it('adds versions, moves the default, and resolves $Latest and $Default', async () => {
    // GIVEN a template
    const { LaunchTemplateId } = await create();

    // WHEN a version with a new AMI is added and made the default
    const version = (
      await ec2().send(
        new CreateLaunchTemplateVersionCommand({
          LaunchTemplateId,
          LaunchTemplateData: data({ ImageId: 'ami-0fedcba9876543210' }),
          ClientToken: 'v2',
        }),
      )
    ).LaunchTemplateVersion!;
    const before = await ec2().send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId, Versions: ['$Default', '$Latest'] }),
    );
    const modified = await ec2().send(
      new ModifyLaunchTemplateCommand({ LaunchTemplateId, DefaultVersion: '2' }),
    );

    // THEN version 2 carries the new AMI and is not the default until modified
    expect(version).toMatchObject({ VersionNumber: 2, DefaultVersion: false });
    expect(version.LaunchTemplateData?.ImageId).toBe('ami-0fedcba9876543210');
    expect(before.LaunchTemplateVersions?.map((v) => [v.VersionNumber, v.DefaultVersion])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(modified.LaunchTemplate).toMatchObject({ DefaultVersionNumber: 2, LatestVersionNumber: 2 });
    // AND the same client token does not add a third version
    await ec2().send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId,
        LaunchTemplateData: data({ ImageId: 'ami-0fedcba9876543210' }),
        ClientToken: 'v2',
      }),
    );
    const all = await ec2().send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId }));
    expect(all.LaunchTemplateVersions?.map((v) => v.VersionNumber)).toEqual([1, 2]);
  });

  it('fails for an unknown version, and with NotFound once the template is deleted', async () => {
    // GIVEN a template
    const { LaunchTemplateId } = await create();

    // WHEN a missing version is asked for, the template deleted, and then described
    const missingVersion = await errorOf(
      ec2().send(new ModifyLaunchTemplateCommand({ LaunchTemplateId, DefaultVersion: '7' })),
    );
    await ec2().send(new DeleteLaunchTemplateCommand({ LaunchTemplateId }));
    const byId = await errorOf(
      ec2().send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [LaunchTemplateId!] })),
    );
    const byName = await errorOf(
      ec2().send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['demo-gitlab'] })),
    );

    // THEN each answers EC2's not-found code
    expect(missingVersion.name).toBe('InvalidLaunchTemplateId.VersionNotFound');
    expect(byId.name).toBe('InvalidLaunchTemplateId.NotFound');
    expect(byName.name).toBe('InvalidLaunchTemplateName.NotFoundException');
  });

  it('refuses launch template data it does not model, so the tool cannot rely on it unnoticed', async () => {
    // GIVEN nothing
    // WHEN a template names a placement group
    const error = await errorOf(create(undefined, { Placement: { GroupName: 'cluster' } }));

    // THEN it is refused, naming the field
    expect(error.name).toBe('InvalidParameterValue');
    expect(error.message).toContain('LaunchTemplateData.Placement');
  });
});
