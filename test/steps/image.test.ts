import { readFile } from 'node:fs/promises';
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeregisterImageCommand,
} from '@aws-sdk/client-ec2';
import { CreateInstanceProfileCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { deploymentTags } from '../../src/aws/tags.js';
import type { Config } from '../../src/config/schema.js';
import { ConflictError, ExitCode, ProvisioningError, WaitTimeoutError } from '../../src/engine/errors.js';
import type { StepOutputs, Timing } from '../../src/engine/step.js';
import { decodeUserData } from '../../src/gitlab/cloud-config.js';
import { railsNodeInput, renderBuilderCloudInit } from '../../src/gitlab/rails-node.js';
import { imageStep } from '../../src/steps/image/index.js';
import { imageRecipe } from '../../src/steps/image/recipe.js';
import { FAKE_UBUNTU_AMI } from '../support/fake-aws/index.js';
import type { ImageRecord, InstanceRecord } from '../support/fake-aws/index.js';
import {
  baseConfig,
  FAST_TIMING,
  firstAttemptInputsOf,
  mutatingCommands,
  openTestState,
  rejection,
  stepRun,
  useFakeAws,
  useStatePaths,
} from '../support/step-harness.js';

const fake = useFakeAws();
const newStatePath = useStatePaths();

/** Every bound shrunk: the 45-minute bootstrap wait lasts 1.35 s. */
const SHORT_BOUNDS: Timing = { ...FAST_TIMING, maxWaitScale: 0.0005 };
const PROFILE_ARN = 'arn:aws:iam::123456789012:instance-profile/demo-gitlab-node';

/** The deployment's secrets as the database, redis and storage steps left them in SSM. */
const SECRETS: Record<string, string> = {
  '/gitlab-ha/demo/db-password': 'Pg7secretPasswordValueXk2mQ9wLr4Tz8Vb3Nc',
  '/gitlab-ha/demo/redis-auth-token': 'Rd5secretAuthTokenValueHj6pW2sYq8Lm3Kx7Bn',
  '/gitlab-ha/demo/gitaly-token': 'Gt3secretGitalyTokenValueFv9cR4dNs6Ju1Ze5',
  '/gitlab-ha/demo/gitlab-shell-secret': 'Sh8secretShellValueMa2qT7kWx4Pd9Lg6Rc3Hy5Bn1Vf8Zs2Je7Ku4Do9Qw3',
};

function config(gitlab: Record<string, unknown> = {}): Config {
  return baseConfig({ gitlab });
}

interface Deployment {
  aws: AwsClients;
  cfg: Config;
  statePath: string;
  privateSubnetIds: string[];
  builderGroupId: string;
  outputs: { database: StepOutputs; redis: StepOutputs; storage: StepOutputs };
}

/**
 * Every step before `image` done: a VPC with private subnets, the builder group, the instance
 * profile, and the database, redis and storage outputs with their secrets in SSM.
 */
async function deployment(cfg: Config = config()): Promise<Deployment> {
  const aws = fake().clients();
  const vpcId = (await aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  const subnet = async (cidr: string, zone: string) =>
    (await aws.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone })))
      .Subnet!.SubnetId!;
  const privateSubnetIds = [
    await subnet('10.0.10.0/24', 'eu-west-1a'),
    await subnet('10.0.11.0/24', 'eu-west-1b'),
  ];
  const builderGroupId = (
    await aws.ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'demo-sg-builder', Description: 'builder', VpcId: vpcId }),
    )
  ).GroupId!;
  fake().latency.instanceProfileUsable = 0;
  await aws.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'demo-gitlab-node' }));
  for (const [name, value] of Object.entries(SECRETS)) {
    fake().ssm.parameters.set(name, {
      name,
      type: 'SecureString',
      value,
      version: 1,
      tags: {},
      lastModified: new Date(),
    });
  }
  const outputs = {
    database: {
      address: 'demo-db.c9akciq32.eu-west-1.rds.amazonaws.com',
      port: 5432,
      databaseName: 'gitlabhq_production',
      username: 'gitlab',
      passwordParameterName: '/gitlab-ha/demo/db-password',
      instanceIdentifier: 'demo-db',
      engineVersion: '16.6',
    },
    redis: {
      primaryAddress: 'master.demo-redis.abc123.euw1.cache.amazonaws.com',
      port: 6379,
      authTokenParameterName: '/gitlab-ha/demo/redis-auth-token',
      replicationGroupId: 'demo-redis',
      tls: true,
    },
    storage: {
      instanceId: 'i-0storage0000000001',
      privateIp: '10.0.10.4',
      privateDnsName: 'ip-10-0-10-4.eu-west-1.compute.internal',
      nfsExportPath: '/var/opt/gitlab-ha/data/shared',
      gitalyAddress: 'tcp://10.0.10.4:8075',
      gitalyTokenParameterName: '/gitlab-ha/demo/gitaly-token',
      gitlabShellSecretParameterName: '/gitlab-ha/demo/gitlab-shell-secret',
      dataVolumeId: 'vol-0data00000000001',
    },
  };
  const statePath = await newStatePath();
  const store = await openTestState(statePath);
  const done = (stepOutputs: StepOutputs) => ({
    status: 'done' as const,
    resources: {},
    outputs: stepOutputs,
  });
  await store.update((draft) => {
    draft.steps.network = done({
      vpcId,
      vpcCidr: '10.0.0.0/16',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      publicSubnetIds: [],
      privateSubnetIds,
    });
    draft.steps.security = done({ securityGroupIds: { builder: builderGroupId } });
    draft.steps.identity = done({
      roleName: 'demo-gitlab-node',
      roleArn: 'arn:aws:iam::123456789012:role/demo-gitlab-node',
      instanceProfileName: 'demo-gitlab-node',
      instanceProfileArn: PROFILE_ARN,
    });
    draft.steps.database = done(outputs.database);
    draft.steps.redis = done(outputs.redis);
    draft.steps.storage = done(outputs.storage);
  });
  fake().resetCalls();
  return { aws, cfg, statePath, privateSubnetIds, builderGroupId, outputs };
}

