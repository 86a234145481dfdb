/**
 * Generated secrets (database password, Redis AUTH token, Gitaly token...) live only in SSM
 * Parameter Store as SecureStrings under /gitlab-ha/<deployment>/. State records the parameter
 * name, never the value; values are read back only to hand them to an AWS API, and nodes fetch
 * them at boot through their instance profile.
 */
import { randomInt } from 'node:crypto';
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { awsCall, awsDelete, awsFind, failedWith, translateAwsError } from '../aws/errors.js';
import type { StepContext } from '../engine/step.js';

/** Letters and digits only: valid for RDS passwords, ElastiCache AUTH tokens and gitlab.rb alike. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function generateSecret(length = 40): string {
  let value = '';
  for (let i = 0; i < length; i += 1) value += ALPHABET[randomInt(ALPHABET.length)];
  return value;
}

export function secretParameterName(deployment: string, key: string): string {
  return `/gitlab-ha/${deployment}/${key}`;
}

/** The path every secret of a deployment lives under (for IAM policies). */
export function secretParameterPrefix(deployment: string): string {
  return `/gitlab-ha/${deployment}/`;
}

export interface SecretSpec {
  /** Last part of the parameter name, e.g. `db-password`. */
  key: string;
  description: string;
  /** A user-supplied value (e.g. from GITLAB_HA_DB_PASSWORD), already validated; generated otherwise. */
  initialValue?: string;
  /** Length of a generated value. */
  length?: number;
}

const role = (key: string) => `secret/${key}`;

/**
 * Makes sure the secret's parameter exists (creating it with a generated value when it does not) and
 * records its name in state. An existing parameter is never overwritten: resources already use it.
 */
export async function ensureSecret(ctx: StepContext, spec: SecretSpec): Promise<string> {
  const name = secretParameterName(ctx.config.name, spec.key);
  const existing = await awsFind(
    'reading SSM parameter',
    async () => (await ctx.aws.ssm.send(new GetParameterCommand({ Name: name }))).Parameter,
    name,
  );
  if (!existing) {
    try {
      await ctx.aws.ssm.send(
        new PutParameterCommand({
          Name: name,
          Description: spec.description,
          Value: spec.initialValue ?? generateSecret(spec.length),
          Type: 'SecureString',
          Overwrite: false,
          Tags: ctx.tags(role(spec.key)),
        }),
      );
      ctx.events.info('resource.create', `created SSM SecureString ${name}`, {
        type: 'ssm:parameter',
        role: role(spec.key),
        id: name,
      });
    } catch (error) {
      // A run that crashed after PutParameter already made it: keep that value.
      if (!failedWith(error, 'ParameterAlreadyExists'))
        throw translateAwsError('creating SSM parameter', error, name);
    }
  }
  if (!ctx.recorded(role(spec.key))) {
    await ctx.record(role(spec.key), { type: 'ssm:parameter', id: name, origin: 'tool' });
  }
  return name;
}

/** The secret's value, for an AWS API call that needs it (never for output or state). */
export async function readSecret(ctx: Pick<StepContext, 'aws' | 'config'>, key: string): Promise<string> {
  const name = secretParameterName(ctx.config.name, key);
  const parameter = await awsCall(
    'reading SSM parameter',
    async () =>
      (await ctx.aws.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }))).Parameter,
    name,
  );
  if (!parameter?.Value) throw new Error(`SSM parameter ${name} has no value`);
  return parameter.Value;
}

export async function secretExists(ctx: Pick<StepContext, 'aws' | 'config'>, key: string): Promise<boolean> {
  const name = secretParameterName(ctx.config.name, key);
  const parameter = await awsFind(
    'reading SSM parameter',
    async () => (await ctx.aws.ssm.send(new GetParameterCommand({ Name: name }))).Parameter,
    name,
  );
  return parameter !== undefined;
}

/** Deletes the secret's parameter (gone already is fine) and forgets it. */
export async function deleteSecret(ctx: StepContext, key: string): Promise<void> {
  const name = secretParameterName(ctx.config.name, key);
  // Looked up first, so a destroy with nothing left to delete makes no mutating call.
  if (!ctx.recorded(role(key)) && !(await secretExists(ctx, key))) return;
  await awsDelete(
    'deleting SSM parameter',
    () => ctx.aws.ssm.send(new DeleteParameterCommand({ Name: name })),
    name,
  );
  await ctx.forget(role(key));
  ctx.events.info('resource.delete', `deleted SSM parameter ${name}`, {
    type: 'ssm:parameter',
    role: role(key),
    id: name,
  });
}
