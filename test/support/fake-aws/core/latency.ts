/**
 * How many polls a resource needs to settle, per kind. "A poll" is one Describe call that selects
 * the resource; the N-th such call is the first to show the settled state (0 = settled at once).
 * Later services add their kinds here.
 */
export interface FakeLatency {
  vpc: number;
  natGatewayCreate: number;
  natGatewayDelete: number;
  /** IAM: an instance profile that RunInstances still refuses ("Invalid IAM Instance Profile"). */
  instanceProfileUsable: number;
  /** RDS: creating -> backing-up -> available, and deleting -> gone. */
  dbCreate: number;
  dbDelete: number;
  dbSnapshot: number;
  /** ElastiCache: creating -> available, deleting -> gone. */
  cacheCreate: number;
  cacheDelete: number;
  cacheSnapshot: number;
  /** EC2 instances, volumes, snapshots and images. */
  instanceRun: number;
  instanceStop: number;
  instanceTerminate: number;
  volumeCreate: number;
  volumeAttach: number;
  snapshotCreate: number;
  imageCreate: number;
  /** ELB: DescribeNetworkInterfaces polls a deleted load balancer's interfaces linger for. */
  elbEniRelease: number;
  /** ELB: DescribeInstanceHealth polls a registered, running instance stays OutOfService for. */
  elbInService: number;
  /** Auto Scaling: DescribeAutoScalingGroups polls a running instance stays Pending before InService. */
  asgInstanceInService: number;
  /** Auto Scaling: polls an instance refresh stays Pending before it starts replacing instances. */
  instanceRefreshStart: number;
  /** CloudWatch: DescribeAlarms polls a new alarm stays INSUFFICIENT_DATA before its first evaluation (OK). */
  alarmFirstEvaluation: number;
}

export const DEFAULT_LATENCY: Readonly<FakeLatency> = {
  vpc: 1,
  natGatewayCreate: 3,
  natGatewayDelete: 2,
  instanceProfileUsable: 2,
  dbCreate: 3,
  dbDelete: 2,
  dbSnapshot: 2,
  cacheCreate: 3,
  cacheDelete: 2,
  cacheSnapshot: 2,
  instanceRun: 2,
  instanceStop: 2,
  instanceTerminate: 2,
  volumeCreate: 1,
  volumeAttach: 1,
  snapshotCreate: 2,
  imageCreate: 3,
  elbEniRelease: 2,
  elbInService: 2,
  asgInstanceInService: 1,
  instanceRefreshStart: 1,
  alarmFirstEvaluation: 1,
};

/** A state change in progress: the state to reach and the polls still needed. */
export interface Transition<S extends string> {
  to: S;
  pollsLeft: number;
}

/** Something with a state that may be moving to another. */
export interface Settling<S extends string> {
  state: S;
  transition?: Transition<S> | undefined;
}

/** Starts moving `resource` to `to` over `polls` polls; with 0 polls it is there at once. */
export function startTransition<S extends string>(resource: Settling<S>, to: S, polls: number): void {
  if (polls <= 0) {
    resource.state = to;
    resource.transition = undefined;
  } else {
    resource.transition = { to, pollsLeft: polls };
  }
}

/** Counts one poll; returns true when this poll completed the transition. */
export function poll<S extends string>(resource: Settling<S>): boolean {
  const transition = resource.transition;
  if (!transition) return false;
  transition.pollsLeft -= 1;
  if (transition.pollsLeft > 0) return false;
  resource.state = transition.to;
  resource.transition = undefined;
  return true;
}
