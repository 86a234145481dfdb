/**
 * The launch template the group's nodes start from (not a launch configuration, which AWS no longer
 * extends): the GitLab image, the `app` group, the node instance profile, IMDSv2 only, an encrypted
 * gp3 root volume, detailed monitoring when the CPU alarms look at periods under 5 minutes, the
 * node's tags, and the rendered node cloud-init as user data. A change of any of these (a new image,
 * new GitLab settings) becomes a new version, made the default; the group then rolls onto it.
 */
import { createHash } from 'node:crypto';
import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  DeleteLaunchTemplateCommand,
  DescribeImagesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  ModifyLaunchTemplateCommand,
} from '@aws-sdk/client-ec2';
import type {
  LaunchTemplate,
  LaunchTemplateVersion,
  RequestLaunchTemplateData,
  ResponseLaunchTemplateData,
  _InstanceType,
} from '@aws-sdk/client-ec2';
import { awsCall, awsDelete, awsFind, failedWith } from '../../aws/errors.js';
import type { Tag } from '../../aws/tags.js';
import { ec2TagFilters, tagValue, TAG_DEPLOYMENT, TAG_RESOURCE, resourceTagValue } from '../../aws/tags.js';
import type { Config } from '../../config/schema.js';
import { ProvisioningError } from '../../engine/errors.js';
import type { StepContext, StepOutputs } from '../../engine/step.js';
import { encodeUserData } from '../../gitlab/cloud-config.js';
import { railsNodeInput, renderNodeCloudInit } from '../../gitlab/rails-node.js';
import type { CreatableSpec, DeletableSpec } from '../resource.js';
import { ASG_ROLES, ASG_TYPES, launchTemplateName } from './layout.js';

export type AsgCtx = Pick<StepContext, 'aws' | 'config' | 'events' | 'signal' | 'timing' | 'tags' | 'step'>;
type Spec<R> = CreatableSpec<R> & DeletableSpec<R>;

const LABEL = 'launch template of the GitLab nodes';
/** CloudWatch's basic EC2 metrics come every 5 minutes; shorter alarm periods need detailed monitoring. */
const BASIC_MONITORING_PERIOD_SECONDS = 300;

/** The node's user data: the rendered cloud-config (no secret in it: nodes read them from SSM). */
export function nodeUserData(
  config: Config,
  outputs: { database?: StepOutputs; redis?: StepOutputs; storage?: StepOutputs },
): string {
  return encodeUserData(renderNodeCloudInit(railsNodeInput(config, outputs)));
}

export function detailedMonitoring(config: Config): boolean {
  const { scaleOut, scaleIn } = config.autoScaling;
  return Math.min(scaleOut.periodSeconds, scaleIn.periodSeconds) < BASIC_MONITORING_PERIOD_SECONDS;
}

export interface NodeLaunchInputs {
  amiId: string;
  /** The image's root device (`/dev/sda1` for Ubuntu), which the root volume mapping must name. */
  rootDeviceName: string;
  securityGroupId: string;
  instanceProfileArn: string;
  /** Base64, as encodeUserData makes it. */
  userData: string;
  instanceTags: Tag[];
  volumeTags: Tag[];
}

export function nodeLaunchTemplateData(config: Config, inputs: NodeLaunchInputs): RequestLaunchTemplateData {
  const { gitlab } = config;
  return {
    ImageId: inputs.amiId,
    InstanceType: gitlab.instanceType as _InstanceType,
    SecurityGroupIds: [inputs.securityGroupId],
    IamInstanceProfile: { Arn: inputs.instanceProfileArn },
    // IMDSv2 only; hop limit 1 keeps the role's credentials on the node (GitLab nodes run no containers).
    MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' },
    Monitoring: { Enabled: detailedMonitoring(config) },
    BlockDeviceMappings: [
      {
        DeviceName: inputs.rootDeviceName,
        Ebs: {
          VolumeSize: gitlab.rootVolumeGb,
          VolumeType: 'gp3',
          Encrypted: true,
          DeleteOnTermination: true,
        },
      },
    ],
    ...(gitlab.keyPair ? { KeyName: gitlab.keyPair } : {}),
    UserData: inputs.userData,
    TagSpecifications: [
      { ResourceType: 'instance', Tags: inputs.instanceTags },
      { ResourceType: 'volume', Tags: inputs.volumeTags },
    ],
  };
}

export function launchTemplateDetails(
  config: Config,
  ami: string,
): Record<string, string | number | boolean> {
  return {
    name: launchTemplateName(config),
    instanceType: config.gitlab.instanceType,
    ami,
    imds: 'v2 required',
    rootVolumeGb: config.gitlab.rootVolumeGb,
    encrypted: true,
    detailedMonitoring: detailedMonitoring(config),
  };
}

type Data = RequestLaunchTemplateData | ResponseLaunchTemplateData;

