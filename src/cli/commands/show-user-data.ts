/**
 * `gitlab-ha plan --show-user-data <step>`: prints the cloud-init user data and gitlab.rb that a step
 * gives its instances, rendered from the outputs in the state file (placeholders for steps not applied
 * yet). Offline: nothing is contacted, so no secret can be read. The renderers never get a secret, and
 * the output is masked anyway, in case one ever slipped into a rendered file.
 */
import { InvalidInputError } from '../../engine/errors.js';
import type { DeploymentState } from '../../state/schema.js';
import type { StepOutputs } from '../../engine/step.js';
import { USER_DATA_LIMIT_BYTES } from '../../gitlab/cloud-config.js';
import { USER_DATA_STEPS, isUserDataStep, renderUserDataPreview } from '../../gitlab/user-data-preview.js';
import type { UserDataPreview, UserDataSources, UserDataStep } from '../../gitlab/user-data-preview.js';
import type { CliIo } from '../io.js';
import type { GlobalOptions } from '../session.js';
import { loadDeployment } from '../session.js';

export const SECRET_MASK = '********';

/** Environment variables whose values are secrets the tool may be given (steps/database/password.ts). */
const SECRET_ENV_VARS = ['GITLAB_HA_DB_PASSWORD'] as const;

/**
 * The shape of generated secrets (steps/secrets.ts: 40-64 letters and digits): a run of 20 or more
 * letters and digits with lower case, upper case and a digit in it. Ids, hostnames and key
 * fingerprints in user data do not look like that.
 */
const SECRET_SHAPED =
  /(?<![A-Za-z0-9])(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[A-Z])(?=[A-Za-z0-9]*[0-9])[A-Za-z0-9]{20,}(?![A-Za-z0-9])/g;

/** `text` with every secret-shaped token and every known secret value replaced by SECRET_MASK. */
export function maskSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let masked = text;
  for (const secret of knownSecrets) {
    if (secret.length > 0) masked = masked.replaceAll(secret, SECRET_MASK);
  }
  return masked.replace(SECRET_SHAPED, SECRET_MASK);
}

export function parseUserDataStep(value: string): UserDataStep {
  if (isUserDataStep(value)) return value;
  throw new InvalidInputError(`--show-user-data: unknown step "${value}"`, {
    code: 'UNKNOWN_STEP',
    issues: [
      {
        path: '--show-user-data',
        message: `"${value}" launches no instances; choose one of ${USER_DATA_STEPS.join(', ')}`,
      },
    ],
    hint: `Example: gitlab-ha plan --show-user-data ${USER_DATA_STEPS[1]}`,
  });
}

/** The outputs of completed steps in the state file (the same rule the engine applies). */
export function recordedSources(state: Readonly<DeploymentState>): UserDataSources {
  const sources: UserDataSources = {};
  for (const step of ['database', 'redis', 'storage'] as const) {
    const entry = state.steps[step];
    if (entry?.status === 'done') sources[step] = entry.outputs as StepOutputs;
  }
  return sources;
}

export async function showUserDataCommand(
  options: GlobalOptions & { showUserData: string },
  io: CliIo,
): Promise<number> {
  const step = parseUserDataStep(options.showUserData);
  const { config, state } = await loadDeployment(options, io);
  const preview = renderUserDataPreview(step, config, recordedSources(state.snapshot));
  const knownSecrets = SECRET_ENV_VARS.map((name) => io.env[name] ?? '');
  const text = options.json
    ? `${JSON.stringify({ ...preview, limitBytes: USER_DATA_LIMIT_BYTES }, null, 2)}\n`
    : renderPreview(preview, state.exists ? state.path : undefined);
  io.stdout.write(maskSecrets(text, knownSecrets));
  return 0;
}

function renderPreview(preview: UserDataPreview, statePath: string | undefined): string {
  const sources =
    preview.placeholdersFor.length === 0
      ? `Rendered from the outputs recorded in ${statePath ?? 'the state file'}.`
      : `Not applied yet: ${preview.placeholdersFor.join(', ')}; <placeholders> stand for their outputs.`;
  const size = preview.gzipped
    ? `${preview.userDataBytes} bytes gzipped (cloud-init unpacks it), from a ${Buffer.byteLength(preview.cloudConfig)}-byte document`
    : `${preview.userDataBytes} bytes, sent as is`;
  return [
    `User data of step ${preview.step}: ${preview.instances}`,
    sources,
    `EC2 UserData: ${size}; the limit is ${USER_DATA_LIMIT_BYTES} bytes.`,
    'Secrets are not in it: the instances fetch them from SSM at boot.',
    '',
    '==> cloud-init user data (decoded) <==',
    preview.cloudConfig.trimEnd(),
    '',
    `==> ${preview.gitlabRbPath} (written by the user data above) <==`,
    preview.gitlabRb.trimEnd(),
    '',
  ].join('\n');
}
