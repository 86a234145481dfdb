import type {
  AddRoleToInstanceProfileCommandInput,
  AddRoleToInstanceProfileCommandOutput,
  CreateInstanceProfileCommandInput,
  CreateInstanceProfileCommandOutput,
  DeleteInstanceProfileCommandInput,
  DeleteInstanceProfileCommandOutput,
  GetInstanceProfileCommandInput,
  GetInstanceProfileCommandOutput,
  InstanceProfile,
  ListInstanceProfileTagsCommandInput,
  ListInstanceProfileTagsCommandOutput,
  RemoveRoleFromInstanceProfileCommandInput,
  RemoveRoleFromInstanceProfileCommandOutput,
  TagInstanceProfileCommandInput,
  TagInstanceProfileCommandOutput,
} from '@aws-sdk/client-iam';
import type { Result } from '../../core/service.js';
import { toTagList, type TagMap } from '../../core/tags.js';
import { deleteConflict, entityAlreadyExists, limitExceeded, noSuchEntity } from './errors.js';
import { iamPage } from './paging.js';
import { describeRole, validateName, validatePath } from './roles.js';
import { IAM_QUOTAS, type IamStore, type InstanceProfileRecord } from './store.js';

function describeInstanceProfile(store: IamStore, profile: InstanceProfileRecord): InstanceProfile {
  return {
    Path: profile.path,
    InstanceProfileName: profile.name,
    InstanceProfileId: profile.id,
    Arn: profile.arn,
    CreateDate: profile.createDate,
    Roles: profile.roles.map((name) => describeRole(store.role(name), { tags: false })),
    Tags: Object.keys(profile.tags).length > 0 ? toTagList(profile.tags) : undefined,
  };
}

export function instanceProfileHandlers(store: IamStore) {
  return {
    CreateInstanceProfile(
      input: CreateInstanceProfileCommandInput,
    ): Result<CreateInstanceProfileCommandOutput> {
      const name = validateName('instanceProfileName', input.InstanceProfileName, 128);
      const path = validatePath(input.Path);
      if (store.findInstanceProfile(name))
        throw entityAlreadyExists(`Instance Profile ${name} already exists.`);
      const holder: { tags: TagMap } = { tags: {} };
      store.addTags(holder, input.Tags);
      const profile: InstanceProfileRecord = {
        name,
        id: store.uniqueId('AIPA'),
        path,
        arn: store.arn('instance-profile', path, name),
        roles: [],
        tags: holder.tags,
        createDate: new Date(),
        state: 'propagating',
      };
      store.startPropagation(profile);
      store.instanceProfiles.set(name.toLowerCase(), profile);
      return { InstanceProfile: describeInstanceProfile(store, profile) };
    },

    GetInstanceProfile(input: GetInstanceProfileCommandInput): Result<GetInstanceProfileCommandOutput> {
      return {
        InstanceProfile: describeInstanceProfile(store, store.instanceProfile(input.InstanceProfileName)),
      };
    },

    DeleteInstanceProfile(
      input: DeleteInstanceProfileCommandInput,
    ): Result<DeleteInstanceProfileCommandOutput> {
      const profile = store.instanceProfile(input.InstanceProfileName);
      if (profile.roles.length > 0) {
        throw deleteConflict('Cannot delete entity, must remove roles from instance profile first.');
      }
      store.instanceProfiles.delete(profile.name.toLowerCase());
      return {};
    },

    AddRoleToInstanceProfile(
      input: AddRoleToInstanceProfileCommandInput,
    ): Result<AddRoleToInstanceProfileCommandOutput> {
      const profile = store.instanceProfile(input.InstanceProfileName);
      const role = store.role(input.RoleName);
      // IAM answers LimitExceeded even when the role in it is this very role.
      if (profile.roles.length >= IAM_QUOTAS.rolesPerInstanceProfile) {
        throw limitExceeded(
          `Cannot exceed quota for InstanceSessionsPerInstanceProfile: ${IAM_QUOTAS.rolesPerInstanceProfile}`,
        );
      }
      profile.roles.push(role.name);
      return {};
    },

    RemoveRoleFromInstanceProfile(
      input: RemoveRoleFromInstanceProfileCommandInput,
    ): Result<RemoveRoleFromInstanceProfileCommandOutput> {
      const profile = store.instanceProfile(input.InstanceProfileName);
      const role = store.role(input.RoleName);
      const index = profile.roles.indexOf(role.name);
      if (index < 0) {
        throw noSuchEntity(`The role with name ${role.name} is not in instance profile ${profile.name}.`);
      }
      profile.roles.splice(index, 1);
      return {};
    },

    TagInstanceProfile(input: TagInstanceProfileCommandInput): Result<TagInstanceProfileCommandOutput> {
      store.addTags(store.instanceProfile(input.InstanceProfileName), input.Tags);
      return {};
    },

    ListInstanceProfileTags(
      input: ListInstanceProfileTagsCommandInput,
    ): Result<ListInstanceProfileTagsCommandOutput> {
      const profile = store.instanceProfile(input.InstanceProfileName);
      const { page, marker } = iamPage(toTagList(profile.tags), input);
      return { Tags: page, IsTruncated: marker !== undefined, Marker: marker };
    },
  };
}
