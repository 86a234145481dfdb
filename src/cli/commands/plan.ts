/**
 * `gitlab-ha plan`: what apply would do, the order the steps run in, how long it typically takes and
 * what the deployment costs a month. Offline (no credentials, nothing contacted) unless --live or a
 * state file exists. With --detailed-exitcode: 0 no changes, 2 changes, 1 any error (as terraform).
 */
import type { Config } from '../../config/index.js';
import { bundledPriceSource, estimateMonthlyCost } from '../../cost/index.js';
import type { CostEstimate } from '../../cost/index.js';
import type { DurationEstimate } from '../../engine/duration.js';
import { estimateDuration } from '../../engine/duration.js';
import { InvalidInputError } from '../../engine/errors.js';
import { waves } from '../../engine/graph.js';
import type { PlanSummary } from '../../engine/plan-summary.js';
import { summarizePlans } from '../../engine/plan-summary.js';
import { runPlan } from '../../engine/runner.js';
import type { StepPlan } from '../../engine/step.js';
import type { StepId } from '../../steps/ids.js';
import { STEPS } from '../../steps/index.js';
import { renderPlan, renderPlanOutlook, shouldUseColor } from '../../ui/index.js';
import type { CliIo } from '../io.js';
import type { GlobalOptions } from '../session.js';
import { checkAccount, loadDeployment, makeAws } from '../session.js';
import { showUserDataCommand } from './show-user-data.js';

export interface PlanOptions {
  live: boolean;
  /** List the resources of steps with nothing to do too. */
  verbose?: boolean;
  /** Exit 2 when the plan has changes, 0 when not, 1 on any error. */
  detailedExitcode?: boolean;
  /** A step whose instances' user data to print instead of the plan. */
  showUserData?: string;
}

/** `plan --detailed-exitcode`'s codes (terraform's): every error, whatever its kind, is 1. */
export const DETAILED_EXIT_CODE = { noChanges: 0, error: 1, changes: 2 } as const;

export async function planCommand(options: GlobalOptions & PlanOptions, io: CliIo): Promise<number> {
  if (options.showUserData !== undefined) {
    if (options.detailedExitcode) {
      throw new InvalidInputError('--detailed-exitcode does not go with --show-user-data', {
        code: 'FLAGS_INVALID',
        hint: 'It reports whether the plan has changes: drop --show-user-data, or drop --detailed-exitcode.',
      });
    }
    return showUserDataCommand({ ...options, showUserData: options.showUserData }, io);
  }
  const { config, state } = await loadDeployment(options, io);
  const live = options.live || state.exists;
  const aws = live ? makeAws(config, options, io) : null;
  try {
    if (aws) await checkAccount(aws, state, 'check');
    const plans = await runPlan({ config, state }, { steps: STEPS, aws });
    const result: PlanResult = {
      config,
      live,
      plans,
      waves: waves(STEPS),
      summary: summarizePlans(plans),
      estimate: estimateDuration(STEPS, plans, config),
      // Always the bundled table: plan stays offline; `gitlab-ha cost --live-prices` asks AWS.
      cost: estimateMonthlyCost(config, bundledPriceSource()),
    };
    if (options.json) {
      io.stdout.write(`${JSON.stringify(planDocument(result), null, 2)}\n`);
    } else {
      io.stdout.write(renderPlanText(result, options, io));
    }
    if (!options.detailedExitcode) return 0;
    return result.summary.changes ? DETAILED_EXIT_CODE.changes : DETAILED_EXIT_CODE.noChanges;
  } finally {
    aws?.destroy();
  }
}

interface PlanResult {
  config: Config;
  live: boolean;
  plans: StepPlan[];
  waves: StepId[][];
  summary: PlanSummary;
  estimate: DurationEstimate;
  cost: CostEstimate;
}

function renderPlanText(result: PlanResult, options: PlanOptions, io: CliIo): string {
  const color = shouldUseColor({ isTTY: io.isTTY, env: io.env });
  const titles = Object.fromEntries(STEPS.map((step) => [step.id, step.title]));
  return [
    `Deployment ${result.config.name} in ${result.config.region}\n\n`,
    renderPlan(result.plans, { color, titles, verbose: options.verbose ?? false }),
    '\n',
    renderPlanOutlook({ waves: result.waves, estimate: result.estimate, cost: result.cost }, { color }),
  ].join('');
}

const tenth = (minutes: number) => Math.round(minutes * 10) / 10;
const cents = (usd: number) => Math.round(usd * 100) / 100;

/** The `--json` document: one object on stdout; minutes to a tenth, money to the cent. */
function planDocument(result: PlanResult) {
  const { config, estimate, cost } = result;
  return {
    deployment: config.name,
    region: config.region,
    live: result.live,
    summary: result.summary,
    waves: result.waves,
    estimate: {
      minutes: tenth(estimate.minutes),
      criticalPath: estimate.criticalPath.map((entry) => ({
        step: entry.step,
        minutes: tenth(entry.minutes),
      })),
      perStep: estimate.perStep.map((entry) => ({
        step: entry.step,
        minutes: tenth(entry.minutes),
        startsAt: tenth(entry.startsAt),
        endsAt: tenth(entry.endsAt),
      })),
    },
    cost: {
      currency: cost.currency,
      totalAtMin: cents(cost.totalAtMin),
      totalAtMax: cents(cost.totalAtMax),
      autoScaling: cost.autoScaling,
      hoursPerMonth: cost.hoursPerMonth,
      pricesAsOf: cost.pricesAsOf,
      unknown: cost.unknown,
    },
    steps: result.plans,
  };
}
