/**
 * EC2 launch templates: CreateLaunchTemplate, CreateLaunchTemplateVersion, DescribeLaunchTemplates,
 * DescribeLaunchTemplateVersions, ModifyLaunchTemplate (the default version) and DeleteLaunchTemplate.
 *
 * A template keeps every version's data exactly as sent and describes it back as such (AWS adds a
 * MetadataOptions `State`). Only the LaunchTemplateData fields gitlab-ha uses are modelled; any
 * other field is refused, so a test notices when the tool starts relying on one. Both create calls
 * honour a ClientToken like RunInstances: the same token with the same parameters answers with what
 * the first call made (while that template exists), other parameters fail.
 */
import type {
  CreateLaunchTemplateCommandInput,
  CreateLaunchTemplateCommandOutput,
  CreateLaunchTemplateVersionCommandInput,
  CreateLaunchTemplateVersionCommandOutput,
  DeleteLaunchTemplateCommandInput,
  DeleteLaunchTemplateCommandOutput,
  DescribeLaunchTemplatesCommandInput,
  DescribeLaunchTemplatesCommandOutput,
  DescribeLaunchTemplateVersionsCommandInput,
  DescribeLaunchTemplateVersionsCommandOutput,
  LaunchTemplate,
  LaunchTemplateVersion,
  ModifyLaunchTemplateCommandInput,
  ModifyLaunchTemplateCommandOutput,
  RequestLaunchTemplateData,
  ResourceType,
  ResponseLaunchTemplateData,
} from '@aws-sdk/client-ec2';
import type { FilterSpec } from '../../core/filters.js';
import type { Result } from '../../core/service.js';
import { toTagList } from '../../core/tags.js';
import { page, select } from './describe.js';
import { ec2Error, invalidParameterValue, notFound } from './errors.js';
import type { LaunchTemplateRecord, LaunchTemplateVersionRecord } from './records.js';
import type { Ec2Store } from './store.js';
import { tagsFromSpecifications } from './tags.js';

/** What EC2 accepts as a launch template name: 3-128 of letters, digits and ( ) . - / _ */
const TEMPLATE_NAME = /^[a-zA-Z0-9().\-/_]{3,128}$/;
const USER_DATA_LIMIT_BYTES = 16384;
const MODELLED_DATA_FIELDS = new Set<keyof RequestLaunchTemplateData>([
  'ImageId',
  'InstanceType',
  'KeyName',
  'UserData',
  'SecurityGroupIds',
  'IamInstanceProfile',
  'MetadataOptions',
  'BlockDeviceMappings',
  'TagSpecifications',
  'Monitoring',
  'EbsOptimized',
]);
const TAGGABLE_AT_LAUNCH: readonly ResourceType[] = ['instance', 'volume', 'network-interface'];

function checkData(data: RequestLaunchTemplateData | undefined): RequestLaunchTemplateData {
  if (!data) {
    throw ec2Error('MissingParameter', 'The request must contain the parameter LaunchTemplateData');
  }
  for (const field of Object.keys(data)) {
    if (!MODELLED_DATA_FIELDS.has(field as keyof RequestLaunchTemplateData)) {
      throw invalidParameterValue(
        `fake-aws does not model LaunchTemplateData.${field}; add it to launch-templates.ts`,
      );
    }
  }
  if (data.UserData !== undefined) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data.UserData) || data.UserData.length % 4 !== 0) {
      throw invalidParameterValue('Invalid BASE64 encoding of user data.');
    }
    const bytes = Buffer.from(data.UserData, 'base64').length;
    if (bytes > USER_DATA_LIMIT_BYTES) {
      throw invalidParameterValue(`User data is limited to ${USER_DATA_LIMIT_BYTES} bytes (got ${bytes}).`);
    }
  }
  for (const specification of data.TagSpecifications ?? []) {
    const type = specification.ResourceType;
    if (!type || !TAGGABLE_AT_LAUNCH.includes(type)) {
      throw invalidParameterValue(
        `'${type ?? ''}' is not a valid taggable resource type for a launch template's TagSpecifications.`,
      );
    }
    tagsFromSpecifications([specification], type);
  }
  const hopLimit = data.MetadataOptions?.HttpPutResponseHopLimit;
  if (hopLimit !== undefined && (!Number.isInteger(hopLimit) || hopLimit < 1 || hopLimit > 64)) {
    throw invalidParameterValue(`Value (${hopLimit}) for parameter httpPutResponseHopLimit is invalid.`);
  }
  return structuredClone(data);
}

/** The data as DescribeLaunchTemplateVersions shows it: as sent, with the metadata options applied. */
function responseData(data: RequestLaunchTemplateData): ResponseLaunchTemplateData {
  const { MetadataOptions, ...rest } = structuredClone(data);
  return {
    ...rest,
    ...(MetadataOptions ? { MetadataOptions: { ...MetadataOptions, State: 'applied' } } : {}),
  } as ResponseLaunchTemplateData;
}

