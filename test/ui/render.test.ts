import { describe, expect, it } from 'vitest';
import type { StepPlan, StepStatus } from '../../src/engine/step.js';
import type { RunSummary } from '../../src/engine/summary.js';
import type { DeploymentState } from '../../src/state/schema.js';
import type { CostEstimate } from '../../src/cost/index.js';
import {
  formatDuration,
  renderPlan,
  renderPlanOutlook,
  renderStatus,
  renderSummary,
} from '../../src/ui/index.js';
import { APPLY_SUMMARY } from './apply-events.js';

const ESC = String.fromCharCode(27);
const ANSI_COLOR = new RegExp(`${ESC}\\[\\d+(;\\d+)*m`);

const OFFLINE_PLANS: StepPlan[] = [
  {
    step: 'network',
    action: 'create',
    live: false,
    resources: [
      { role: 'vpc', type: 'ec2:vpc', action: 'create', details: { cidr: '10.0.0.0/16' } },
      {
        role: 'subnet/public/eu-west-1a',
        type: 'ec2:subnet',
        action: 'create',
        details: { cidr: '10.0.0.0/24', az: 'eu-west-1a' },
      },
      { role: 'igw', type: 'ec2:internet-gateway', action: 'create' },
    ],
  },
  {
    step: 'security',
    action: 'create',
    live: false,
    resources: [
      { role: 'sg/lb', type: 'ec2:security-group', action: 'create', details: { ingress: '80,443' } },
      { role: 'sg/app', type: 'ec2:security-group', action: 'create', details: { ingress: '80,22 from lb' } },
    ],
  },
];

const LIVE_PLANS: StepPlan[] = [
  {
    step: 'network',
    action: 'adopt',
    live: true,
    resources: [
      {
        role: 'vpc',
        type: 'ec2:vpc',
        action: 'noop',
        id: 'vpc-0abc',
        reason: 'recorded in state and present',
      },
      {
        role: 'igw',
        type: 'ec2:internet-gateway',
        action: 'adopt',
        id: 'igw-0d4',
        reason: 'found by tags',
      },
      {
        role: 'nat/eu-west-1a',
        type: 'ec2:nat-gateway',
        action: 'create',
        details: { subnet: 'subnet/public/eu-west-1a' },
      },
    ],
  },
  {
    step: 'database',
    action: 'update',
    live: true,
    resources: [
      {
        role: 'instance',
        type: 'rds:db-instance',
        action: 'update',
        id: 'acme-gitlab',
        reason: 'instance class differs from the config',
        details: { instanceClass: 'db.r6g.large', multiAz: true },
      },
    ],
  },
  { step: 'identity', action: 'noop', live: true, resources: [] },
];

const RECORDED: DeploymentState = {
  schemaVersion: 1,
  deployment: 'acme',
  account: '123456789012',
  region: 'eu-west-1',
  createdAt: '2026-11-26T21:58:00.000Z',
  updatedAt: '2026-11-26T22:00:11.000Z',
  toolVersion: '0.1.0',
  steps: {
    network: {
      status: 'done',
      resources: {
        vpc: { type: 'ec2:vpc', id: 'vpc-0abc', origin: 'tool', recordedAt: '2026-11-26T21:58:09.000Z' },
        'nat/eu-west-1a': {
          type: 'ec2:nat-gateway',
          id: 'nat-123',
          origin: 'tool',
          recordedAt: '2026-11-26T21:58:25.000Z',
        },
      },
      outputs: { vpcId: 'vpc-0abc', publicSubnetIds: ['subnet-0a1', 'subnet-0b2'] },
    },
    security: {
      status: 'failed',
      resources: {},
      outputs: {},
      error: { code: 'AWS_API_ERROR', message: 'InvalidGroup.Duplicate', at: '2026-11-26T21:59:48.000Z' },
    },
  },
};

