/** `gitlab-ha apply`: create or converge every step, resumable from the state file. */
import { runApply } from '../../engine/runner.js';
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

export async function applyCommand(options: GlobalOptions, io: CliIo): Promise<number> {
  const { config, configPath, state } = await loadDeployment(options, io);
  const lock = await lockState(state, commandLine('apply', options), configPath);
  const aws = makeAws(config, options, io);
  const { bus, reporter, color } = startReporting(options, io);
  const interrupt = interruptOnSignals(io, bus);
  try {
    await checkAccount(aws, state, 'bind');
    const { summary, failures } = await runApply(
      { config, state, bus, signal: interrupt.signal, timing: io.timing, env: io.env },
      { steps: STEPS, aws, concurrency: io.concurrency, resumeCommand: commandLine('apply', options) },
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
    aws.destroy();
    await lock.release();
  }
}
