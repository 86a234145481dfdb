/**
 * The first-boot simulation: what a gitlab-ha node's cloud-init does once its instance runs.
 *
 * After an instance first reaches `running`, `store.bootPolls` further DescribeInstances polls that
 * select it (default 2) pass, then the node signals its bootstrap result the way the real script
 * does (see src/gitlab/bootstrap-shell.ts), by the outcome `store.bootOutcome(instance)` returns:
 *   - `ready`:  it tags itself `gitlab-ha:bootstrap=ready`;
 *   - `failed`: it first hands its log tail (`store.bootFailureLog(instance)`) to
 *               `store.onBootFailure(instance, logTail, parameterName)` (FakeAws writes it to the SSM
 *               parameter `/gitlab-ha/<deployment>/bootstrap/<instance-id>`), then tags itself
 *               `gitlab-ha:bootstrap=failed`;
 *   - `never`:  nothing (a node that hangs, or whose signal was refused).
 * Either way the console output (GetConsoleOutput) shows the boot's end, unless a test set it.
 * Like cloud-init's runcmd, this happens once per instance: a stop/start does not boot it again.
 */
import type { InstanceRecord } from './records.js';
import type { Ec2Store } from './store.js';

export const BOOTSTRAP_TAG = 'gitlab-ha:bootstrap';
const DEPLOYMENT_TAG = 'gitlab-ha:deployment';

/** The SSM parameter a failing node writes its log tail to. */
export function bootstrapLogParameter(instance: InstanceRecord): string {
  return `/gitlab-ha/${instance.tags[DEPLOYMENT_TAG] ?? 'unknown'}/bootstrap/${instance.id}`;
}

/** The instance just reached `running`: its first boot starts (once per instance). */
export function startBoot(store: Ec2Store, instance: InstanceRecord): void {
  if (instance.booted) return;
  instance.booted = true;
  instance.bootPollsLeft = store.bootPolls;
  if (instance.bootPollsLeft <= 0) finishBoot(store, instance);
}

/** One more DescribeInstances poll of a running instance. */
export function advanceBoot(store: Ec2Store, instance: InstanceRecord): void {
  if (instance.bootPollsLeft === undefined) return;
  instance.bootPollsLeft -= 1;
  if (instance.bootPollsLeft <= 0) finishBoot(store, instance);
}

function finishBoot(store: Ec2Store, instance: InstanceRecord): void {
  instance.bootPollsLeft = undefined;
  const outcome = store.bootOutcome(instance);
  if (outcome === 'never') return;
  if (outcome === 'failed') {
    const logTail = store.bootFailureLog(instance);
    store.onBootFailure?.(instance, logTail, bootstrapLogParameter(instance));
    instance.consoleOutput ??= base64(`${logTail}\n`);
  } else {
    instance.consoleOutput ??= base64('[gitlab-ha] bootstrap complete\nCloud-init v. 24.4 finished\n');
  }
  instance.tags[BOOTSTRAP_TAG] = outcome;
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
