/**
 * The end-of-run summary of apply/destroy: the outcome, one line per step, how to resume, what was left.
 *
 *   Apply failed after 2m 24s
 *     ✔ network        2m 10s  created
 *     ✖ security          14s  failed: creating security group sg/app: ...
 *     · identity               not started
 *
 *   Resume with: gitlab-ha apply --config gitlab-ha.yaml
 */
import type { ChalkInstance } from 'chalk';
import type { RunOutcome, RunSummary, StepSummary } from '../../engine/summary.js';
import { createChalk } from '../color.js';
import {
  actionPastTense,
  ELAPSED_COLUMN_WIDTH,
  formatDuration,
  padEnd,
  STEP_COLUMN_WIDTH,
} from '../format.js';
import { MARK } from '../symbols.js';
import type { RenderOptions } from './options.js';

export function renderSummary(summary: RunSummary, opts: RenderOptions): string {
  const c = createChalk(opts.color);
  const blocks = [[headline(c, summary), ...summary.steps.map((step) => stepLine(c, step))].join('\n')];
  if (summary.resumeCommand !== undefined) blocks.push(`Resume with: ${c.bold(summary.resumeCommand)}`);
  if (summary.kept !== undefined && summary.kept.length > 0) {
    blocks.push(
      [
        'Kept on purpose (final snapshots, adopted resources):',
        ...summary.kept.map((item) => `  - ${item}`),
      ].join('\n'),
    );
  }
  if (summary.leftovers !== undefined && summary.leftovers.length > 0) {
    blocks.push(
      ['Still tagged for this deployment:', ...summary.leftovers.map((item) => `  - ${item}`)].join('\n'),
    );
  }
  return `${blocks.join('\n\n')}\n`;
}

const OUTCOME_PHRASE: Readonly<Record<RunOutcome, string>> = {
  succeeded: 'succeeded in',
  failed: 'failed after',
  interrupted: 'interrupted after',
};

function headline(c: ChalkInstance, summary: RunSummary): string {
  const command = summary.command === 'apply' ? 'Apply' : 'Destroy';
  const text = `${command} ${OUTCOME_PHRASE[summary.outcome]} ${formatDuration(summary.elapsedMs)}`;
  if (summary.outcome === 'succeeded') return c.green.bold(text);
  return summary.outcome === 'failed' ? c.red.bold(text) : c.yellow.bold(text);
}

function stepLine(c: ChalkInstance, step: StepSummary): string {
  const elapsed = step.elapsedMs === undefined ? '' : formatDuration(step.elapsedMs);
  const columns = `${padEnd(step.step, STEP_COLUMN_WIDTH)} ${c.dim(elapsed.padStart(ELAPSED_COLUMN_WIDTH))}`;
  switch (step.outcome) {
    case 'done':
      return `  ${c.green(MARK.success)} ${columns}  ${step.action === undefined ? 'done' : actionPastTense(step.action)}`;
    case 'failed':
      return `  ${c.red(MARK.failure)} ${columns}  ${c.red(`failed${step.error === undefined ? '' : `: ${step.error}`}`)}`;
    case 'skipped':
      return `  ${c.blue(MARK.info)} ${columns}  skipped`;
    case 'not-started':
      return `  ${c.dim('·')} ${columns}  ${c.dim('not started')}`;
  }
}
