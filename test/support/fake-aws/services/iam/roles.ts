import type {
  AttachRolePolicyCommandInput,
  AttachRolePolicyCommandOutput,
  CreateRoleCommandInput,
  CreateRoleCommandOutput,
  DeleteRoleCommandInput,
  DeleteRoleCommandOutput,
  DeleteRolePolicyCommandInput,
  DeleteRolePolicyCommandOutput,
  DetachRolePolicyCommandInput,
  DetachRolePolicyCommandOutput,
  GetRoleCommandInput,
  GetRoleCommandOutput,
  GetRolePolicyCommandInput,
  GetRolePolicyCommandOutput,
  ListAttachedRolePoliciesCommandInput,
  ListAttachedRolePoliciesCommandOutput,
  ListRolePoliciesCommandInput,
  ListRolePoliciesCommandOutput,
  ListRoleTagsCommandInput,
  ListRoleTagsCommandOutput,
  PutRolePolicyCommandInput,
  PutRolePolicyCommandOutput,
  Role,
  TagRoleCommandInput,
  TagRoleCommandOutput,
  UpdateAssumeRolePolicyCommandInput,
  UpdateAssumeRolePolicyCommandOutput,
} from '@aws-sdk/client-iam';
import type { Result } from '../../core/service.js';
import { toTagList, type TagMap } from '../../core/tags.js';
import { iamPage } from './paging.js';
import {
  deleteConflict,
  entityAlreadyExists,
  limitExceeded,
  noSuchEntity,
  validationError,
} from './errors.js';
import { policySize, urlEncodePolicy, validatePolicyDocument } from './policy-document.js';
import { IAM_QUOTAS, type IamStore, type RoleRecord } from './store.js';

/** Role, policy and instance profile names: IAM's `[\w+=,.@-]+` pattern. */
export const IAM_NAME = /^[\w+=,.@-]+$/;

export function validateName(kind: string, name: string | undefined, maxLength: number): string {
  if (!name || name.length > maxLength || !IAM_NAME.test(name)) {
    throw validationError(
      `1 validation error detected: Value '${name ?? ''}' at '${kind}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+ and length 1-${maxLength}`,
    );
  }
  return name;
}

export function validatePath(path: string | undefined): string {
  const value = path ?? '/';
  if (!/^\/([\x21-\x7e]+\/)?$/.test(value) || value.length > 512) {
    throw validationError(
      `The specified value for path is invalid. It must begin and end with / (got '${value}').`,
    );
  }
  return value;
}

/** A role as IAM describes it; the trust policy URL-encoded, as AWS returns it. */
export function describeRole(role: RoleRecord, options: { tags: boolean } = { tags: true }): Role {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.id,
    Arn: role.arn,
    CreateDate: role.createDate,
    AssumeRolePolicyDocument: urlEncodePolicy(role.assumeRolePolicyDocument),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDuration,
    Tags: options.tags && Object.keys(role.tags).length > 0 ? toTagList(role.tags) : undefined,
  };
}

function policyNotFound(name: string | undefined): Error {
  return noSuchEntity(`The role policy with name ${name} cannot be found.`);
}

function checkInlineSize(role: RoleRecord, policyName: string, document: string): void {
  let total = policySize(document);
  for (const [name, existing] of role.inlinePolicies) if (name !== policyName) total += policySize(existing);
  if (total > IAM_QUOTAS.inlinePolicyCharactersPerRole) {
    throw limitExceeded(
      `Maximum policy size of ${IAM_QUOTAS.inlinePolicyCharactersPerRole} bytes exceeded for role ${role.name}`,
    );
  }
}