/** Fresh contexts over the state file on disk, as a new run of the tool would build them. */
function run(d: Deployment, options: { cfg?: Config; timing?: Timing } = {}) {
  return stepRun({
    step: 'image',
    aws: d.aws,
    config: options.cfg ?? d.cfg,
    statePath: d.statePath,
    timing: options.timing,
  });
}

function builders(): InstanceRecord[] {
  return [...fake().ec2.instances.values()].filter((i) => i.tags['gitlab-ha:resource'] === 'image/builder');
}

function liveBuilders(): InstanceRecord[] {
  return builders().filter((i) => i.state !== 'terminated' && i.state !== 'shutting-down');
}

function deploymentImages(): ImageRecord[] {
  return [...fake().ec2.images.values()].filter((i) => i.tags['gitlab-ha:deployment'] === 'demo');
}

function recipeTags(cfg: Config) {
  const recipe = imageRecipe(cfg);
  return [
    { Key: 'gitlab-ha:gitlab-version', Value: recipe.version },
    { Key: 'gitlab-ha:gitlab-edition', Value: recipe.edition },
    { Key: 'gitlab-ha:image-recipe', Value: recipe.hash },
  ];
}

describe('image ensure: the builder life cycle', () => {
  it('launches a builder, waits for its signal, stops it, images it, waits for the image, and terminates it', async () => {
    // GIVEN a deployment whose data tier is done
    const d = await deployment();
    const { step, store, reporter } = await run(d);

    // WHEN the step is ensured
    const result = await imageStep.ensure(step);

    // THEN the builder was launched, stopped, imaged, terminated, and its (absent) log parameter cleared
    expect(mutatingCommands(fake())).toEqual([
      'PutParameter', // the first root password, before the builder that seeds it
      'RunInstances',
      'StopInstances',
      'CreateImage',
      'TerminateInstances',
      'DeleteParameter',
    ]);
    const builder = builders()[0]!;
    const image = deploymentImages()[0]!;
    // AND it went running -> ready signal -> stopped -> image pending -> available -> builder terminated
    expect(reporter.withCode('wait.start').map((e) => e.data?.what)).toEqual([
      `image builder ${builder.id} to run`,
      `image builder ${builder.id} to finish its first boot (tag gitlab-ha:bootstrap)`,
      `image builder ${builder.id} to stop`,
      `GitLab image ${image.id} to become available`,
      `image builder ${builder.id} to terminate`,
    ]);
    expect(builder.tags['gitlab-ha:bootstrap']).toBe('ready');
    expect(builder.state).toBe('terminated');
    expect(image).toMatchObject({ state: 'available', sourceInstanceId: builder.id });
    expect(firstAttemptInputsOf(fake(), 'DeleteParameter').map((i) => i.Name)).toEqual([
      `/gitlab-ha/demo/bootstrap/${builder.id}`,
    ]);
    // AND the outputs name the image and the GitLab it carries
    expect(result.outputs).toEqual({
      amiId: image.id,
      imageName: image.name,
      gitlabVersion: '18.5.1',
      gitlabEdition: 'ee',
    });
    expect(image.name).toMatch(/^demo-gitlab-ee-18\.5\.1-\d{8}-\d{6}$/);
    // AND state holds the image, created by the tool, the root password's parameter, and no builder
    expect(store.snapshot.steps.image!.resources).toEqual({
      ami: {
        type: 'ec2:image',
        id: image.id,
        origin: 'tool',
        attributes: {
          name: image.name,
          gitlabVersion: '18.5.1',
          gitlabEdition: 'ee',
          recipe: imageRecipe(d.cfg).hash,
        },
        recordedAt: expect.any(String) as unknown,
      },
      'secret/gitlab-root-password': {
        type: 'ssm:parameter',
        id: '/gitlab-ha/demo/gitlab-root-password',
        origin: 'tool',
        recordedAt: expect.any(String) as unknown,
      },
    });
  });

  it('launches the builder IMDSv2-only, encrypted, with the profile, in the first private subnet, in the builder group', async () => {
    // GIVEN a deployment
    const d = await deployment();

    // WHEN the step is ensured
    await imageStep.ensure((await run(d)).step);

    // THEN RunInstances had exactly these parameters, with a token derived from them
    expect(firstAttemptInputsOf(fake(), 'RunInstances')).toEqual([
      {
        ImageId: FAKE_UBUNTU_AMI,
        InstanceType: 'c5.2xlarge',
        MinCount: 1,
        MaxCount: 1,
        SubnetId: d.privateSubnetIds[0],
        SecurityGroupIds: [d.builderGroupId],
        IamInstanceProfile: { Arn: PROFILE_ARN },
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' },
        BlockDeviceMappings: [
          {
            DeviceName: '/dev/sda1',
            Ebs: { VolumeSize: 50, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true },
          },
        ],
        UserData: expect.any(String) as unknown,
        ClientToken: expect.stringMatching(/^demo-builder-[0-9a-f]{24}$/) as unknown,
        TagSpecifications: [
          {
            ResourceType: 'instance',
            Tags: [...deploymentTags(d.cfg, 'image', 'builder'), ...recipeTags(d.cfg)],
          },
          { ResourceType: 'volume', Tags: deploymentTags(d.cfg, 'image', 'builder/root-volume') },
        ],
      },
    ]);
  });

  it('uses gitlab.builderInstanceType and gitlab.rootVolumeGb when they are set', async () => {
    // GIVEN a config with a smaller builder and a larger root volume
    const d = await deployment(config({ builderInstanceType: 'c5.xlarge', rootVolumeGb: 80 }));

    // WHEN the step is ensured
    await imageStep.ensure((await run(d)).step);

    // THEN the builder had that type and volume, and the image's snapshot is that size
    const [launch] = firstAttemptInputsOf(fake(), 'RunInstances');
    expect(launch).toMatchObject({
      InstanceType: 'c5.xlarge',
      BlockDeviceMappings: [{ Ebs: { VolumeSize: 80 } }],
    });
    expect(deploymentImages()[0]!.blockDevices).toEqual([
      expect.objectContaining({ volumeSizeGb: 80, encrypted: true }),
    ]);
  });

  it('images the builder with its name and the deployment tags on the image and on its snapshot', async () => {
    // GIVEN a deployment
    const d = await deployment();

    // WHEN the step is ensured
    await imageStep.ensure((await run(d)).step);

    // THEN CreateImage named the builder, and tagged image and snapshot in the call
    const builderId = builders()[0]!.id;
    const recipe = imageRecipe(d.cfg);
    expect(firstAttemptInputsOf(fake(), 'CreateImage')).toEqual([
      {
        InstanceId: builderId,
        Name: expect.stringMatching(/^demo-gitlab-ee-18\.5\.1-\d{8}-\d{6}$/) as unknown,
        Description: `gitlab-ha demo: GitLab EE 18.5.1 for https://gitlab.example.com, baked by ${builderId} (recipe ${recipe.hash})`,
        TagSpecifications: [
          { ResourceType: 'image', Tags: [...deploymentTags(d.cfg, 'image', 'ami'), ...recipeTags(d.cfg)] },
          {
            ResourceType: 'snapshot',
            Tags: [...deploymentTags(d.cfg, 'image', 'ami/snapshot'), ...recipeTags(d.cfg)],
          },
        ],
      },
    ]);
    // AND the snapshot behind the image is encrypted, complete and carries those tags
    const snapshotId = deploymentImages()[0]!.blockDevices![0]!.snapshotId;
    expect(fake().ec2.snapshot(snapshotId)).toMatchObject({
      encrypted: true,
      state: 'completed',
      tags: expect.objectContaining({
        'gitlab-ha:deployment': 'demo',
        'gitlab-ha:resource': 'image/ami/snapshot',
        'gitlab-ha:gitlab-version': '18.5.1',
        'gitlab-ha:gitlab-edition': 'ee',
      }) as unknown,
    });
  });

  it('keeps every secret out of the user data EC2 stores, the events and the state file', async () => {
    // GIVEN a deployment whose secrets are in SSM
    const d = await deployment();
    const { step, reporter } = await run(d);

    // WHEN the step is ensured
    await imageStep.ensure(step);

    // THEN the user data EC2 stores is the builder cloud-config rendered from config and outputs
    const document = decodeUserData(builders()[0]!.userData!);
    expect(document).toBe(renderBuilderCloudInit(railsNodeInput(d.cfg, d.outputs)));
    // AND no secret value is in it, in any event, or in the state file
    const events = JSON.stringify(reporter.events);
    const state = await readFile(d.statePath, 'utf8');
    for (const secret of Object.values(SECRETS)) {
      expect(document).not.toContain(secret);
      expect(events).not.toContain(secret);
      expect(state).not.toContain(secret);
    }
    expect(document).toContain('fetch_secret db-password');
  });

  it('launches once the instance profile has propagated to EC2, with the same client token', async () => {
    // GIVEN an instance profile EC2 refuses twice (IAM eventual consistency)
    const d = await deployment();
    let checks = 0;
    const iamSays = fake().ec2.isInstanceProfileUsable!;
    fake().ec2.isInstanceProfileUsable = (nameOrArn) => ++checks > 2 && iamSays(nameOrArn);

    // WHEN the step is ensured
    await imageStep.ensure((await run(d)).step);

    // THEN RunInstances was sent three times with one token, and one builder was launched
    const tokens = firstAttemptInputsOf(fake(), 'RunInstances').map((i) => i.ClientToken);
    expect(tokens).toHaveLength(3);
    expect(new Set(tokens).size).toBe(1);
    expect(builders()).toHaveLength(1);
  });
});