function createdBy(store: Ec2Store): string {
  return `arn:aws:iam::${store.env.account}:user/fake`;
}

function describeTemplate(store: Ec2Store, template: LaunchTemplateRecord): LaunchTemplate {
  return {
    LaunchTemplateId: template.id,
    LaunchTemplateName: template.name,
    CreateTime: template.createTime,
    CreatedBy: createdBy(store),
    DefaultVersionNumber: template.defaultVersion,
    LatestVersionNumber: template.versions.length,
    Tags: toTagList(template.tags),
  };
}

function describeVersion(
  store: Ec2Store,
  template: LaunchTemplateRecord,
  version: LaunchTemplateVersionRecord,
): LaunchTemplateVersion {
  return {
    LaunchTemplateId: template.id,
    LaunchTemplateName: template.name,
    VersionNumber: version.number,
    VersionDescription: version.description,
    CreateTime: version.createTime,
    CreatedBy: createdBy(store),
    DefaultVersion: version.number === template.defaultVersion,
    LaunchTemplateData: responseData(version.data),
  };
}

/** The template named by id or by name (exactly one of them). */
export function findTemplate(
  store: Ec2Store,
  ref: { LaunchTemplateId?: string | undefined; LaunchTemplateName?: string | undefined },
): LaunchTemplateRecord {
  if (ref.LaunchTemplateId && ref.LaunchTemplateName) {
    throw invalidParameterValue(
      'Specify either the launch template ID or the launch template name, not both.',
    );
  }
  if (ref.LaunchTemplateId) return store.launchTemplate(ref.LaunchTemplateId);
  if (ref.LaunchTemplateName) {
    const byName = [...store.launchTemplates.values()].find((t) => t.name === ref.LaunchTemplateName);
    if (!byName) throw notFound.launchTemplateName(ref.LaunchTemplateName);
    return byName;
  }
  throw ec2Error(
    'MissingParameter',
    'The request must contain the parameter LaunchTemplateId or LaunchTemplateName',
  );
}

/** A version by number, `$Latest` or `$Default` (undefined means `$Default`). */
export function resolveVersion(
  template: LaunchTemplateRecord,
  version: string | undefined,
): LaunchTemplateVersionRecord {
  const wanted = version ?? '$Default';
  const number =
    wanted === '$Latest'
      ? template.versions.length
      : wanted === '$Default'
        ? template.defaultVersion
        : /^\d+$/.test(wanted)
          ? Number(wanted)
          : NaN;
  const record = template.versions[number - 1];
  if (!record) throw notFound.launchTemplateVersion(template.id, wanted);
  return record;
}

const templateFilters: FilterSpec<LaunchTemplateRecord> = {
  fields: {
    'launch-template-name': (t) => t.name,
    'create-time': (t) => t.createTime.toISOString(),
  },
  tags: (t) => t.tags,
};

type VersionEntry = { template: LaunchTemplateRecord; version: LaunchTemplateVersionRecord };

const versionFilters: FilterSpec<VersionEntry> = {
  fields: {
    'image-id': (e) => e.version.data.ImageId,
    'instance-type': (e) => e.version.data.InstanceType,
    'is-default-version': (e) => String(e.version.number === e.template.defaultVersion),
  },
};

