/**
 * The apply-time estimate: typical AWS creation times per step (the latency model), scheduled over
 * the dependency graph; the total is the critical path.
 */
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/index.js';
import { parseConfig } from '../../src/config/index.js';
import {
  TYPICAL_SECONDS,
  estimateDuration,
  typicalStepParts,
  typicalStepSeconds,
} from '../../src/engine/duration.js';
import type { PlanAction, StepPlan } from '../../src/engine/step.js';
import type { StepId } from '../../src/steps/ids.js';
import { STEP_IDS } from '../../src/steps/ids.js';
import { STEPS } from '../../src/steps/index.js';
import { configText } from '../cli/fixtures.js';

function config(extra = ''): Config {
  return parseConfig(`${configText()}${extra}`, 'gitlab-ha.yaml').config;
}

/** A plan per step: `create` unless `actions` says otherwise. */
function plans(actions: Partial<Record<StepId, PlanAction>> = {}): StepPlan[] {
  return STEP_IDS.map((step) => ({ step, action: actions[step] ?? 'create', live: true, resources: [] }));
}

const allNoop = Object.fromEntries(STEP_IDS.map((step) => [step, 'noop'])) as Record<StepId, PlanAction>;

/** Typical seconds of each step for the fixture config (2 AZs, HTTP, git over SSH, Multi-AZ). */
const NETWORK = 12 + 23 + 115; // VPC, the small resources, NAT gateways in parallel
const SECURITY = (6 + 12) * 2; // 6 groups and 12 ingress rules, 2 s each
const DATABASE_MULTI_AZ = 14 * 60;
const DATABASE_SINGLE_AZ = 5 * 60;
const REDIS = 9 * 60;
const IMAGE = 15 + 5 * 60 + 4 * 60 + 60 + 6 * 60; // boot, install, reconfigure, stop, AMI
const AUTO_SCALING = 6 + 3 * 60 + 10 * 2; // resources, node boot + reconfigure, interval x healthy threshold

/** Minutes, rounded to the tenth the plan shows. */
const path = (entries: { step: StepId; minutes: number }[]) =>
  entries.map(({ step, minutes }) => [step, Math.round(minutes * 10) / 10]);

describe('typical step durations', () => {
  it('follow the latency model, with the database by config.database.multiAz', () => {
    // GIVEN the fixture config, Multi-AZ and single-AZ
    const multiAz = config();
    const singleAz = config('database:\n  multiAz: false\n');

    // WHEN each step's typical duration is asked for
    const seconds = (c: Config) => Object.fromEntries(STEP_IDS.map((id) => [id, typicalStepSeconds(id, c)]));

    // THEN they are the model's figures
    expect(seconds(multiAz)).toEqual({
      network: NETWORK,
      security: SECURITY,
      identity: 10,
      database: DATABASE_MULTI_AZ,
      redis: REDIS,
      storage: 15 + 7 * 60,
      image: IMAGE,
      'load-balancer': 5,
      'auto-scaling': AUTO_SCALING,
    });
    expect(typicalStepSeconds('database', singleAz)).toBe(DATABASE_SINGLE_AZ);
    // AND network is the model's 2.5 min, image 16.25 min
    expect(NETWORK / 60).toBe(2.5);
    expect(IMAGE / 60).toBe(16.25);
  });

  it('count the security rules the config asks for and the health check the ELB waits for', () => {
    // GIVEN HTTPS (its config section comes last) and a slower health check
    const text = `${configText({ https: true })}  healthCheck: { intervalSeconds: 30, healthyThreshold: 5 }\n`;
    const c = parseConfig(text, 'gitlab-ha.yaml').config;

    // WHEN the security and auto-scaling parts are listed
    const security = typicalStepParts('security', c);
    const autoScaling = typicalStepParts('auto-scaling', c);

    // THEN the HTTPS rule adds 2 s, and InService waits 30 s x 5
    expect(security).toEqual([
      { what: '6 security groups', seconds: 12 },
      { what: '13 ingress rules', seconds: 26 },
    ]);
    expect(autoScaling).toEqual([
      { what: 'launch template, group, policies, alarms', seconds: TYPICAL_SECONDS.autoScalingResources },
      { what: 'nodes boot and reconfigure', seconds: 180 },
      { what: 'InService behind the load balancer', seconds: 150 },
    ]);
  });
});

