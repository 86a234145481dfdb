/**
 * A recorded apply of `network` and `security`, worded as src/engine/runner.ts and src/aws/wait.ts emit it: the two steps overlap,
 * network waits on a NAT gateway long enough for a heartbeat, security warns and then fails.
 * Every reporter mode replays this same sequence.
 */
import type { EventInput, GitlabHaEvent } from '../../src/engine/events.js';
import type { RunSummary } from '../../src/engine/summary.js';

export const APPLY_SUMMARY: RunSummary = {
  command: 'apply',
  outcome: 'failed',
  elapsedMs: 150_000,
  steps: [
    { step: 'network', outcome: 'done', elapsedMs: 130_000, action: 'create' },
    {
      step: 'security',
      outcome: 'failed',
      elapsedMs: 93_000,
      error: 'creating EC2 security group sg/app: InvalidGroup.Duplicate',
    },
  ],
  resumeCommand: 'gitlab-ha apply --config gitlab-ha.yaml',
};

/** [seconds after 2026-11-26T21:58:00Z, event] */
const TIMELINE: [number, EventInput][] = [
  [
    0,
    {
      level: 'info',
      code: 'run.start',
      message: 'apply acme',
      data: { command: 'apply', deployment: 'acme', steps: ['network', 'security'] },
    },
  ],
  [
    1,
    {
      level: 'info',
      step: 'network',
      code: 'step.start',
      message: 'VPC, subnets, route tables and gateways',
    },
  ],
  [
    9,
    {
      level: 'info',
      step: 'network',
      code: 'resource.create',
      message: 'created VPC vpc-0abc (10.0.0.0/16)',
      data: { type: 'ec2:vpc', role: 'vpc', id: 'vpc-0abc' },
    },
  ],
  [
    9,
    {
      level: 'debug',
      step: 'network',
      code: 'state.saved',
      message: 'recorded vpc in state',
      data: { role: 'vpc' },
    },
  ],
  [
    12,
    {
      level: 'info',
      step: 'network',
      code: 'resource.adopt',
      message: 'adopted internet gateway igw-0d4 (found by tags)',
      data: { type: 'ec2:internet-gateway', role: 'igw', id: 'igw-0d4' },
    },
  ],
  [15, { level: 'info', step: 'security', code: 'step.start', message: 'Security groups' }],
  [
    18,
    {
      level: 'warn',
      step: 'security',
      code: 'note',
      message: 'admin SSH is open to 0.0.0.0/0; set security.adminCidr to restrict it',
    },
  ],
  [
    25,
    {
      level: 'info',
      step: 'network',
      code: 'resource.create',
      message: 'created NAT gateway nat-123 in subnet-0a1',
      data: { type: 'ec2:nat-gateway', role: 'nat/eu-west-1a', id: 'nat-123' },
    },
  ],
  [
    25,
    {
      level: 'info',
      step: 'network',
      code: 'wait.start',
      message: 'waiting for NAT gateway nat-123 to become available',
      data: { what: 'NAT gateway nat-123 to become available', maxSeconds: 600 },
    },
  ],
  [
    90,
    {
      level: 'info',
      step: 'network',
      code: 'wait.heartbeat',
      message: 'still waiting for NAT gateway nat-123 to become available',
      data: { what: 'NAT gateway nat-123 to become available', elapsedMs: 65_000 },
    },
  ],
  [
    108,
    {
      level: 'error',
      step: 'security',
      code: 'step.fail',
      message: 'Security groups failed: creating EC2 security group sg/app: InvalidGroup.Duplicate',
      data: { elapsedMs: 93_000, errorCode: 'AWS_API_ERROR' },
    },
  ],
  [
    120,
    {
      level: 'debug',
      step: 'network',
      code: 'wait.done',
      message: 'NAT gateway nat-123 to become available: done',
      data: { what: 'NAT gateway nat-123 to become available', elapsedMs: 95_000 },
    },
  ],
  [
    131,
    {
      level: 'info',
      step: 'network',
      code: 'step.done',
      message: 'VPC, subnets, route tables and gateways: create',
      data: { action: 'create', elapsedMs: 130_000 },
    },
  ],
  [
    150,
    {
      level: 'error',
      code: 'run.done',
      message: 'apply failed',
      data: { ...APPLY_SUMMARY },
    },
  ],
];

const START_MS = Date.parse('2026-11-26T21:58:00Z');

export const APPLY_EVENTS: readonly GitlabHaEvent[] = TIMELINE.map(([seconds, input], index) => ({
  seq: index + 1,
  time: new Date(START_MS + seconds * 1000).toISOString(),
  ...input,
}));

/** Index of the heartbeat, for tests that look at the screen mid-run. */
export const HEARTBEAT_INDEX = APPLY_EVENTS.findIndex((event) => event.code === 'wait.heartbeat');

/** A clock the reporters read, moved to each event's time as it is replayed. */
export function replayClock(): {
  now: () => number;
  set: (event: GitlabHaEvent) => void;
  advance: (ms: number) => void;
} {
  let current = START_MS;
  return {
    now: () => current,
    set: (event) => (current = Date.parse(event.time)),
    advance: (ms) => (current += ms),
  };
}