function tagsByType(data: Data): string {
  const byType = (data.TagSpecifications ?? []).map((s) => {
    const tags = (s.Tags ?? []).map((t) => `${t.Key}=${t.Value}`).sort();
    return `${s.ResourceType}:${tags.join(',')}`;
  });
  return byType.sort().join(';');
}

function rootVolume(data: Data): string {
  return JSON.stringify(
    (data.BlockDeviceMappings ?? []).map((m) => [
      m.DeviceName,
      m.Ebs?.VolumeSize,
      m.Ebs?.VolumeType,
      m.Ebs?.Encrypted ?? false,
      m.Ebs?.DeleteOnTermination ?? true,
    ]),
  );
}

/** What differs between a version's data and the wanted data, in words; empty when nothing does. */
export function launchTemplateChanges(live: Data | undefined, desired: RequestLaunchTemplateData): string[] {
  if (!live) return ['no launch template version to compare with'];
  const metadata = (d: Data) =>
    `${d.MetadataOptions?.HttpTokens ?? 'optional'}/${d.MetadataOptions?.HttpPutResponseHopLimit ?? 1}/${d.MetadataOptions?.HttpEndpoint ?? 'enabled'}`;
  const checks: [boolean, string][] = [
    [live.ImageId !== desired.ImageId, `AMI ${live.ImageId ?? 'none'} -> ${desired.ImageId}`],
    [
      live.InstanceType !== desired.InstanceType,
      `instance type ${live.InstanceType ?? 'none'} -> ${desired.InstanceType}`,
    ],
    [
      [...(live.SecurityGroupIds ?? [])].sort().join(',') !==
        [...(desired.SecurityGroupIds ?? [])].sort().join(','),
      'security groups',
    ],
    [live.IamInstanceProfile?.Arn !== desired.IamInstanceProfile?.Arn, 'instance profile'],
    [metadata(live) !== metadata(desired), 'instance metadata options'],
    [(live.Monitoring?.Enabled ?? false) !== (desired.Monitoring?.Enabled ?? false), 'detailed monitoring'],
    [rootVolume(live) !== rootVolume(desired), 'root volume'],
    [(live.KeyName ?? '') !== (desired.KeyName ?? ''), 'key pair'],
    [live.UserData !== desired.UserData, 'user data (GitLab settings)'],
    [tagsByType(live) !== tagsByType(desired), 'tags of the nodes'],
  ];
  return checks.filter(([differs]) => differs).map(([, change]) => change);
}

function shortHash(data: RequestLaunchTemplateData): string {
  return createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 8);
}

/** The image's root device name; the image must exist and be available. */
export async function imageRootDevice(ctx: Pick<AsgCtx, 'aws'>, amiId: string): Promise<string> {
  const image = await awsFind(
    'describing the GitLab image',
    async () => (await ctx.aws.ec2.send(new DescribeImagesCommand({ ImageIds: [amiId] }))).Images?.[0],
    amiId,
  );
  if (!image || image.State !== 'available' || !image.RootDeviceName) {
    throw new ProvisioningError(
      `The GitLab image ${amiId} recorded by the image step is ${image ? (image.State ?? 'unusable') : 'gone'}`,
      {
        code: 'IMAGE_UNAVAILABLE',
        resourceId: amiId,
        hint: 'Run gitlab-ha apply again: the image step builds a new image when its image is gone.',
      },
    );
  }
  return image.RootDeviceName;
}

function isOurs(ctx: Pick<AsgCtx, 'config' | 'step'>, template: LaunchTemplate): boolean {
  return (
    tagValue(template.Tags, TAG_DEPLOYMENT) === ctx.config.name &&
    tagValue(template.Tags, TAG_RESOURCE) === resourceTagValue(ctx.step, ASG_ROLES.launchTemplate)
  );
}

/**
 * `desired` (the template data, with the token's base) is needed only to create the template.
 * Tied to the `app` group, which a rebuilt deployment gets anew: a resumed create reuses its token.
 */
