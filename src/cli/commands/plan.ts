/** `gitlab-ha plan`: what apply would do. Offline (no credentials, nothing contacted) unless --live or a state file exists. */
import { waves } from '../../engine/graph.js';
import { runPlan } from '../../engine/runner.js';
import { STEPS } from '../../steps/index.js';
import { renderPlan, shouldUseColor } from '../../ui/index.js';
import type { CliIo } from '../io.js';
import type { GlobalOptions } from '../session.js';
import { checkAccount, loadDeployment, makeAws } from '../session.js';
import { showUserDataCommand } from './show-user-data.js';

export interface PlanOptions {
  live: boolean;
  /** A step whose instances' user data to print instead of the plan. */
  showUserData?: string;
}

export async function planCommand(options: GlobalOptions & PlanOptions, io: CliIo): Promise<number> {
  if (options.showUserData !== undefined) {
    return showUserDataCommand({ ...options, showUserData: options.showUserData }, io);
  }
  const { config, state } = await loadDeployment(options, io);
  const live = options.live || state.exists;
  const aws = live ? makeAws(config, options, io) : null;
  try {
    if (aws) await checkAccount(aws, state, 'check');
    const plans = await runPlan({ config, state }, { steps: STEPS, aws });
    const order = waves(STEPS);
    if (options.json) {
      io.stdout.write(
        `${JSON.stringify({ deployment: config.name, region: config.region, live, order, steps: plans }, null, 2)}\n`,
      );
    } else {
      const color = shouldUseColor({ isTTY: io.isTTY, env: io.env });
      io.stdout.write(`Deployment ${config.name} in ${config.region}\n`);
      io.stdout.write(`Order: ${order.map((wave) => wave.join(' + ')).join(' -> ')}\n\n`);
      io.stdout.write(renderPlan(plans, { color }));
    }
    return 0;
  } finally {
    aws?.destroy();
  }
}