describe('image ensure: a builder that fails or never signals', () => {
  it('reports a failed build with the log tail from SSM, as a provisioning failure, and leaves the builder', async () => {
    // GIVEN a builder whose bootstrap fails migrating the database
    fake().ec2.bootOutcome = () => 'failed';
    fake().ec2.bootFailureLog = () =>
      'PG::InsufficientPrivilege: ERROR:  permission denied to create extension "amcheck"\n' +
      '[gitlab-ha] bootstrap failed at line 88 (exit 1)';
    const d = await deployment();
    const { step, store } = await run(d);

    // WHEN the step is ensured
    const error = await rejection(imageStep.ensure(step));

    // THEN it fails with exit code 3, the tail and where it came from
    const builder = liveBuilders()[0]!;
    expect(error).toBeInstanceOf(ProvisioningError);
    expect((error as ProvisioningError).exitCode).toBe(ExitCode.provisioningFailed);
    expect(error).toMatchObject({ code: 'BOOTSTRAP_FAILED', resourceId: builder.id });
    expect(error.message).toBe(
      `Image builder ${builder.id} failed its first boot. Last lines of its SSM parameter /gitlab-ha/demo/bootstrap/${builder.id}:\n` +
        '  | PG::InsufficientPrivilege: ERROR:  permission denied to create extension "amcheck"\n' +
        '  | [gitlab-ha] bootstrap failed at line 88 (exit 1)',
    );
    // AND the hint says how to connect and how to retry
    const hint = (error as ProvisioningError).hint!;
    expect(hint).toContain(`aws ssm start-session --target ${builder.id} --region eu-west-1`);
    expect(hint).toContain(
      'run gitlab-ha apply again: it terminates this builder and bakes the image with a new one',
    );
    // AND the builder is left running and recorded; no image was made
    expect(builder.state).toBe('running');
    expect(store.snapshot.steps.image!.resources.builder?.id).toBe(builder.id);
    expect(mutatingCommands(fake())).toEqual(['PutParameter', 'RunInstances']);
    expect(deploymentImages()).toEqual([]);
  });

  it('terminates the failed builder on the next apply and bakes with a new one', async () => {
    // GIVEN a failed build, whose cause is then fixed
    fake().latency.instanceTerminate = 1;
    fake().ec2.bootOutcome = () => 'failed';
    const d = await deployment();
    await rejection(imageStep.ensure((await run(d)).step));
    const failed = liveBuilders()[0]!;
    fake().ec2.bootOutcome = () => 'ready';
    fake().resetCalls();

    // WHEN the step is ensured again
    const { step, store } = await run(d);
    const result = await imageStep.ensure(step);

    // THEN the failed builder and its log went first, then a new builder baked the image
    expect(mutatingCommands(fake())).toEqual([
      'TerminateInstances',
      'DeleteParameter',
      'RunInstances',
      'RunInstances',
      'StopInstances',
      'CreateImage',
      'TerminateInstances',
      'DeleteParameter',
    ]);
    expect(firstAttemptInputsOf(fake(), 'TerminateInstances')[0]).toEqual({ InstanceIds: [failed.id] });
    expect(fake().ssm.parameters.has(`/gitlab-ha/demo/bootstrap/${failed.id}`)).toBe(false);
    // AND the first token answered with the dead builder, the next one launched the new builder
    const tokens = firstAttemptInputsOf(fake(), 'RunInstances').map((i) => i.ClientToken as string);
    expect(tokens[1]).toBe(`${tokens[0]}-2`);
    const second = builders().find((b) => b.id !== failed.id)!;
    expect(fake().ec2.image(result.outputs.amiId as string).sourceInstanceId).toBe(second.id);
    expect(builders().map((b) => b.state)).toEqual(['terminated', 'terminated']);
    expect(store.snapshot.steps.image!.resources.builder).toBeUndefined();
  });

  it('gives up on a builder that never signals after a bounded wait, saying what to look at', async () => {
    // GIVEN a builder that hangs at boot, its console showing where, and bounds 2000 times shorter
    fake().ec2.bootOutcome = (instance) => {
      fake().ec2.setConsoleOutput(instance.id, '[gitlab-ha] running gitlab-ctl reconfigure\n');
      return 'never';
    };
    const d = await deployment();
    const started = Date.now();

    // WHEN the step is ensured
    const error = await rejection(imageStep.ensure((await run(d, { timing: SHORT_BOUNDS })).step));

    // THEN it times out after the (scaled) 45-minute bound, naming the builder, with its console tail
    const builder = liveBuilders()[0]!;
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as WaitTimeoutError).exitCode).toBe(ExitCode.provisioningFailed);
    expect(error.message).toBe(
      `Timed out after 1 s waiting for image builder ${builder.id} to finish its first boot (tag gitlab-ha:bootstrap): ` +
        `the node never signalled. Last lines of its console output of ${builder.id}:\n` +
        '  | [gitlab-ha] running gitlab-ctl reconfigure',
    );
    const hint = (error as WaitTimeoutError).hint!;
    expect(hint).toContain(`aws ssm start-session --target ${builder.id} --region eu-west-1`);
    expect(hint).toContain(
      `aws ec2 get-console-output --instance-id ${builder.id} --latest --region eu-west-1`,
    );
    expect(hint).toContain('Run gitlab-ha apply again to keep waiting.');
    expect(Date.now() - started).toBeLessThan(10_000);
    // AND the builder is left running, and no image was made
    expect(builder.state).toBe('running');
    expect(deploymentImages()).toEqual([]);
  });
});