const STATUSES: StepStatus[] = [
  {
    step: 'network',
    health: 'degraded',
    resources: [
      { role: 'vpc', type: 'ec2:vpc', id: 'vpc-0abc', state: 'available', healthy: true },
      {
        role: 'nat/eu-west-1a',
        type: 'ec2:nat-gateway',
        id: 'nat-123',
        state: 'missing',
        healthy: false,
        drift: 'recorded in state but no longer in AWS',
      },
    ],
    outputs: { vpcId: 'vpc-0abc', publicSubnetIds: ['subnet-0a1', 'subnet-0b2'] },
    drift: [
      'recorded in state but no longer in AWS',
      'route 0.0.0.0/0 of rtb-0p1 points to igw-9zz, not igw-0d4',
    ],
  },
  { step: 'security', health: 'not-deployed', resources: [], outputs: {}, drift: [] },
];

const HEALTHY_STATUSES: StepStatus[] = [
  {
    step: 'network',
    health: 'healthy',
    resources: [{ role: 'vpc', type: 'ec2:vpc', id: 'vpc-0abc', state: 'available', healthy: true }],
    outputs: { vpcId: 'vpc-0abc' },
    drift: [],
  },
  {
    step: 'identity',
    health: 'healthy',
    resources: [{ role: 'role', type: 'iam:role', id: 'acme-gitlab-node', state: 'present', healthy: true }],
    outputs: { instanceProfile: { name: 'acme-gitlab-node', arn: 'arn:aws:iam::123456789012:x' } },
    drift: [],
  },
];

describe('renderPlan', () => {
  it('says an offline plan did not contact AWS and counts every resource as a create', () => {
    // GIVEN an offline plan of network and security
    // WHEN it is rendered without colour
    const text = renderPlan(OFFLINE_PLANS, { color: false });

    // THEN every resource is a create line with its details, under an offline note
    expect(text).toMatchInlineSnapshot(`
      "(offline: AWS was not contacted; every resource is shown as a create)

      network (create): 3 to create
        + create  ec2:vpc               vpc                       cidr=10.0.0.0/16
        + create  ec2:subnet            subnet/public/eu-west-1a  cidr=10.0.0.0/24  az=eu-west-1a
        + create  ec2:internet-gateway  igw

      security (create): 2 to create
        + create  ec2:security-group    sg/lb                     ingress=80,443
        + create  ec2:security-group    sg/app                    ingress=80,22 from lb

      Plan: 5 to create, 0 to adopt, 0 to update, 0 unchanged.
      "
    `);
  });

  it('shows adopted, unchanged and updated resources with their ids and reasons', () => {
    // GIVEN a live plan mixing noop, adopt, create and update, and a step without resources
    // WHEN it is rendered without colour, verbose (steps with nothing to do listed too)
    const text = renderPlan(LIVE_PLANS, { color: false, verbose: true });

    // THEN each action has its symbol, ids line up, reasons follow, and the footer counts them
    expect(text).toMatchInlineSnapshot(`
      "network (adopt): 1 to create, 1 to adopt, 1 unchanged
        · noop    ec2:vpc               vpc             vpc-0abc     (recorded in state and present)
        = adopt   ec2:internet-gateway  igw             igw-0d4      (found by tags)
        + create  ec2:nat-gateway       nat/eu-west-1a               subnet=subnet/public/eu-west-1a

      database (update): 1 to update
        ~ update  rds:db-instance       instance        acme-gitlab  instanceClass=db.r6g.large  multiAz=true  (instance class differs from the config)

      identity (noop): no resources

      Plan: 1 to create, 1 to adopt, 1 to update, 1 unchanged.
      "
    `);
  });
});

