/**
 * The master password of the database: generated, or taken from GITLAB_HA_DB_PASSWORD, and kept only
 * as the SSM SecureString /gitlab-ha/<deployment>/db-password. It is read back only to hand it to
 * CreateDBInstance; it never reaches an event, the state file or an output.
 */
import { InvalidInputError, ProvisioningError } from '../../engine/errors.js';
import type { StepContext } from '../../engine/step.js';
import { ensureSecret, readSecret, secretExists, secretParameterName } from '../secrets.js';
import { PASSWORD_KEY } from './layout.js';

export const DB_PASSWORD_ENV = 'GITLAB_HA_DB_PASSWORD';

/** Length of a generated password (letters and digits only; RDS allows up to 128). */
const GENERATED_LENGTH = 40;

/** Why RDS would refuse this master password, or undefined when it is fine. Never repeats the value. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 8 || password.length > 128)
    return `it is ${password.length} characters long; RDS needs 8 to 128`;
  const forbidden = ['/', '"', '@', ' '].filter((c) => password.includes(c));
  if (forbidden.length > 0)
    return `it contains ${forbidden.map((c) => (c === ' ' ? 'a space' : `'${c}'`)).join(' and ')}, which RDS does not allow in a master password`;
  if (!/^[\x21-\x7e]+$/.test(password))
    return 'it contains characters other than printable ASCII, which RDS does not allow in a master password';
  return undefined;
}

/** GITLAB_HA_DB_PASSWORD when set, validated; undefined when unset (or empty). */
export function passwordOverride(env: StepContext['env']): string | undefined {
  const value = env[DB_PASSWORD_ENV];
  if (value === undefined || value === '') return undefined;
  const problem = passwordProblem(value);
  if (problem) {
    throw new InvalidInputError(`${DB_PASSWORD_ENV} is not a valid RDS master password: ${problem}`, {
      code: 'INVALID_ENVIRONMENT',
      issues: [{ path: DB_PASSWORD_ENV, message: problem }],
      hint: `Use 8 to 128 printable ASCII characters other than /, ", @ and space, or unset ${DB_PASSWORD_ENV} to let gitlab-ha generate a password.`,
    });
  }
  return value;
}

/**
 * Makes sure the password parameter exists and is recorded, and returns its name. For a new instance
 * a missing parameter is created (from GITLAB_HA_DB_PASSWORD or generated). For an instance that
 * already exists a missing parameter cannot be generated: nobody would know the instance's password,
 * so the user must supply it.
 */
export async function ensurePassword(
  ctx: StepContext,
  options: { instanceId: string; instanceExists: boolean },
): Promise<string> {
  const override = passwordOverride(ctx.env);
  const name = secretParameterName(ctx.config.name, PASSWORD_KEY);
  const existed = await secretExists(ctx, PASSWORD_KEY);
  if (!existed && options.instanceExists && override === undefined) {
    throw new ProvisioningError(
      `DB instance ${options.instanceId} exists, but its master password is not in SSM parameter ${name}, so gitlab-ha cannot tell GitLab what it is`,
      {
        code: 'DB_PASSWORD_UNKNOWN',
        resourceId: options.instanceId,
        hint: `Set ${DB_PASSWORD_ENV} to the instance's master password (or reset it first with \`aws rds modify-db-instance --db-instance-identifier ${options.instanceId} --master-user-password <new> --apply-immediately\`) and run again.`,
      },
    );
  }
  await ensureSecret(ctx, {
    key: PASSWORD_KEY,
    description: `gitlab-ha ${ctx.config.name}: master password of RDS instance ${options.instanceId} (user gitlab)`,
    length: GENERATED_LENGTH,
    ...(override === undefined ? {} : { initialValue: override }),
  });
  if (existed && override !== undefined && (await readSecret(ctx, PASSWORD_KEY)) !== override) {
    ctx.events.warn(
      'note',
      `${DB_PASSWORD_ENV} differs from the password already stored in ${name}; the stored one is kept because the database uses it`,
      { id: name },
    );
  }
  return name;
}

/** The password for CreateDBInstance; nothing else may ask for it. */
export function readPassword(ctx: StepContext): Promise<string> {
  return readSecret(ctx, PASSWORD_KEY);
}