export function launchTemplateHandlers(store: Ec2Store) {
  const mismatch = (token: string | undefined) => () =>
    ec2Error('IdempotentParameterMismatch', `Client token ${token} was used with other parameters`);

  return {
    /** Version 1 is the default; the template carries the `launch-template` TagSpecifications. */
    CreateLaunchTemplate(input: CreateLaunchTemplateCommandInput): Result<CreateLaunchTemplateCommandOutput> {
      const earlier = store.clientTokens.recall('CreateLaunchTemplate', input, mismatch(input.ClientToken));
      const replayed = earlier ? store.launchTemplates.get(earlier) : undefined;
      if (replayed) return { LaunchTemplate: describeTemplate(store, replayed) };

      const name = input.LaunchTemplateName ?? '';
      if (!TEMPLATE_NAME.test(name)) {
        throw invalidParameterValue(
          `Launch template name '${name}' is invalid: use 3-128 letters, digits and ( ) . - / _`,
        );
      }
      if ([...store.launchTemplates.values()].some((t) => t.name === name)) {
        throw ec2Error(
          'InvalidLaunchTemplateName.AlreadyExistsException',
          `Launch template name already in use.`,
        );
      }
      const data = checkData(input.LaunchTemplateData);
      for (const specification of input.TagSpecifications ?? []) {
        if (specification.ResourceType !== 'launch-template') {
          throw invalidParameterValue(
            `'${specification.ResourceType ?? ''}' is not a valid taggable resource type for this operation (expected 'launch-template').`,
          );
        }
      }
      const createTime = new Date();
      const template: LaunchTemplateRecord = {
        id: store.env.ids.next('lt'),
        name,
        defaultVersion: 1,
        versions: [{ number: 1, description: input.VersionDescription, data, createTime }],
        createTime,
        tags: tagsFromSpecifications(input.TagSpecifications, 'launch-template'),
      };
      store.launchTemplates.set(template.id, template);
      store.clientTokens.remember('CreateLaunchTemplate', input, template.id);
      return { LaunchTemplate: describeTemplate(store, template) };
    },

    /** The next version number; with SourceVersion, the new data is laid over that version's. */
    CreateLaunchTemplateVersion(
      input: CreateLaunchTemplateVersionCommandInput,
    ): Result<CreateLaunchTemplateVersionCommandOutput> {
      const template = findTemplate(store, input);
      const earlier = store.clientTokens.recall(
        'CreateLaunchTemplateVersion',
        input,
        mismatch(input.ClientToken),
      );
      if (earlier) {
        const [templateId, number] = earlier.split(':');
        const replayed = templateId === template.id ? template.versions[Number(number) - 1] : undefined;
        if (replayed) return { LaunchTemplateVersion: describeVersion(store, template, replayed) };
      }
      const given = checkData(input.LaunchTemplateData);
      const data = input.SourceVersion
        ? { ...structuredClone(resolveVersion(template, input.SourceVersion).data), ...given }
        : given;
      const version: LaunchTemplateVersionRecord = {
        number: template.versions.length + 1,
        description: input.VersionDescription,
        data,
        createTime: new Date(),
      };
      template.versions.push(version);
      store.clientTokens.remember('CreateLaunchTemplateVersion', input, `${template.id}:${version.number}`);
      return { LaunchTemplateVersion: describeVersion(store, template, version) };
    },

    DescribeLaunchTemplates(
      input: DescribeLaunchTemplatesCommandInput,
    ): Result<DescribeLaunchTemplatesCommandOutput> {
      const names = input.LaunchTemplateNames ?? [];
      const byName = names.map((name) => findTemplate(store, { LaunchTemplateName: name }));
      const templates = select({
        byIds: { ids: input.LaunchTemplateIds, lookup: (id) => store.launchTemplate(id) },
        all: () => (names.length ? byName : store.launchTemplates.values()),
        filters: input.Filters,
        spec: templateFilters,
      });
      const { page: shown, nextToken } = page(templates, input);
      return { LaunchTemplates: shown.map((t) => describeTemplate(store, t)), NextToken: nextToken };
    },

    /** Versions of one template: the ones named (numbers, `$Latest`, `$Default`), else all within Min/MaxVersion. */
    DescribeLaunchTemplateVersions(
      input: DescribeLaunchTemplateVersionsCommandInput,
    ): Result<DescribeLaunchTemplateVersionsCommandOutput> {
      const template = findTemplate(store, input);
      const min = input.MinVersion ? Number(input.MinVersion) : 1;
      const max = input.MaxVersion ? Number(input.MaxVersion) : Infinity;
      const chosen = input.Versions?.length
        ? [...new Set(input.Versions.map((v) => resolveVersion(template, v)))]
        : template.versions.filter((v) => v.number >= min && v.number <= max);
      const entries = select({
        all: () => chosen.map((version) => ({ template, version })),
        filters: input.Filters,
        spec: versionFilters,
      });
      const { page: shown, nextToken } = page(entries, input);
      return {
        LaunchTemplateVersions: shown.map((e) => describeVersion(store, e.template, e.version)),
        NextToken: nextToken,
      };
    },

    /** Sets the default version. */
    ModifyLaunchTemplate(input: ModifyLaunchTemplateCommandInput): Result<ModifyLaunchTemplateCommandOutput> {
      const template = findTemplate(store, input);
      if (input.DefaultVersion !== undefined) {
        if (!/^\d+$/.test(input.DefaultVersion)) {
          throw invalidParameterValue(`The version '${input.DefaultVersion}' is not a version number.`);
        }
        template.defaultVersion = resolveVersion(template, input.DefaultVersion).number;
      }
      return { LaunchTemplate: describeTemplate(store, template) };
    },

    /** Gone at once, with all its versions (instances launched from it keep running). */
    DeleteLaunchTemplate(input: DeleteLaunchTemplateCommandInput): Result<DeleteLaunchTemplateCommandOutput> {
      const template = findTemplate(store, input);
      store.launchTemplates.delete(template.id);
      return { LaunchTemplate: describeTemplate(store, template) };
    },
  };
}
