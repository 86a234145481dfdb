/** What a real apply prints in each output mode (ora on a terminal, plain lines, NDJSON). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STEPS } from '../../src/steps/index.js';
import { FakeAws } from '../support/fake-aws/index.js';
import { runCli, tempConfig } from '../support/cli.js';
import { configText } from './fixtures.js';

let fake: FakeAws;
beforeEach(() => {
  fake = new FakeAws().install();
});
afterEach(() => fake.restore());

describe('apply output', () => {
  it('--json: NDJSON events on stderr with sequence numbers, the summary as JSON on stdout', async () => {
    const { dir } = await tempConfig(configText());
    const result = await runCli(['apply', '--json'], { fake, cwd: dir });
    expect(result.code).toBe(0);
    const events = result.stderr
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { seq: number; code: string; step?: string; time: string });
    expect(events.every((e, i) => i === 0 || e.seq > events[i - 1]!.seq)).toBe(true);
    expect(events[0]!.code).toBe('run.start');
    expect(events.at(-1)!.code).toBe('run.done');
    expect(
      events
        .filter((e) => e.code === 'step.done')
        .map((e) => e.step)
        .sort(),
    ).toEqual(STEPS.map((s) => s.id).sort());
    expect(events.some((e) => e.code === 'resource.create' && e.step === 'network')).toBe(true);
    const summary = JSON.parse(result.stdout) as {
      outcome: string;
      steps: { step: string; outcome: string }[];
    };
    expect(summary.outcome).toBe('succeeded');
    expect(summary.steps.map((s) => [s.step, s.outcome])).toEqual(STEPS.map((s) => [s.id, 'done']));
  });

  it('plain (CI): one timestamped line per event on stderr, the summary on stdout', async () => {
    const { dir } = await tempConfig(configText());
    const result = await runCli(['apply'], { fake, cwd: dir, env: { CI: 'true' } });
    expect(result.code).toBe(0);
    const lines = result.stderr.split('\n').filter((l) => /^\d{4}-\d\d-\d\dT/.test(l));
    expect(lines.some((l) => /\[network\] .*created VPC vpc-[0-9a-f]{17}/.test(l))).toBe(true);
    expect(lines.some((l) => /\[security\] .*created security group sg\/lb sg-[0-9a-f]{17}/.test(l))).toBe(
      true,
    );
    expect(result.stdout).toMatch(/Apply succeeded/);
    expect(result.stdout).toMatch(/network\s+\S+\s+created/);
  });

  it('interactive (terminal): spinner lines per step on stderr end with a tick and the elapsed time', async () => {
    const { dir } = await tempConfig(configText());
    const result = await runCli(['apply'], { fake, cwd: dir, isTTY: true, env: { CI: '' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/✔ network\s+\d+ms\s+created 21, updated 1/);
    expect(result.stderr).toMatch(/✔ security\s+\d+ms\s+created 18/);
    expect(result.stdout).toMatch(/Apply succeeded/);
  });
});
