/** `gitlab-ha destroy`: tear everything down in reverse dependency order, after a typed confirmation. */
import { isKeptSnapshot, listTaggedResources } from '../../aws/leftovers.js';
import { AbortedError, InvalidInputError } from '../../engine/errors.js';
import { runDestroy } from '../../engine/runner.js';
import { STEPS } from '../../steps/index.js';
import type { CliIo } from '../io.js';
import type { GlobalOptions } from '../session.js';
import { checkAccount, commandLine, reportRun, withLockedDeployment } from '../session.js';

export interface DestroyCommandOptions {
  force: boolean;
  /** Opt out of the final snapshots; --yes never implies it. */
  skipFinalSnapshots: boolean;
}

async function confirm(
  options: GlobalOptions,
  io: CliIo,
  deployment: string,
  account: string,
  region: string,
): Promise<void> {
  if (options.yes) return;
  if (!io.isTTY) {
    throw new InvalidInputError('destroy needs a confirmation, and there is no terminal to ask on', {
      code: 'CONFIRMATION_REQUIRED',
      hint: 'Pass --yes to confirm non-interactively.',
    });
  }
  const typed = await io.askToType(
    `This deletes deployment ${deployment} in account ${account}, ${region}. Type its name to confirm:`,
    deployment,
  );
  if (typed.trim() !== deployment)
    throw new AbortedError(`Destroy cancelled: "${typed.trim()}" is not "${deployment}"`);
}

export function destroyCommand(options: GlobalOptions & DestroyCommandOptions, io: CliIo): Promise<number> {
  const flags = `${options.force ? ' --force' : ''}${options.skipFinalSnapshots ? ' --skip-final-snapshots' : ''}`;
  return withLockedDeployment(options, io, 'destroy', async (deployment) => {
    const { config, aws } = deployment;
    const account = await checkAccount(aws, deployment.state, 'check');
    await confirm(options, io, config.name, account, config.region);
    return reportRun(options, io, deployment, (env) =>
      runDestroy(env, {
        steps: STEPS,
        aws,
        concurrency: io.concurrency,
        resumeCommand: commandLine('destroy', options, flags),
        destroy: { force: options.force, skipFinalSnapshots: options.skipFinalSnapshots },
        listLeftovers: () => listTaggedResources(aws, config.name),
        isExpectedLeftover: isKeptSnapshot,
      }),
    );
  });
}