describe('image ensure: reuse and new versions', () => {
  it('reuses the image with no mutating call when applied again with the same version', async () => {
    // GIVEN a baked image
    const d = await deployment();
    const first = await imageStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN the step is ensured again in a new run
    const second = await imageStep.ensure((await run(d)).step);

    // THEN nothing changed and the outputs are the same
    expect(mutatingCommands(fake())).toEqual([]);
    expect(second.outputs).toEqual(first.outputs);
    expect(builders()).toHaveLength(1);
  });

  it('bakes a new image for a new GitLab version and keeps the old one, recorded as previous', async () => {
    // GIVEN an image of GitLab 18.5.1
    const d = await deployment();
    const first = await imageStep.ensure((await run(d)).step);
    const oldId = first.outputs.amiId as string;
    fake().resetCalls();

    // WHEN the config moves to 18.6.0 and the step is ensured
    const upgraded = config({ version: '18.6.0' });
    const { step, store } = await run(d, { cfg: upgraded });
    const second = await imageStep.ensure(step);

    // THEN a new builder baked a new image of 18.6.0
    const newId = second.outputs.amiId as string;
    expect(newId).not.toBe(oldId);
    expect(mutatingCommands(fake())).toEqual([
      'RunInstances',
      'StopInstances',
      'CreateImage',
      'TerminateInstances',
      'DeleteParameter',
    ]);
    expect(second.outputs).toMatchObject({ gitlabVersion: '18.6.0', gitlabEdition: 'ee' });
    expect(second.outputs.imageName).toMatch(/^demo-gitlab-ee-18\.6\.0-\d{8}-\d{6}$/);
    expect(fake().ec2.image(newId).tags['gitlab-ha:gitlab-version']).toBe('18.6.0');
    // AND the old image is still registered and available, recorded as the previous one
    expect(fake().ec2.image(oldId).state).toBe('available');
    expect(mutatingCommands(fake())).not.toContain('DeregisterImage');
    const resources = store.snapshot.steps.image!.resources;
    expect(Object.keys(resources).sort()).toEqual([
      'ami',
      `ami/previous/${oldId}`,
      'secret/gitlab-root-password',
    ]);
    expect(resources.ami!.id).toBe(newId);
    expect(resources[`ami/previous/${oldId}`]).toMatchObject({
      type: 'ec2:image',
      id: oldId,
      origin: 'tool',
      attributes: { gitlabVersion: '18.5.1' },
    });
  });

  it('goes back to the earlier image without baking when the config returns to its version', async () => {
    // GIVEN images of 18.5.1 and then 18.6.0
    const d = await deployment();
    const first = await imageStep.ensure((await run(d)).step);
    const second = await imageStep.ensure((await run(d, { cfg: config({ version: '18.6.0' }) })).step);
    fake().resetCalls();

    // WHEN the config returns to 18.5.1
    const { step, store } = await run(d);
    const third = await imageStep.ensure(step);

    // THEN the 18.5.1 image is current again, nothing was baked, and 18.6.0 is the previous one
    expect(third.outputs).toEqual(first.outputs);
    expect(mutatingCommands(fake())).toEqual([]);
    const resources = store.snapshot.steps.image!.resources;
    expect(Object.keys(resources).sort()).toEqual([
      'ami',
      `ami/previous/${second.outputs.amiId as string}`,
      'secret/gitlab-root-password',
    ]);
  });

  it('bakes again when the image was deregistered by hand, and says so', async () => {
    // GIVEN a baked image that someone deregistered
    const d = await deployment();
    const first = await imageStep.ensure((await run(d)).step);
    await d.aws.ec2.send(new DeregisterImageCommand({ ImageId: first.outputs.amiId as string }));

    // WHEN the step is ensured again
    const { step, reporter, store } = await run(d);
    const second = await imageStep.ensure(step);

    // THEN a new image was baked and recorded, with a drift warning about the old one
    expect(second.outputs.amiId).not.toBe(first.outputs.amiId);
    expect(reporter.withCode('resource.drift').map((e) => e.message)).toEqual([
      `GitLab image ${first.outputs.amiId as string} is gone; another will be used or baked`,
    ]);
    expect(Object.keys(store.snapshot.steps.image!.resources).sort()).toEqual([
      'ami',
      'secret/gitlab-root-password',
    ]);
  });

  it('refuses two images tagged for the same recipe', async () => {
    // GIVEN two images carrying this deployment's tags for the wanted recipe (made outside a run)
    const d = await deployment();
    const tags = Object.fromEntries(
      [...deploymentTags(d.cfg, 'image', 'ami'), ...recipeTags(d.cfg)].map((t) => [t.Key, t.Value]),
    );
    const a = fake().ec2.addImage({ name: 'demo-gitlab-ee-18.5.1-a', tags: { ...tags } });
    const b = fake().ec2.addImage({ name: 'demo-gitlab-ee-18.5.1-b', tags: { ...tags } });

    // WHEN the step is ensured
    const error = await rejection(imageStep.ensure((await run(d)).step));

    // THEN it is a tag conflict naming both, and no builder was launched
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toContain(`${a.id}, ${b.id}`);
    expect(builders()).toEqual([]);
  });

  for (const command of ['RunInstances', 'StopInstances', 'CreateImage', 'TerminateInstances'] as const) {
    it(`resumes after a crash right after ${command} without a duplicate builder or image`, async () => {
      // GIVEN a run that dies right after the call took effect
      const d = await deployment();
      fake().faults.crashAfter({ command });
      await expect(imageStep.ensure((await run(d)).step)).rejects.toThrow('simulated crash after');

      // WHEN a new run resumes from the state file on disk
      const { step, store } = await run(d);
      const result = await imageStep.ensure(step);

      // THEN one builder was ever launched and is gone, one image exists, and state names it alone
      expect(builders()).toHaveLength(1);
      expect(liveBuilders()).toEqual([]);
      expect(deploymentImages().map((i) => [i.id, i.state])).toEqual([[result.outputs.amiId, 'available']]);
      expect(Object.keys(store.snapshot.steps.image!.resources).sort()).toEqual([
        'ami',
        'secret/gitlab-root-password',
      ]);
      expect(store.snapshot.steps.image!.resources.ami).toMatchObject({
        id: result.outputs.amiId,
        origin: 'tool',
      });
      expect(fake().ssm.parameters.has(`/gitlab-ha/demo/bootstrap/${builders()[0]!.id}`)).toBe(false);
    });
  }
});

