/**
 * Runs a set of steps as their prerequisites allow, at most `concurrency` at a time. Used forwards
 * by apply (prerequisites = dependencies) and backwards by destroy (prerequisites = dependents).
 * After a failure, independent branches go on; steps behind the failure are not started. Once the
 * signal aborts (SIGINT), nothing new starts and the running steps are awaited.
 */
import type { StepId } from '../steps/ids.js';

export type NodeOutcome = 'done' | 'failed' | 'not-started';

export async function runScheduled(
  ids: readonly StepId[],
  prerequisitesOf: (id: StepId) => readonly StepId[],
  run: (id: StepId) => Promise<void>,
  options: { concurrency: number; signal: AbortSignal },
): Promise<Map<StepId, NodeOutcome>> {
  const outcome = new Map<StepId, NodeOutcome>();
  const running = new Map<StepId, Promise<void>>();
  const pending = new Set(ids);

  const startable = (id: StepId) =>
    prerequisitesOf(id).every((p) => outcome.get(p) === 'done' || !ids.includes(p));
  const blocked = (id: StepId) =>
    prerequisitesOf(id).some((p) => outcome.get(p) === 'failed' || outcome.get(p) === 'not-started');

  for (;;) {
    // Steps behind a failure can never start.
    let changed = true;
    while (changed) {
      changed = false;
      for (const id of pending) {
        if (blocked(id)) {
          pending.delete(id);
          outcome.set(id, 'not-started');
          changed = true;
        }
      }
    }
    if (!options.signal.aborted) {
      for (const id of ids) {
        if (running.size >= options.concurrency) break;
        if (!pending.has(id) || !startable(id)) continue;
        pending.delete(id);
        running.set(
          id,
          run(id).then(
            () => void outcome.set(id, 'done'),
            () => void outcome.set(id, 'failed'),
          ),
        );
      }
    }
    if (running.size === 0) break;
    const finished = await Promise.race([...running.entries()].map(([id, p]) => p.then(() => id)));
    running.delete(finished);
  }
  for (const id of pending) outcome.set(id, 'not-started');
  return outcome;
}