export function launchTemplateSpec(
  ctx: AsgCtx,
  desired?: () => Promise<{ data: RequestLaunchTemplateData; tokenBase: string }>,
): Spec<LaunchTemplate> {
  const { ec2 } = ctx.aws;
  const name = launchTemplateName(ctx.config);
  const byName = () =>
    awsFind(
      `describing EC2 ${LABEL}`,
      async () =>
        (await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [name] })))
          .LaunchTemplates?.[0],
      name,
    );
  return {
    role: ASG_ROLES.launchTemplate,
    type: ASG_TYPES.launchTemplate,
    label: LABEL,
    details: { name },
    idOf: (t) => t.LaunchTemplateId!,
    tagsOf: (t) => t.Tags,
    attributes: (t) => ({ name: t.LaunchTemplateName ?? name }),
    findById: (id) =>
      awsFind(
        `describing EC2 ${LABEL}`,
        async () =>
          (await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [id] })))
            .LaunchTemplates?.[0],
        id,
      ),
    findByTags: async () =>
      (
        await awsCall(`finding the EC2 ${LABEL} by tags`, () =>
          ec2.send(
            new DescribeLaunchTemplatesCommand({
              Filters: ec2TagFilters(ctx.config.name, ctx.step, ASG_ROLES.launchTemplate),
            }),
          ),
        )
      ).LaunchTemplates ?? [],
    create: async () => {
      if (!desired) throw new Error('auto-scaling: creating the launch template needs its data');
      const { data, tokenBase } = await desired();
      try {
        const created = await awsCall(`creating EC2 ${LABEL} ${name}`, () =>
          ec2.send(
            new CreateLaunchTemplateCommand({
              LaunchTemplateName: name,
              LaunchTemplateData: data,
              VersionDescription: 'gitlab-ha: first version',
              ClientToken: `${tokenBase}-${shortHash(data)}`,
              TagSpecifications: [
                { ResourceType: 'launch-template', Tags: ctx.tags(ASG_ROLES.launchTemplate) },
              ],
            }),
          ),
        );
        return created.LaunchTemplate!;
      } catch (error) {
        if (!failedWith(error, 'InvalidLaunchTemplateName.AlreadyExistsException')) throw error;
        // A create that took effect before its answer was lost, seen on the SDK's retry: ours by its tags.
        const existing = await byName();
        if (existing && isOurs(ctx, existing)) return existing;
        throw new ProvisioningError(
          `A launch template named ${name} already exists${existing ? ` (${existing.LaunchTemplateId})` : ''} and is not tagged for this deployment`,
          {
            code: 'NAME_TAKEN',
            ...(existing?.LaunchTemplateId ? { resourceId: existing.LaunchTemplateId } : {}),
            hint: `Delete it (aws ec2 delete-launch-template --launch-template-name ${name}), or tag it ${TAG_DEPLOYMENT}=${ctx.config.name} and ${TAG_RESOURCE}=${resourceTagValue(ctx.step, ASG_ROLES.launchTemplate)} to adopt it, and run again.`,
          },
        );
      }
    },
    delete: async (template) => {
      const id = template.LaunchTemplateId!;
      await awsDelete(
        `deleting EC2 ${LABEL}`,
        () => ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: id })),
        id,
      );
    },
  };
}

export async function latestVersion(
  ctx: Pick<AsgCtx, 'aws'>,
  templateId: string,
): Promise<LaunchTemplateVersion> {
  const version = await awsCall(
    'describing the latest version of EC2 launch template',
    async () =>
      (
        await ctx.aws.ec2.send(
          new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: templateId, Versions: ['$Latest'] }),
        )
      ).LaunchTemplateVersions?.[0],
    templateId,
  );
  if (!version?.VersionNumber) throw new Error(`auto-scaling: launch template ${templateId} has no version`);
  return version;
}

/**
 * Makes the template's latest version carry the wanted data (a new version when anything differs)
 * and the default; returns that version's number and what changed.
 */
export async function convergeLaunchTemplate(
  ctx: AsgCtx,
  template: LaunchTemplate,
  desired: RequestLaunchTemplateData,
): Promise<{ version: number; changes: string[] }> {
  const id = template.LaunchTemplateId!;
  const latest = await latestVersion(ctx, id);
  const changes = launchTemplateChanges(latest.LaunchTemplateData, desired);
  let version = latest.VersionNumber!;
  if (changes.length > 0) {
    const next = version + 1;
    const created = await awsCall(
      `creating version ${next} of EC2 ${LABEL} (${changes.join(', ')})`,
      () =>
        ctx.aws.ec2.send(
          new CreateLaunchTemplateVersionCommand({
            LaunchTemplateId: id,
            LaunchTemplateData: desired,
            VersionDescription: `gitlab-ha: ${changes.join('; ')}`.slice(0, 255),
            // One token per intended version: a retried call gets the same version back.
            ClientToken: `${id}-v${next}-${shortHash(desired)}`,
          }),
        ),
      id,
    );
    version = created.LaunchTemplateVersion!.VersionNumber!;
    ctx.events.info('resource.update', `launch template ${id}: version ${version} (${changes.join(', ')})`, {
      type: ASG_TYPES.launchTemplate,
      role: ASG_ROLES.launchTemplate,
      id,
      version,
      changes,
    });
  }
  if (template.DefaultVersionNumber !== version) {
    await awsCall(
      `making version ${version} the default of EC2 launch template`,
      () =>
        ctx.aws.ec2.send(
          new ModifyLaunchTemplateCommand({ LaunchTemplateId: id, DefaultVersion: String(version) }),
        ),
      id,
    );
  }
  return { version, changes };
}
