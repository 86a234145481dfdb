import type { FakeEnvironment } from '../../core/environment.js';
import { poll, startTransition, type Settling } from '../../core/latency.js';
import type { TaggedResource } from '../../core/service.js';
import {
  MAX_TAGS_PER_RESOURCE,
  tagProblem,
  toTagMap,
  type KeyValueTag,
  type TagMap,
} from '../../core/tags.js';
import { invalidInput, limitExceeded, noSuchEntity } from './errors.js';

export interface RoleRecord {
  name: string;
  /** `AROA` + 17 characters, like IAM's unique ids for roles. */
  id: string;
  path: string;
  arn: string;
  /** The trust policy as it was sent (JSON); GetRole returns it URL-encoded. */
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
  tags: TagMap;
  createDate: Date;
  /** Inline policies: name -> document (JSON as sent). */
  inlinePolicies: Map<string, string>;
  /** ARNs of attached managed policies, in attach order. */
  attachedPolicies: string[];
}

/** Whether EC2 can use an instance profile yet (see `IamStore.isInstanceProfileUsable`). */
export type ProfilePropagation = 'propagating' | 'usable';

export interface InstanceProfileRecord extends Settling<ProfilePropagation> {
  name: string;
  /** `AIPA` + 17 characters. */
  id: string;
  path: string;
  arn: string;
  /** Names of the roles in it (IAM allows at most one). */
  roles: string[];
  tags: TagMap;
  createDate: Date;
}

/** AWS managed policies every account can attach (tests may add more). */
export const AWS_MANAGED_POLICIES = [
  'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
  'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy',
  'arn:aws:iam::aws:policy/ReadOnlyAccess',
];

/** IAM quotas the fake enforces. */
export const IAM_QUOTAS = {
  managedPoliciesPerRole: 10,
  /** Characters of all inline policies of a role together, whitespace not counted. */
  inlinePolicyCharactersPerRole: 10240,
  rolesPerInstanceProfile: 1,
};

/**
 * IAM roles, instance profiles and their policies. IAM is global to the account: names are unique
 * per account regardless of region, and not distinguished by case (`MyRole` and `myrole` clash), so
 * the maps are keyed by the lower-cased name.
 */
export class IamStore {
  readonly roles = new Map<string, RoleRecord>();
  readonly instanceProfiles = new Map<string, InstanceProfileRecord>();
  /** ARNs AttachRolePolicy accepts; anything else is NoSuchEntity. */
  readonly attachablePolicies = new Set<string>(AWS_MANAGED_POLICIES);

  constructor(readonly env: FakeEnvironment) {}

  findRole(name: string | undefined): RoleRecord | undefined {
    return this.roles.get((name ?? '').toLowerCase());
  }

  /** The role, or IAM's NoSuchEntity error. */
  role(name: string | undefined): RoleRecord {
    const role = this.findRole(name);
    if (!role) throw noSuchEntity(`The role with name ${name} cannot be found.`);
    return role;
  }

  findInstanceProfile(name: string | undefined): InstanceProfileRecord | undefined {
    return this.instanceProfiles.get((name ?? '').toLowerCase());
  }

  /** The instance profile, or IAM's NoSuchEntity error. */
  instanceProfile(name: string | undefined): InstanceProfileRecord {
    const profile = this.findInstanceProfile(name);
    if (!profile) throw noSuchEntity(`Instance Profile ${name} cannot be found.`);
    return profile;
  }

  /** `AROA...` / `AIPA...`: IAM's unique-id shape, from the seeded generator. */
  uniqueId(prefix: 'AROA' | 'AIPA'): string {
    return (
      prefix +
      this.env.ids
        .next(prefix.toLowerCase())
        .slice(prefix.length + 1)
        .toUpperCase()
    );
  }

  arn(kind: 'role' | 'instance-profile', path: string, name: string): string {
    return `arn:aws:iam::${this.env.account}:${kind}${path}${name}`;
  }

  /**
   * Whether EC2 would accept this instance profile in RunInstances yet (the EC2 fake asks this and
   * answers "Invalid IAM Instance Profile" while it is false). IAM is eventually consistent: a profile
   * made a moment ago is not yet visible to EC2. Each call counts as one check: the
   * `latency.instanceProfileUsable`-th check after CreateInstanceProfile is the first to answer true
   * (0: usable at once). Takes a name or an ARN (RunInstances accepts either); unknown: false.
   */
  isInstanceProfileUsable(nameOrArn: string): boolean {
    const name = nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1) : nameOrArn;
    const profile = this.findInstanceProfile(name);
    if (!profile) return false;
    if (nameOrArn.startsWith('arn:') && profile.arn !== nameOrArn) return false;
    poll(profile);
    return profile.state === 'usable';
  }

  /** Starts the propagation of a new profile (see isInstanceProfileUsable). */
  startPropagation(profile: InstanceProfileRecord): void {
    startTransition(profile, 'usable', this.env.latency.instanceProfileUsable);
  }

  /** Merges tags as TagRole / TagInstanceProfile do, within IAM's rules. */
  addTags(target: { tags: TagMap }, tags: readonly KeyValueTag[] | undefined): void {
    const merged = { ...target.tags, ...toTagMap(tags) };
    const problem = tagProblem(toTagMap(tags));
    if (problem) throw invalidInput(problem);
    if (Object.keys(merged).length > MAX_TAGS_PER_RESOURCE) {
      throw limitExceeded('The number of tags has reached the maximum limit.');
    }
    target.tags = merged;
  }

  listTagged(): TaggedResource[] {
    return [...this.roles.values(), ...this.instanceProfiles.values()]
      .filter((entity) => Object.keys(entity.tags).length > 0)
      .map((entity) => ({ arn: entity.arn, tags: { ...entity.tags } }));
  }
}
