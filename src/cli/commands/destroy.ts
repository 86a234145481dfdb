/** `gitlab-ha destroy`: tear everything down in reverse dependency order, after a typed confirmation. */
import { isKeptSnapshot, listTaggedResources } from '../../aws/leftovers.js';
import { AbortedError, InvalidInputError } from '../../engine/errors.js';
import { runDestroy } from '../../engine/runner.js';
import { STEPS } from '../../steps/index.js';
import { renderSummary } from '../../ui/index.js';
import { exitCodeForFailures } from '../errors.js';
import type { CliIo } from '../io.js';
import type { GlobalOptions } from '../session.js';
import {
  checkAccount,
  commandLine,
  interruptOnSignals,
  loadDeployment,
  lockState,
  makeAws,
  startReporting,
} from '../session.js';

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

export async function destroyCommand(
  options: GlobalOptions & DestroyCommandOptions,
  io: CliIo,
): Promise<number> {
  const { config, configPath, state } = await loadDeployment(options, io);
  const lock = await lockState(state, commandLine('destroy', options), configPath);
  const aws = makeAws(config, options, io);
  try {
    const account = await checkAccount(aws, state, 'check');
    await confirm(options, io, config.name, account, config.region);
    const { bus, reporter, color } = startReporting(options, io);
    const interrupt = interruptOnSignals(io, bus);
    try {
      const { summary, failures } = await runDestroy(
        { config, state, bus, signal: interrupt.signal, timing: io.timing, env: io.env },
        {
          steps: STEPS,
          aws,
          concurrency: io.concurrency,
          resumeCommand: commandLine(
            'destroy',
            options,
            `${options.force ? ' --force' : ''}${options.skipFinalSnapshots ? ' --skip-final-snapshots' : ''}`,
          ),
          destroy: { force: options.force, skipFinalSnapshots: options.skipFinalSnapshots },
          listLeftovers: () => listTaggedResources(aws, config.name),
          isExpectedLeftover: isKeptSnapshot,
        },
      );
      reporter.close();
      io.stdout.write(
        options.json ? `${JSON.stringify(summary, null, 2)}\n` : renderSummary(summary, { color }),
      );
      if (summary.outcome === 'interrupted') return 130;
      return exitCodeForFailures(failures);
    } finally {
      reporter.close();
      interrupt.dispose();
    }
  } finally {
    aws.destroy();
    await lock.release();
  }
}
