/** `gitlab-ha status`: each step's recorded and live state, endpoints, health and drift. */
import { EventBus } from '../../engine/events.js';
import { runStatus } from '../../engine/runner.js';
import { PRODUCTION_TIMING } from '../../engine/step.js';
import { STEPS } from '../../steps/index.js';
import { renderStatus, shouldUseColor } from '../../ui/index.js';
import type { CliIo } from '../io.js';
import type { GlobalOptions } from '../session.js';
import { checkAccount, commandLine, loadDeployment, makeAws } from '../session.js';

export async function statusCommand(options: GlobalOptions, io: CliIo): Promise<number> {
  const { config, state } = await loadDeployment(options, io);
  const color = shouldUseColor({ isTTY: io.isTTY, env: io.env });
  if (!state.exists) {
    if (options.json) {
      io.stdout.write(
        `${JSON.stringify({ deployment: config.name, region: config.region, deployed: false, steps: [] }, null, 2)}\n`,
      );
    } else {
      io.stdout.write(
        `Deployment ${config.name} has no state file at ${state.path}: nothing has been applied from this config.\n` +
          `Run \`${commandLine('plan', options)} --live\` to look for resources tagged for it, or \`${commandLine('apply', options)}\` to build it.\n`,
      );
    }
    return 0;
  }
  const aws = makeAws(config, options, io);
  try {
    const account = await checkAccount(aws, state, 'check');
    // Status only reads: no events are shown, and nothing waits.
    const statuses = await runStatus(
      {
        config,
        state,
        bus: new EventBus(),
        signal: new AbortController().signal,
        timing: PRODUCTION_TIMING,
        env: io.env,
        httpProbe: io.httpProbe,
      },
      { steps: STEPS, aws },
    );
    if (options.json) {
      const recorded = state.snapshot;
      io.stdout.write(
        `${JSON.stringify(
          {
            deployment: config.name,
            region: config.region,
            account,
            deployed: true,
            steps: statuses.map((s) => ({ ...s, recorded: recorded.steps[s.step]?.status ?? 'pending' })),
          },
          null,
          2,
        )}\n`,
      );
    } else {
      io.stdout.write(renderStatus(statuses, state.snapshot, { color }));
    }
    return 0;
  } finally {
    aws.destroy();
  }
}