describe('estimateDuration', () => {
  it('is the critical path network -> security -> database -> image -> auto-scaling with Multi-AZ', () => {
    // GIVEN an empty deployment (every step creates) with the default Multi-AZ database
    // WHEN the duration is estimated
    const estimate = estimateDuration(STEPS, plans(), config());

    // THEN the database decides wave 3, and the total is the sum along the path (about 37 min)
    expect(path(estimate.criticalPath)).toEqual([
      ['network', 2.5],
      ['security', 0.6],
      ['database', 14],
      ['image', 16.3],
      ['auto-scaling', 3.4],
    ]);
    expect(estimate.minutes * 60).toBeCloseTo(NETWORK + SECURITY + DATABASE_MULTI_AZ + IMAGE + AUTO_SCALING);
    expect(Math.round(estimate.minutes)).toBe(37);
  });

  it('goes through redis instead when the database is single-AZ', () => {
    // GIVEN the same deployment with a single-AZ database (5 min, shorter than Redis's 9)
    const singleAz = config('database:\n  multiAz: false\n');
    // WHEN the duration is estimated
    const estimate = estimateDuration(STEPS, plans(), singleAz);
    // THEN Redis is on the critical path and the total drops by 5 min
    expect(path(estimate.criticalPath)).toEqual([
      ['network', 2.5],
      ['security', 0.6],
      ['redis', 9],
      ['image', 16.3],
      ['auto-scaling', 3.4],
    ]);
    expect(estimate.minutes * 60).toBeCloseTo(NETWORK + SECURITY + REDIS + IMAGE + AUTO_SCALING);
  });

  it('starts each step when its last dependency ends', () => {
    // GIVEN an empty deployment
    // WHEN the duration is estimated
    const { perStep } = estimateDuration(STEPS, plans(), config());
    const at = (step: StepId) => perStep.find((entry) => entry.step === step)!;

    // THEN network and identity start at once; wave 3 starts after security; image after the database
    expect(at('network').startsAt).toBe(0);
    expect(at('identity').startsAt).toBe(0);
    expect(at('security').startsAt).toBe(2.5);
    for (const step of ['database', 'redis', 'storage', 'load-balancer'] as const) {
      expect(at(step).startsAt * 60).toBeCloseTo(NETWORK + SECURITY);
    }
    expect(at('image').startsAt).toBe(at('database').endsAt);
    expect(at('auto-scaling').startsAt).toBe(at('image').endsAt);
    // AND every step is listed once, in the order given
    expect(perStep.map((entry) => entry.step)).toEqual(STEPS.map((step) => step.id));
  });

  it('gives a noop step 0 minutes: a half-built deployment waits only for what is left', () => {
    // GIVEN every step done but the image and auto scaling
    const halfBuilt = plans({
      ...allNoop,
      image: 'create',
      'auto-scaling': 'create',
    });
    // WHEN the duration is estimated
    const estimate = estimateDuration(STEPS, halfBuilt, config());
    // THEN the noop steps take no time and are not on the path
    expect(estimate.perStep.filter((entry) => entry.minutes > 0).map((entry) => entry.step)).toEqual([
      'image',
      'auto-scaling',
    ]);
    expect(path(estimate.criticalPath)).toEqual([
      ['image', 16.3],
      ['auto-scaling', 3.4],
    ]);
    expect(estimate.minutes * 60).toBeCloseTo(IMAGE + AUTO_SCALING);
  });

  it('drops a noop database from the path: Redis decides wave 3 then', () => {
    // GIVEN an RDS instance already there (noop) and everything else to create
    // WHEN the duration is estimated
    const estimate = estimateDuration(STEPS, plans({ database: 'noop' }), config());
    // THEN the database takes 0 and the path goes through Redis
    expect(estimate.perStep.find((entry) => entry.step === 'database')!.minutes).toBe(0);
    expect(estimate.criticalPath.map((entry) => entry.step)).toEqual([
      'network',
      'security',
      'redis',
      'image',
      'auto-scaling',
    ]);
  });

  it('is zero with an empty critical path when nothing is to be done', () => {
    // GIVEN every step a noop (or without a plan at all)
    // WHEN the duration is estimated
    const noop = estimateDuration(STEPS, plans(allNoop), config());
    const unplanned = estimateDuration(STEPS, [], config());
    // THEN nothing takes time
    for (const estimate of [noop, unplanned]) {
      expect(estimate.minutes).toBe(0);
      expect(estimate.criticalPath).toEqual([]);
      expect(estimate.perStep.every((entry) => entry.minutes === 0 && entry.endsAt === 0)).toBe(true);
    }
  });

  it('counts any action other than noop as work (an update, an adopt)', () => {
    // GIVEN only the load balancer to update and the identity to adopt
    const actions = plans({ ...allNoop, 'load-balancer': 'update', identity: 'adopt' });
    // WHEN the duration is estimated
    const estimate = estimateDuration(STEPS, actions, config());
    // THEN both take their typical time; the longer one (identity, 10 s) ends the run
    expect(path(estimate.criticalPath)).toEqual([['identity', 0.2]]);
    expect(estimate.perStep.find((entry) => entry.step === 'load-balancer')!.minutes * 60).toBeCloseTo(5);
  });
});
