/**
 * How long a whole `apply` takes, and what it costs in API calls and memory.
 *
 * 1. Tool overhead: apply, a no-op re-apply and destroy on the fake AWS with no latency at all
 *    (every resource ready at its first poll): what the tool itself spends, in wall clock and calls.
 * 2. Wall clock under the latency model (/work/shared/latency-model.md): the fake's resources take
 *    the model's typical AWS times to become ready, scaled down by SCALE; the tool polls every
 *    POLL_SECONDS of model time. The measured time, scaled back up, is compared with the model's
 *    three schedules (strict guide order, whole steps overlapped, two-phase image lower bound).
 * Run with `npm run bench`. Nothing here asserts a time: the numbers are printed.
 */
import { EventEmitter } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { parseConfig } from '../src/config/index.js';
import { estimateDuration } from '../src/engine/duration.js';
import { runPlan } from '../src/engine/runner.js';
import { STEPS } from '../src/steps/index.js';
import { FakeAws } from '../test/support/fake-aws/index.js';
import type { FakeLatency } from '../test/support/fake-aws/index.js';
import { PassThrough } from 'node:stream';

/** One model minute lasts this many real milliseconds. */
const MS_PER_MODEL_MINUTE = 100;
/** The tool notices a ready resource within about 15 s (latency model); one poll = 15 model seconds. */
const POLL_MODEL_SECONDS = 15;
const POLL_REAL_SECONDS = (POLL_MODEL_SECONDS / 60) * (MS_PER_MODEL_MINUTE / 1000);

/** Model seconds -> fake polls at one poll per POLL_MODEL_SECONDS. */
const polls = (modelSeconds: number) => Math.max(1, Math.round(modelSeconds / POLL_MODEL_SECONDS));

/** The latency model's create/delete times (seconds), as fake poll counts. */
const MODEL_LATENCY: Partial<FakeLatency> = {
  vpc: polls(12),
  natGatewayCreate: polls(115),
  natGatewayDelete: polls(60),
  instanceProfileUsable: polls(10),
  dbCreate: polls(14 * 60), // RDS PostgreSQL Multi-AZ
  dbDelete: polls(5 * 60),
  cacheCreate: polls(9 * 60),
  cacheDelete: polls(5 * 60),
  instanceRun: polls(15),
  instanceStop: polls(60),
  instanceTerminate: polls(60),
  imageCreate: polls(6 * 60),
  elbInService: polls(20), // health check interval 10 s x healthy threshold 2
  elbEniRelease: polls(60),
  asgInstanceInService: polls(3 * 60), // boot + reconfigure without migrations
};
/**
 * First boot after `running`: the storage node needs 7 min, the builder 9 (install 5 + reconfigure 4);
 * the fake has one figure for every instance, so both get the mean.
 */
const BOOT_POLLS = polls(8 * 60);

const CONFIG = `name: bench
region: eu-west-1
network:
  availabilityZones: [eu-west-1a, eu-west-1b]
  publicSubnetCidrs: [10.0.0.0/24, 10.0.1.0/24]
  privateSubnetCidrs: [10.0.10.0/24, 10.0.11.0/24]
gitlab:
  externalUrl: http://gitlab.example.com
`;

interface Run {
  code: number;
  ms: number;
  calls: number;
  mutating: number;
}

async function cli(fake: FakeAws, dir: string, args: string[], pollSeconds: number): Promise<Run> {
  const sink = () => {
    const stream = new PassThrough();
    stream.resume();
    return stream;
  };
  fake.resetCalls();
  const started = performance.now();
  const code = await main(['node', 'gitlab-ha', ...args], {
    stdout: sink(),
    stderr: sink(),
    env: { NO_COLOR: '1', CI: 'true' },
    isTTY: false,
    cwd: dir,
    timing: {
      minDelaySeconds: pollSeconds,
      maxDelaySeconds: pollSeconds,
      maxWaitScale: 1,
      heartbeatSeconds: 3600,
    },
    signals: new EventEmitter(),
    askToType: async () => '',
    httpProbe: async () => ({ error: 'not probed in benchmarks' }),
    createAws: (options) => fake.clients(options),
  });
  return {
    code,
    ms: performance.now() - started,
    calls: fake.calls().length,
    mutating: fake.mutatingCalls().length,
  };
}

