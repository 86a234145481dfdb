/**
 * How long an apply typically takes: each step's typical AWS creation time, scheduled over the
 * dependency graph the way the runner schedules it (a step starts when all its dependencies have
 * finished), so the estimate is the graph's critical path.
 *
 * The figures are the latency model's (/work/shared/latency-model.md: typical AWS times from public
 * apply logs and AWS documentation), the same the benchmark in bench/ gives the fake AWS. They are
 * typical creation times, not promises: RDS and ElastiCache vary by several minutes.
 *
 * The runner's concurrency limit (4) is not modelled: the widest wave of this graph (database,
 * redis, storage, load-balancer) has four steps, so it never delays a step.
 */
import type { Config } from '../config/schema.js';
import type { StepId } from '../steps/ids.js';
import { securityLayout } from '../steps/security/layout.js';
import type { GraphNode } from './graph.js';
import { assertValidGraph } from './graph.js';
import type { StepPlan } from './step.js';

/** One part of a step's typical duration, e.g. `{ what: 'NAT gateways (in parallel)', seconds: 115 }`. */
export interface DurationPart {
  what: string;
  seconds: number;
}

/** Typical seconds for one resource or phase (latency model, "create -> ready"). */
export const TYPICAL_SECONDS = {
  vpc: 12,
  natGateway: 115,
  /** IGW, subnets, route tables, routes, associations, elastic IPs: about 1 s each, ~23 s together. */
  otherNetworkResources: 23,
  securityGroupOrRule: 2,
  iamUsableByEc2: 10,
  rdsMultiAz: 14 * 60,
  rdsSingleAz: 5 * 60,
  elasticacheReplicationGroup: 9 * 60,
  instanceRunning: 15,
  storageNodeReady: 7 * 60,
  gitlabInstall: 5 * 60,
  gitlabReconfigure: 4 * 60,
  instanceStop: 60,
  amiAvailable: 6 * 60,
  classicElb: 5,
  /** Launch template, group, two scaling policies, two alarms: about 1 s each. */
  autoScalingResources: 6,
  /** An Auto Scaling node's boot and reconfigure (auto_migrate off). */
  autoScalingNodeReady: 3 * 60,
} as const;

/** What a step's typical duration is made of, for this config. */
export function typicalStepParts(step: StepId, config: Config): DurationPart[] {
  const s = TYPICAL_SECONDS;
  switch (step) {
    case 'network':
      return [
        { what: 'VPC', seconds: s.vpc },
        {
          what: 'internet gateway, subnets, route tables, routes, elastic IPs',
          seconds: s.otherNetworkResources,
        },
        // Per-AZ NAT gateways are created in parallel: one NAT gateway's time either way.
        { what: 'NAT gateways', seconds: s.natGateway },
      ];
    case 'security': {
      const { groups, rules } = securityLayout(config);
      return [
        { what: `${groups.length} security groups`, seconds: groups.length * s.securityGroupOrRule },
        { what: `${rules.length} ingress rules`, seconds: rules.length * s.securityGroupOrRule },
      ];
    }
    case 'identity':
      return [{ what: 'IAM role and instance profile usable by EC2', seconds: s.iamUsableByEc2 }];
    case 'database':
      return config.database.multiAz
        ? [{ what: 'RDS PostgreSQL Multi-AZ', seconds: s.rdsMultiAz }]
        : [{ what: 'RDS PostgreSQL single-AZ', seconds: s.rdsSingleAz }];
    case 'redis':
      return [{ what: 'ElastiCache replication group', seconds: s.elasticacheReplicationGroup }];
    case 'storage':
      return [
        { what: 'storage node running', seconds: s.instanceRunning },
        { what: 'NFS and Gitaly installed', seconds: s.storageNodeReady },
      ];
    case 'image':
      return [
        { what: 'builder running', seconds: s.instanceRunning },
        { what: 'GitLab package installed', seconds: s.gitlabInstall },
        { what: 'reconfigure against RDS and Redis', seconds: s.gitlabReconfigure },
        { what: 'builder stopped', seconds: s.instanceStop },
        { what: 'AMI available', seconds: s.amiAvailable },
      ];
    case 'load-balancer':
      return [{ what: 'classic ELB', seconds: s.classicElb }];
    case 'auto-scaling': {
      const { intervalSeconds, healthyThreshold } = config.loadBalancer.healthCheck;
      return [
        { what: 'launch template, group, policies, alarms', seconds: s.autoScalingResources },
        { what: 'nodes boot and reconfigure', seconds: s.autoScalingNodeReady },
        // The ELB puts a node InService after `healthyThreshold` passing checks, one per interval.
        { what: 'InService behind the load balancer', seconds: intervalSeconds * healthyThreshold },
      ];
    }
  }
}