describe('image inspect and plan', () => {
  it('reports the image with its name and version', async () => {
    // GIVEN a baked image
    const d = await deployment();
    const result = await imageStep.ensure((await run(d)).step);

    // WHEN it is inspected
    const status = await imageStep.inspect((await run(d)).step);

    // THEN it is healthy, and the outputs show the AMI and the GitLab version
    expect(status).toEqual({
      step: 'image',
      health: 'healthy',
      drift: [],
      resources: [
        { role: 'ami', type: 'ec2:image', id: result.outputs.amiId, state: 'available', healthy: true },
      ],
      outputs: { ...result.outputs, imageState: 'available' },
    });
  });

  it('reports a missing image, a builder left by a failed build, and kept previous images', async () => {
    // GIVEN an 18.5.1 image, an 18.6.0 build that failed, and then the 18.5.1 image deregistered by hand
    const d = await deployment();
    const first = await imageStep.ensure((await run(d)).step);
    const oldId = first.outputs.amiId as string;
    fake().ec2.bootOutcome = () => 'failed';
    const upgraded = config({ version: '18.6.0' });
    await rejection(imageStep.ensure((await run(d, { cfg: upgraded })).step));
    const builderId = liveBuilders()[0]!.id;
    await d.aws.ec2.send(new DeregisterImageCommand({ ImageId: oldId }));

    // WHEN it is inspected with the 18.6.0 config
    const status = await imageStep.inspect((await run(d, { cfg: upgraded })).step);

    // THEN the image is missing (apply bakes), and the builder is reported with how to look at it
    expect(status.health).toBe('degraded');
    expect(status.drift).toEqual([
      `GitLab image ${oldId} no longer exists; gitlab-ha apply bakes a new one`,
      `image builder ${builderId} is left (running) and failed its first boot (gitlab-ha apply shows its log, then terminates it and bakes with a new one). ` +
        `Look at the node: aws ssm start-session --target ${builderId} --region eu-west-1 (log: /var/log/gitlab-ha/bootstrap.log), ` +
        `or aws ec2 get-console-output --instance-id ${builderId} --latest --region eu-west-1.`,
    ]);
    expect(status.resources.map((r) => [r.role, r.state, r.healthy])).toEqual([
      ['ami', 'missing', false],
      ['builder', 'running, bootstrap failed', false],
    ]);
    expect(status.outputs).toEqual({ builderId, builderBootstrap: 'failed' });
  });

  it('reports an image of another version than the config asks for, and the previous ones', async () => {
    // GIVEN images of 18.5.1 then 18.6.0
    const d = await deployment();
    const first = await imageStep.ensure((await run(d)).step);
    const second = await imageStep.ensure((await run(d, { cfg: config({ version: '18.6.0' }) })).step);

    // WHEN it is inspected with a config asking for 18.7.0
    const status = await imageStep.inspect((await run(d, { cfg: config({ version: '18.7.0' }) })).step);

    // THEN the current image differs from the config, and the earlier one is listed as kept
    const recipe = imageRecipe(config({ version: '18.7.0' }));
    expect(status.drift).toEqual([
      `GitLab image ${second.outputs.amiId as string} has GitLab ee 18.6.0 (recipe ${imageRecipe(config({ version: '18.6.0' })).hash}); ` +
        `the config asks for GitLab ee 18.7.0 at https://gitlab.example.com (recipe ${recipe.hash}): gitlab-ha apply bakes a new one`,
    ]);
    expect(status.resources.map((r) => [r.role, r.id, r.healthy])).toEqual([
      ['ami', second.outputs.amiId, false],
      [`ami/previous/${first.outputs.amiId as string}`, first.outputs.amiId, true],
    ]);
    expect(status.outputs.previousAmiIds).toEqual([first.outputs.amiId]);
  });

  it('plans offline a builder and an image with the base image source, instance type and GitLab version', async () => {
    // GIVEN a deployment, planned without AWS
    const d = await deployment(config({ edition: 'ce', version: '18.4.2' }));
    const { offlinePlan } = await run(d);

    // WHEN the plan is made
    const plan = await imageStep.plan(offlinePlan);

    // THEN both are creates with their key parameters, and AWS was not contacted
    expect(plan).toEqual({
      step: 'image',
      action: 'create',
      live: false,
      resources: [
        {
          role: 'builder',
          type: 'ec2:instance',
          action: 'create',
          details: {
            instanceType: 'c5.2xlarge',
            ami: 'latest Ubuntu 24.04 LTS (Canonical SSM parameter)',
            imds: 'v2 required',
            rootVolumeGb: 50,
            subnet: 'first private subnet',
            securityGroup: 'sg/builder',
          },
        },
        {
          role: 'ami',
          type: 'ec2:image',
          action: 'create',
          details: {
            name: 'demo-gitlab-ce-18.4.2-<yyyymmdd-hhmmss>',
            gitlabEdition: 'ce',
            gitlabVersion: '18.4.2',
            recipe: imageRecipe(d.cfg).hash,
          },
        },
      ],
    });
    expect(fake().calls()).toEqual([]);
  });

  it('plans live: nothing for a matching image, a bake that keeps the old image for a new version', async () => {
    // GIVEN a baked 18.5.1 image
    const d = await deployment();
    const first = await imageStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN live plans are made for the same config and for 18.6.0
    const same = await imageStep.plan((await run(d)).plan);
    const upgrade = await imageStep.plan((await run(d, { cfg: config({ version: '18.6.0' }) })).plan);

    // THEN the first is a noop, the second bakes and keeps the current image
    expect(same.action).toBe('noop');
    expect(same.resources.map((r) => [r.role, r.action, r.id])).toEqual([
      ['ami', 'noop', first.outputs.amiId],
    ]);
    expect(upgrade.action).toBe('create');
    expect(upgrade.resources.map((r) => [r.role, r.action])).toEqual([
      ['builder', 'create'],
      ['ami', 'create'],
      [`ami/previous/${first.outputs.amiId as string}`, 'keep'],
    ]);
    // AND nothing was changed
    expect(mutatingCommands(fake())).toEqual([]);
  });
});

