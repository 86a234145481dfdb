import { describe, expect, it } from 'vitest';
import { assertValidGraph, waves } from '../../src/engine/graph.js';
import { runScheduled } from '../../src/engine/scheduler.js';
import type { StepId } from '../../src/steps/ids.js';

const deps: Partial<Record<StepId, StepId[]>> = {
  network: [],
  security: ['network'],
  identity: [],
  database: ['security'],
  redis: ['security'],
  storage: ['security', 'identity'],
};
const ids = Object.keys(deps) as StepId[];
const prerequisites = (id: StepId) => deps[id] ?? [];

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('runScheduled', () => {
  it('starts independent steps together and never more than the bound', async () => {
    // GIVEN steps that record how many run at once
    let running = 0;
    let peak = 0;
    const order: StepId[] = [];
    // WHEN they run with a bound of 2
    const outcome = await runScheduled(
      ids,
      prerequisites,
      async (id) => {
        running += 1;
        peak = Math.max(peak, running);
        order.push(id);
        await new Promise((r) => setTimeout(r, 5));
        running -= 1;
      },
      { concurrency: 2, signal: new AbortController().signal },
    );
    // THEN all finish, at most 2 at once, each after its dependencies
    expect([...outcome.values()].every((o) => o === 'done')).toBe(true);
    expect(peak).toBe(2);
    expect(order.indexOf('security')).toBeGreaterThan(order.indexOf('network'));
    expect(order.indexOf('storage')).toBeGreaterThan(order.indexOf('identity'));
    expect(order.slice(0, 2).sort()).toEqual(['identity', 'network']);
  });

  it('runs independent branches after a failure but not the steps behind it', async () => {
    // GIVEN security fails
    const started: StepId[] = [];
    // WHEN the graph runs
    const outcome = await runScheduled(
      ids,
      prerequisites,
      async (id) => {
        started.push(id);
        if (id === 'security') throw new Error('boom');
      },
      { concurrency: 4, signal: new AbortController().signal },
    );
    // THEN its dependents never start; identity (independent) is done
    expect(outcome.get('security')).toBe('failed');
    expect(outcome.get('database')).toBe('not-started');
    expect(outcome.get('storage')).toBe('not-started');
    expect(outcome.get('identity')).toBe('done');
    expect(started).not.toContain('database');
  });

  it('starts nothing new once the signal aborts and waits for the running steps', async () => {
    // GIVEN network is running when SIGINT arrives
    const controller = new AbortController();
    const gate = deferred();
    const started: StepId[] = [];
    const run = runScheduled(
      ['network', 'security'],
      prerequisites,
      async (id) => {
        started.push(id);
        if (id === 'network') await gate.promise;
      },
      { concurrency: 4, signal: controller.signal },
    );
    // WHEN the signal aborts, then network finishes
    controller.abort();
    gate.resolve();
    const outcome = await run;
    // THEN network completed and security never started
    expect(outcome.get('network')).toBe('done');
    expect(outcome.get('security')).toBe('not-started');
    expect(started).toEqual(['network']);
  });
});

describe('graph', () => {
  it('groups steps into waves that can run concurrently', () => {
    // GIVEN the six steps above / WHEN grouped / THEN each wave only depends on earlier ones
    expect(waves(ids.map((id) => ({ id, dependsOn: prerequisites(id) })))).toEqual([
      ['network', 'identity'],
      ['security'],
      ['database', 'redis', 'storage'],
    ]);
  });

  it('rejects a cycle and a missing dependency', () => {
    // GIVEN broken graphs / WHEN validated / THEN the problem is named
    expect(() =>
      assertValidGraph([
        { id: 'network', dependsOn: ['security'] },
        { id: 'security', dependsOn: ['network'] },
      ]),
    ).toThrow(/cycle: network -> security -> network/);
    expect(() => assertValidGraph([{ id: 'security', dependsOn: ['network'] }])).toThrow(
      /network, which is not registered/,
    );
  });
});