describe('renderPlan of a live plan with titles', () => {
  it('folds a step with nothing to do into its header line; titles start in one column', () => {
    // GIVEN a live plan whose network and identity steps have nothing to do
    const plans: StepPlan[] = [
      {
        step: 'network',
        action: 'noop',
        live: true,
        resources: [{ role: 'vpc', type: 'ec2:vpc', action: 'noop', id: 'vpc-0abc' }],
      },
      {
        step: 'identity',
        action: 'noop',
        live: true,
        resources: [
          { role: 'role', type: 'iam:role', action: 'noop', id: 'acme-gitlab-node' },
          { role: 'instance-profile', type: 'iam:instance-profile', action: 'noop', id: 'acme-gitlab-node' },
        ],
      },
      LIVE_PLANS[1]!,
    ];
    const titles = { network: 'Network', identity: 'Identity', database: 'Database (RDS PostgreSQL)' };

    // WHEN it is rendered with the steps' titles
    const text = renderPlan(plans, { color: false, titles });

    // THEN the unchanged steps are one line each, kept together, and the footer says how to see them
    expect(text).toMatchInlineSnapshot(`
      "network (noop)     Network: 1 unchanged
      identity (noop)    Identity: 2 unchanged

      database (update)  Database (RDS PostgreSQL): 1 to update
        ~ update  rds:db-instance  instance  acme-gitlab  instanceClass=db.r6g.large  multiAz=true  (instance class differs from the config)

      Plan: 0 to create, 0 to adopt, 1 to update, 3 unchanged.
      2 steps with nothing to do shown on one line; --verbose lists their resources.
      "
    `);
  });
});

describe('renderPlanOutlook', () => {
  const cost: CostEstimate = {
    currency: 'USD',
    region: 'eu-west-1',
    hoursPerMonth: 730,
    pricesAsOf: '2025-01-01',
    bundledPricesAsOf: '2025-01-01',
    autoScaling: { min: 2, max: 2 },
    lines: [],
    totalAtMin: 1234.5,
    totalAtMax: 1234.5,
    unknown: ['EC2 instance type x9.huge in eu-west-1'],
    notIncluded: [],
  };

  it('says "under a minute" for a short run, one total for a fixed-size group, and the unknown prices', () => {
    // GIVEN a run of only the load balancer (5 s), a group of 2 to 2 nodes, and an unknown price
    const estimate = {
      minutes: 5 / 60,
      criticalPath: [{ step: 'load-balancer' as const, minutes: 5 / 60 }],
      perStep: [{ step: 'load-balancer' as const, minutes: 5 / 60, startsAt: 0, endsAt: 5 / 60 }],
    };
    // WHEN the outlook is rendered
    const text = renderPlanOutlook(
      { waves: [['network', 'identity'], ['security']], estimate, cost },
      { color: false },
    );
    // THEN each of the three is phrased for its case
    expect(text).toMatchInlineSnapshot(`
      "Runs in 2 waves (the steps of a wave run concurrently):
        1. network, identity  2. security
      Estimated time: under a minute (typical AWS creation times); critical path in minutes:
        load-balancer 0.1
      Monthly cost: $1,234.50 with 2 GitLab nodes
        on-demand USD, AWS list prices as of 2025-01-01 (bundled); per resource: gitlab-ha cost
        unknown prices, left out of the totals (never guessed): EC2 instance type x9.huge in eu-west-1
      "
    `);
  });
});

describe('renderStatus', () => {
  it('shows recorded status, live health, drift and outputs, then the problems', () => {
    // GIVEN a recorded deployment whose NAT gateway disappeared and whose security step failed
    // WHEN its status is rendered without colour
    const text = renderStatus(STATUSES, RECORDED, { color: false });

    // THEN the drift is shown once per fact and both steps are listed as needing attention
    expect(text).toMatchInlineSnapshot(`
      "Deployment acme in eu-west-1 (account 123456789012), state updated 2026-11-26T22:00:11.000Z

      network  degraded  (recorded: done)
        ✔ ec2:vpc          vpc             vpc-0abc  available
        ✖ ec2:nat-gateway  nat/eu-west-1a  nat-123   missing
            drift: recorded in state but no longer in AWS
        drift: route 0.0.0.0/0 of rtb-0p1 points to igw-9zz, not igw-0d4
        outputs:
          vpcId            vpc-0abc
          publicSubnetIds  subnet-0a1, subnet-0b2

      security  not-deployed  (recorded: failed)
        recorded error: AWS_API_ERROR: InvalidGroup.Duplicate

      2 of 2 steps need attention:
        network: degraded (1 unhealthy resource, 2 drifts)
        security: not-deployed
      "
    `);
  });

  it('ends with "All N steps healthy" when nothing is wrong, even without a state file', () => {
    // GIVEN healthy steps and no state file
    // WHEN the status is rendered
    const text = renderStatus(HEALTHY_STATUSES, null, { color: false });

    // THEN it says so, and structured outputs are shown as compact JSON
    expect(text).toMatchInlineSnapshot(`
      "No state file: nothing has been recorded for this deployment yet.

      network  healthy  (not in state)
        ✔ ec2:vpc   vpc   vpc-0abc          available
        outputs:
          vpcId  vpc-0abc

      identity  healthy  (not in state)
        ✔ iam:role  role  acme-gitlab-node  present
        outputs:
          instanceProfile  {"name":"acme-gitlab-node","arn":"arn:aws:iam::123456789012:x"}

      All 2 steps healthy
      "
    `);
  });
});