/** A step's typical duration in seconds when it has work to do, for this config. */
export function typicalStepSeconds(step: StepId, config: Config): number {
  return typicalStepParts(step, config).reduce((sum, part) => sum + part.seconds, 0);
}

export interface StepDuration {
  step: StepId;
  /** Typical minutes of work; 0 when the step's plan is a noop. */
  minutes: number;
  /** Minutes from the start of the apply until the step starts (its dependencies are done). */
  startsAt: number;
  /** Minutes from the start of the apply until the step is done. */
  endsAt: number;
}

export interface DurationEstimate {
  /** Typical wall-clock minutes of the whole apply: the end of the critical path. */
  minutes: number;
  /** The chain of steps that decides the total, in order; steps without work are left out. */
  criticalPath: { step: StepId; minutes: number }[];
  /** Every step, in the order given. */
  perStep: StepDuration[];
}

/**
 * Schedules the steps over their dependencies with their typical durations: only steps whose plan
 * is not a noop take time (a step without a plan has nothing to do either). The steps may come in
 * any order; their graph must be valid (no cycle, no unknown dependency).
 */
export function estimateDuration(
  steps: readonly GraphNode[],
  plans: readonly StepPlan[],
  config: Config,
): DurationEstimate {
  assertValidGraph(steps);
  const byId = new Map(steps.map((step) => [step.id, step]));
  const planOf = new Map(plans.map((plan) => [plan.step, plan]));
  const scheduled = new Map<StepId, StepDuration>();

  const schedule = (id: StepId): StepDuration => {
    const known = scheduled.get(id);
    if (known) return known;
    const node = byId.get(id)!;
    const startsAt = Math.max(0, ...node.dependsOn.map((dep) => schedule(dep).endsAt));
    const plan = planOf.get(id);
    const minutes = plan && plan.action !== 'noop' ? typicalStepSeconds(id, config) / 60 : 0;
    const entry = { step: id, minutes, startsAt, endsAt: startsAt + minutes };
    scheduled.set(id, entry);
    return entry;
  };
  const perStep = steps.map((step) => schedule(step.id));

  return {
    minutes: Math.max(0, ...perStep.map((entry) => entry.endsAt)),
    criticalPath: criticalPath(perStep, byId, scheduled),
    perStep,
  };
}

/** Walks back from the step that ends last, each time to the dependency that ended last. */
function criticalPath(
  perStep: readonly StepDuration[],
  byId: ReadonlyMap<StepId, GraphNode>,
  scheduled: ReadonlyMap<StepId, StepDuration>,
): { step: StepId; minutes: number }[] {
  const latest = (entries: readonly StepDuration[]): StepDuration | undefined =>
    entries.reduce<StepDuration | undefined>(
      (best, e) => (best && best.endsAt >= e.endsAt ? best : e),
      undefined,
    );
  const path: StepDuration[] = [];
  let current = latest(perStep);
  while (current && current.endsAt > 0) {
    path.push(current);
    const deps = byId.get(current.step)!.dependsOn.map((dep) => scheduled.get(dep)!);
    current = latest(deps);
  }
  return path
    .reverse()
    .filter((entry) => entry.minutes > 0)
    .map(({ step, minutes }) => ({ step, minutes }));
}