/** What `gitlab-ha plan` estimates for CONFIG on an empty account (everything a create). */
async function planEstimate(): Promise<number> {
  const { config } = parseConfig(CONFIG, 'bench.yaml');
  const state = { snapshot: { steps: {} } } as unknown as Parameters<typeof runPlan>[0]['state'];
  const plans = await runPlan({ config, state }, { steps: STEPS, aws: null });
  return estimateDuration(STEPS, plans, config).minutes;
}

async function workdir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gitlab-ha-bench-'));
  await writeFile(path.join(dir, 'gitlab-ha.yaml'), CONFIG);
  return dir;
}

/** Peak resident memory, sampled while the benchmarks run. */
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
afterAll(() => {
  clearInterval(sampler);
  console.log(`peak RSS of the whole benchmark process: ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
});

const rows: string[] = [];
const line = (text: string) => rows.push(text);
afterAll(() => console.log(['', ...rows, ''].join('\n')));

describe('apply', () => {
  it('tool overhead with no AWS latency', async () => {
    const fake = new FakeAws().install();
    try {
      const dir = await workdir();
      const runs: [string, Run][] = [];
      for (let i = 0; i < 5; i += 1) {
        const before = process.memoryUsage().heapUsed;
        runs.push([
          `apply #${i + 1} (${i === 0 ? 'creates' : 'no-op'})`,
          await cli(fake, dir, ['apply'], 0.001),
        ]);
        if (i === 0)
          line(
            `heap growth over the first apply: ${((process.memoryUsage().heapUsed - before) / 1024 / 1024).toFixed(1)} MiB`,
          );
      }
      runs.push(['destroy', await cli(fake, dir, ['destroy', '--yes'], 0.001)]);
      line('Tool overhead (fake AWS, every resource ready at its first poll):');
      for (const [name, run] of runs) {
        line(
          `  ${name.padEnd(22)} exit ${run.code}  ${run.ms.toFixed(0).padStart(5)} ms  ${String(run.calls).padStart(4)} API calls (${run.mutating} mutating)`,
        );
      }
    } finally {
      fake.restore();
    }
  });

  it('wall clock under the latency model', async () => {
    const fake = new FakeAws().install();
    try {
      Object.assign(fake.latency, MODEL_LATENCY);
      fake.ec2.bootPolls = BOOT_POLLS;
      const dir = await workdir();
      const apply = await cli(fake, dir, ['apply'], POLL_REAL_SECONDS);
      const modelMinutes = apply.ms / MS_PER_MODEL_MINUTE;
      line(
        `Apply under the latency model (1 model minute = ${MS_PER_MODEL_MINUTE} ms; a poll every ${POLL_MODEL_SECONDS} s of model time):`,
      );
      line(
        `  measured: exit ${apply.code}, ${(apply.ms / 1000).toFixed(2)} s real = ${modelMinutes.toFixed(1)} model minutes, ${apply.calls} API calls`,
      );
      line(
        `  the tool's own estimate (gitlab-ha plan: critical path over its step graph): ${(await planEstimate()).toFixed(1)} min`,
      );
      line(
        '  model schedules (latency-model.md): strict guide order ~53 min; whole steps overlapped ~34 min;',
      );
      line('  two-phase image (builder installs while RDS is created) ~29 min = the lower bound');
      line(
        `  gap to the lower bound: ${(modelMinutes - 29).toFixed(1)} min (${((modelMinutes / 29 - 1) * 100).toFixed(0)} %)`,
      );
      const destroy = await cli(fake, dir, ['destroy', '--yes', '--skip-final-snapshots'], POLL_REAL_SECONDS);
      line(
        `  destroy: exit ${destroy.code}, ${(destroy.ms / MS_PER_MODEL_MINUTE).toFixed(1)} model minutes, ${destroy.calls} API calls`,
      );
    } finally {
      fake.restore();
    }
  });
});