describe('renderSummary', () => {
  it('lists each step outcome and how to resume a failed apply', () => {
    // GIVEN a failed run with a step never started, a kept snapshot and a leftover
    const summary: RunSummary = {
      ...APPLY_SUMMARY,
      steps: [...APPLY_SUMMARY.steps, { step: 'identity', outcome: 'not-started' }],
      kept: ['arn:aws:rds:eu-west-1:123456789012:snapshot:acme-final-20261126-120000'],
      leftovers: ['arn:aws:ec2:eu-west-1:123456789012:instance/i-0builder'],
    };

    // WHEN it is rendered without colour
    const text = renderSummary(summary, { color: false });

    // THEN the outcome, every step, the resume command, the kept snapshot and the leftover are there
    expect(text).toMatchInlineSnapshot(`
      "Apply failed after 2m 30s
        ✔ network       2m 10s  created
        ✖ security      1m 33s  failed: creating EC2 security group sg/app: InvalidGroup.Duplicate
        · identity              not started

      Resume with: gitlab-ha apply --config gitlab-ha.yaml

      Kept on purpose (final snapshots, adopted resources):
        - arn:aws:rds:eu-west-1:123456789012:snapshot:acme-final-20261126-120000

      Still tagged for this deployment:
        - arn:aws:ec2:eu-west-1:123456789012:instance/i-0builder
      "
    `);
  });

  it('reports a successful destroy without a resume line', () => {
    // GIVEN a destroy that succeeded with one step skipped
    const summary: RunSummary = {
      command: 'destroy',
      outcome: 'succeeded',
      elapsedMs: 3_723_000,
      steps: [
        { step: 'network', outcome: 'done', elapsedMs: 95_000, action: 'delete' },
        { step: 'identity', outcome: 'skipped' },
      ],
    };

    // WHEN it is rendered
    const text = renderSummary(summary, { color: false });

    // THEN it reads as a success
    expect(text).toMatchInlineSnapshot(`
      "Destroy succeeded in 1h 02m
        ✔ network       1m 35s  deleted
        ℹ identity              skipped
      "
    `);
  });
});

describe('colour in renderers', () => {
  it('colours only when asked', () => {
    // GIVEN every renderer's input
    const render = (color: boolean): string =>
      renderPlan(LIVE_PLANS, { color }) +
      renderStatus(STATUSES, RECORDED, { color }) +
      renderSummary(APPLY_SUMMARY, { color });

    // WHEN rendered with and without colour
    // THEN only the coloured text holds SGR codes, and both read the same once codes are stripped
    expect(render(true)).toMatch(ANSI_COLOR);
    expect(render(false)).not.toMatch(ANSI_COLOR);
    expect(render(true).replaceAll(new RegExp(`${ESC}\\[\\d+(;\\d+)*m`, 'g'), '')).toBe(render(false));
  });
});

describe('formatDuration', () => {
  const cases: [number, string][] = [
    [0, '0ms'],
    [850, '850ms'],
    [999, '999ms'],
    [1_000, '1s'],
    [12_400, '12s'],
    [59_999, '59s'],
    [60_000, '1m 00s'],
    [65_000, '1m 05s'],
    [3_599_000, '59m 59s'],
    [3_600_000, '1h 00m'],
    [3_720_000, '1h 02m'],
    [-5, '0ms'],
  ];
  for (const [ms, text] of cases) {
    it(`${ms} ms -> ${text}`, () => {
      // GIVEN a duration WHEN formatted THEN it reads as expected
      expect(formatDuration(ms)).toBe(text);
    });
  }
});