describe('image destroy', () => {
  it('deregisters every image it made and then deletes their snapshots', async () => {
    // GIVEN images of 18.5.1 and 18.6.0
    const d = await deployment();
    await imageStep.ensure((await run(d)).step);
    await imageStep.ensure((await run(d, { cfg: config({ version: '18.6.0' }) })).step);
    const snapshots = deploymentImages().map((i) => i.blockDevices![0]!.snapshotId);
    fake().resetCalls();
    const { destroy, store } = await run(d);

    // WHEN the step is destroyed
    await imageStep.destroy(destroy());

    // THEN each image was deregistered before its snapshot was deleted
    expect(mutatingCommands(fake())).toEqual([
      'DeregisterImage',
      'DeleteSnapshot',
      'DeregisterImage',
      'DeleteSnapshot',
      'DeleteParameter', // the first root password goes with the images
    ]);
    expect(
      firstAttemptInputsOf(fake(), 'DeleteSnapshot')
        .map((i) => i.SnapshotId)
        .sort(),
    ).toEqual([...snapshots].sort());
    // AND nothing of the deployment is left, in AWS or in state
    expect(deploymentImages()).toEqual([]);
    expect(fake().taggedResources('demo')).toEqual([]);
    expect(store.snapshot.steps.image!.resources).toEqual({});
  });

  it('terminates a builder left by a failed build and deletes its log parameter', async () => {
    // GIVEN a failed build
    fake().ec2.bootOutcome = () => 'failed';
    const d = await deployment();
    await rejection(imageStep.ensure((await run(d)).step));
    const builderId = liveBuilders()[0]!.id;
    expect(fake().ssm.parameters.has(`/gitlab-ha/demo/bootstrap/${builderId}`)).toBe(true);
    const { destroy, store } = await run(d);

    // WHEN the step is destroyed
    await imageStep.destroy(destroy());

    // THEN the builder is terminated, its log gone, and state empty
    expect(fake().ec2.instance(builderId).state).toBe('terminated');
    expect(fake().ssm.parameters.has(`/gitlab-ha/demo/bootstrap/${builderId}`)).toBe(false);
    expect(store.snapshot.steps.image!.resources).toEqual({});
  });

  it('keeps an adopted image unless --force', async () => {
    // GIVEN an image a user tagged for this deployment's recipe (not created by gitlab-ha), adopted by apply
    const d = await deployment();
    const tags = Object.fromEntries(
      [...deploymentTags(d.cfg, 'image', 'ami'), ...recipeTags(d.cfg)]
        .filter((t) => t.Key !== 'gitlab-ha:created-by')
        .map((t) => [t.Key, t.Value]),
    );
    const golden = fake().ec2.addImage({ name: 'golden-gitlab-18.5.1', tags });
    const result = await imageStep.ensure((await run(d)).step);
    expect(result.outputs.amiId).toBe(golden.id);
    expect(builders()).toEqual([]);

    // WHEN the step is destroyed without, then with --force
    const first = await run(d);
    await imageStep.destroy(first.destroy());
    const keptAfterPlainDestroy = fake().ec2.images.has(golden.id);
    await imageStep.destroy((await run(d)).destroy({ force: true }));

    // THEN it was kept (and said so), then deregistered
    expect(keptAfterPlainDestroy).toBe(true);
    expect(first.reporter.withCode('resource.keep').map((e) => e.data?.id)).toEqual([golden.id]);
    expect(fake().ec2.images.has(golden.id)).toBe(false);
  });

  it('deletes the snapshot a crashed destroy left after deregistering its image', async () => {
    // GIVEN a destroy that died right after DeregisterImage
    const d = await deployment();
    await imageStep.ensure((await run(d)).step);
    const snapshotId = deploymentImages()[0]!.blockDevices![0]!.snapshotId;
    fake().faults.crashAfter({ command: 'DeregisterImage' });
    await expect(imageStep.destroy((await run(d)).destroy())).rejects.toThrow('simulated crash after');

    // WHEN destroy runs again
    await imageStep.destroy((await run(d)).destroy());

    // THEN the snapshot, found by its tags, is gone too
    expect(fake().ec2.snapshots.has(snapshotId)).toBe(false);
    expect(fake().taggedResources('demo')).toEqual([]);
  });

  it('succeeds when nothing was ever built', async () => {
    // GIVEN a deployment without image resources
    const d = await deployment();

    // WHEN the step is destroyed
    await imageStep.destroy((await run(d)).destroy());

    // THEN nothing was asked to go
    expect(mutatingCommands(fake())).toEqual([]);
  });
});
