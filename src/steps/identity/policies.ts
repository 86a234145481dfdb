/**
 * The policy documents of the GitLab node role, and how to compare them with what IAM returns.
 * Pure functions: ensure, plan and inspect all build and compare them the same way.
 *
 * Least privilege, following the bootstrap protocol nodes speak (storage node and image builder):
 * - read (and decrypt) the deployment's own parameters under /gitlab-ha/<deployment>/;
 * - write the log tail of a failed bootstrap to /gitlab-ha/<deployment>/bootstrap/<instance-id>;
 * - tag ITS OWN instance `gitlab-ha:bootstrap` = ready | failed, and no other key or instance.
 * Session Manager comes from AWS's managed AmazonSSMManagedInstanceCore, attached beside.
 */
import { isDeepStrictEqual } from 'node:util';
import type { IdentityLayout } from './layout.js';
import { SSM_CORE_POLICY_NAME } from './layout.js';

/** The tag a node puts on its own instance to report how its bootstrap ended. */
export const BOOTSTRAP_TAG_KEY = 'gitlab-ha:bootstrap';
export const BOOTSTRAP_TAG_VALUES = ['ready', 'failed'] as const;

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: { Service: string };
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** Where the policy applies: read from the role's ARN, so no extra call is needed for the account. */
export interface PolicyTarget {
  partition: string;
  account: string;
  region: string;
}

/** `arn:<partition>:iam::<account>:role/<name>` -> partition and account. */
export function arnAccount(arn: string): { partition: string; account: string } {
  const [prefix, partition, , , account] = arn.split(':');
  if (prefix !== 'arn' || !partition || !account || !/^\d{12}$/.test(account)) {
    throw new Error(`identity: cannot read the account from the ARN '${arn}'`);
  }
  return { partition, account };
}

/** EC2 instances may assume the role (through the instance profile). */
export function trustPolicy(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'ec2.amazonaws.com' },
        Action: 'sts:AssumeRole',
      },
    ],
  };
}

/** The DNS suffix of service endpoints: `amazonaws.com`, `amazonaws.com.cn` in China. */
function dnsSuffix(partition: string): string {
  return partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}

export function managedPolicyArn(partition: string): string {
  return `arn:${partition}:iam::aws:policy/${SSM_CORE_POLICY_NAME}`;
}

/** The inline policy of the node role. */
export function nodePolicy(layout: IdentityLayout, target: PolicyTarget): PolicyDocument {
  const { partition, account, region } = target;
  const parameterArn = (path: string) => `arn:${partition}:ssm:${region}:${account}:parameter${path}*`;
  const deploymentParameters = parameterArn(layout.parameterPrefix);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadDeploymentParameters',
        Effect: 'Allow',
        Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
        Resource: deploymentParameters,
      },
      {
        // SecureStrings are decrypted by SSM on the node's behalf: only through SSM, and only for
        // this deployment's parameters (SSM passes the parameter's ARN as encryption context).
        Sid: 'DecryptDeploymentParameters',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: `arn:${partition}:kms:${region}:${account}:key/*`,
        Condition: {
          StringEquals: { 'kms:ViaService': `ssm.${region}.${dnsSuffix(partition)}` },
          StringLike: { 'kms:EncryptionContext:PARAMETER_ARN': deploymentParameters },
        },
      },
      {
        Sid: 'WriteBootstrapLog',
        Effect: 'Allow',
        Action: 'ssm:PutParameter',
        Resource: parameterArn(layout.bootstrapParameterPrefix),
      },
      {
        // `aws:ARN` is the instance being tagged and `ec2:SourceInstanceARN` the instance whose role
        // credentials sign the request: equal only when a node tags itself.
        Sid: 'SignalBootstrapResultOnItself',
        Effect: 'Allow',
        Action: 'ec2:CreateTags',
        Resource: `arn:${partition}:ec2:${region}:${account}:instance/*`,
        Condition: {
          StringEquals: {
            'aws:ARN': '${ec2:SourceInstanceARN}',
            [`aws:RequestTag/${BOOTSTRAP_TAG_KEY}`]: [...BOOTSTRAP_TAG_VALUES],
          },
          'ForAllValues:StringEquals': { 'aws:TagKeys': [BOOTSTRAP_TAG_KEY] },
        },
      },
    ],
  };
}

/**
 * A policy document as IAM returns it (GetRolePolicy, GetRole: URL-encoded JSON), parsed; undefined
 * when it cannot be read (then it differs from anything desired).
 */
export function decodePolicyDocument(encoded: string | undefined): unknown {
  if (encoded === undefined) return undefined;
  try {
    return JSON.parse(decodeURIComponent(encoded)) as unknown;
  } catch {
    return undefined;
  }
}

/** Keys whose string value is a single value, never a list. */
const SCALAR_KEYS = new Set(['Version', 'Id', 'Sid', 'Effect']);

/**
 * A canonical form for comparing policies by meaning, not spelling: IAM treats `"Action": "x"` and
 * `["x"]` alike, and the order of values in a list does not matter (statement order is kept).
 */
function canonical(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => canonical(item));
    return items.every((item) => typeof item === 'string') ? [...new Set(items as string[])].sort() : items;
  }
  if (typeof value === 'object' && value !== null) {
    if (key === 'Statement') return [canonical(value)];
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonical(v, k)]));
  }
  if (typeof value === 'string' && key !== undefined && !SCALAR_KEYS.has(key)) return [value];
  return value;
}

/** Whether a live policy (parsed) grants exactly what the desired one does, as IAM reads them. */
export function samePolicy(live: unknown, desired: PolicyDocument): boolean {
  return live !== undefined && isDeepStrictEqual(canonical(live), canonical(desired));
}