export function roleHandlers(store: IamStore) {
  return {
    CreateRole(input: CreateRoleCommandInput): Result<CreateRoleCommandOutput> {
      const name = validateName('roleName', input.RoleName, 64);
      const path = validatePath(input.Path);
      if (store.findRole(name)) throw entityAlreadyExists(`Role with name ${name} already exists.`);
      validatePolicyDocument(input.AssumeRolePolicyDocument, 'trust');
      const maxSessionDuration = input.MaxSessionDuration ?? 3600;
      if (maxSessionDuration < 3600 || maxSessionDuration > 43200) {
        throw validationError('MaxSessionDuration must be between 3600 and 43200 seconds.');
      }
      const holder: { tags: TagMap } = { tags: {} };
      store.addTags(holder, input.Tags);
      const role: RoleRecord = {
        name,
        id: store.uniqueId('AROA'),
        path,
        arn: store.arn('role', path, name),
        assumeRolePolicyDocument: input.AssumeRolePolicyDocument!,
        ...(input.Description !== undefined ? { description: input.Description } : {}),
        maxSessionDuration,
        tags: holder.tags,
        createDate: new Date(),
        inlinePolicies: new Map(),
        attachedPolicies: [],
      };
      store.roles.set(name.toLowerCase(), role);
      return { Role: describeRole(role) };
    },

    GetRole(input: GetRoleCommandInput): Result<GetRoleCommandOutput> {
      return { Role: { ...describeRole(store.role(input.RoleName)), RoleLastUsed: {} } };
    },

    DeleteRole(input: DeleteRoleCommandInput): Result<DeleteRoleCommandOutput> {
      const role = store.role(input.RoleName);
      if (role.inlinePolicies.size > 0)
        throw deleteConflict('Cannot delete entity, must delete policies first.');
      if (role.attachedPolicies.length > 0) {
        throw deleteConflict('Cannot delete entity, must detach all policies first.');
      }
      const inProfile = [...store.instanceProfiles.values()].some((p) => p.roles.includes(role.name));
      if (inProfile) {
        throw deleteConflict('Cannot delete entity, must remove roles from instance profile first.');
      }
      store.roles.delete(role.name.toLowerCase());
      return {};
    },

    UpdateAssumeRolePolicy(
      input: UpdateAssumeRolePolicyCommandInput,
    ): Result<UpdateAssumeRolePolicyCommandOutput> {
      const role = store.role(input.RoleName);
      validatePolicyDocument(input.PolicyDocument, 'trust');
      role.assumeRolePolicyDocument = input.PolicyDocument!;
      return {};
    },

    TagRole(input: TagRoleCommandInput): Result<TagRoleCommandOutput> {
      store.addTags(store.role(input.RoleName), input.Tags);
      return {};
    },

    ListRoleTags(input: ListRoleTagsCommandInput): Result<ListRoleTagsCommandOutput> {
      const role = store.role(input.RoleName);
      const { page, marker } = iamPage(toTagList(role.tags), input);
      return { Tags: page, IsTruncated: marker !== undefined, Marker: marker };
    },

    PutRolePolicy(input: PutRolePolicyCommandInput): Result<PutRolePolicyCommandOutput> {
      const role = store.role(input.RoleName);
      const policyName = validateName('policyName', input.PolicyName, 128);
      validatePolicyDocument(input.PolicyDocument, 'identity');
      checkInlineSize(role, policyName, input.PolicyDocument!);
      role.inlinePolicies.set(policyName, input.PolicyDocument!);
      return {};
    },

    GetRolePolicy(input: GetRolePolicyCommandInput): Result<GetRolePolicyCommandOutput> {
      const role = store.role(input.RoleName);
      const document = role.inlinePolicies.get(input.PolicyName ?? '');
      if (document === undefined) throw policyNotFound(input.PolicyName);
      return { RoleName: role.name, PolicyName: input.PolicyName, PolicyDocument: urlEncodePolicy(document) };
    },

    DeleteRolePolicy(input: DeleteRolePolicyCommandInput): Result<DeleteRolePolicyCommandOutput> {
      const role = store.role(input.RoleName);
      if (!role.inlinePolicies.delete(input.PolicyName ?? '')) throw policyNotFound(input.PolicyName);
      return {};
    },

    ListRolePolicies(input: ListRolePoliciesCommandInput): Result<ListRolePoliciesCommandOutput> {
      const role = store.role(input.RoleName);
      const { page, marker } = iamPage([...role.inlinePolicies.keys()].sort(), input);
      return { PolicyNames: page, IsTruncated: marker !== undefined, Marker: marker };
    },

    AttachRolePolicy(input: AttachRolePolicyCommandInput): Result<AttachRolePolicyCommandOutput> {
      const role = store.role(input.RoleName);
      const arn = input.PolicyArn ?? '';
      if (!store.attachablePolicies.has(arn)) {
        throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
      }
      // Attaching an attached policy again is a no-op in IAM.
      if (role.attachedPolicies.includes(arn)) return {};
      if (role.attachedPolicies.length >= IAM_QUOTAS.managedPoliciesPerRole) {
        throw limitExceeded(`Cannot exceed quota for PoliciesPerRole: ${IAM_QUOTAS.managedPoliciesPerRole}`);
      }
      role.attachedPolicies.push(arn);
      return {};
    },

    DetachRolePolicy(input: DetachRolePolicyCommandInput): Result<DetachRolePolicyCommandOutput> {
      const role = store.role(input.RoleName);
      const index = role.attachedPolicies.indexOf(input.PolicyArn ?? '');
      if (index < 0) throw noSuchEntity(`Policy ${input.PolicyArn} was not found.`);
      role.attachedPolicies.splice(index, 1);
      return {};
    },

    ListAttachedRolePolicies(
      input: ListAttachedRolePoliciesCommandInput,
    ): Result<ListAttachedRolePoliciesCommandOutput> {
      const role = store.role(input.RoleName);
      const attached = role.attachedPolicies.map((arn) => ({
        PolicyName: arn.slice(arn.lastIndexOf('/') + 1),
        PolicyArn: arn,
      }));
      const { page, marker } = iamPage(attached, input);
      return { AttachedPolicies: page, IsTruncated: marker !== undefined, Marker: marker };
    },
  };
}
