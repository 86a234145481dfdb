/**
 * What a finished (or stopped) apply/destroy run reports: the runner builds it, emits it as the data of
 * `run.done`, and the CLI renders it (src/ui/render/summary.ts) or prints it as JSON.
 */
import type { StepId } from '../steps/ids.js';

export type RunOutcome = 'succeeded' | 'failed' | 'interrupted';
export type StepOutcome = 'done' | 'skipped' | 'failed' | 'not-started';

export interface StepSummary {
  step: StepId;
  outcome: StepOutcome;
  elapsedMs?: number;
  /** What the step did, e.g. `create`, `adopt`, `noop`, `delete`. */
  action?: string;
  /** Why it failed, already phrased for a person. */
  error?: string;
}

export interface RunSummary {
  command: 'apply' | 'destroy';
  outcome: RunOutcome;
  elapsedMs: number;
  steps: StepSummary[];
  /** The exact command that picks the run up again, when it did not succeed. */
  resumeCommand?: string;
  /** What destroy kept on purpose: final snapshots, adopted resources left alone (ARNs). */
  kept?: string[];
  /** What still carries the deployment's tag after destroy although it should be gone (ARNs). */
  leftovers?: string[];
}
