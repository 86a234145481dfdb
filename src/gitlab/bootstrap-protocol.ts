/**
 * How a node tells gitlab-ha that its first boot worked: it tags its own instance
 * `gitlab-ha:bootstrap` = `ready` or `failed`. Before `failed` it writes the last lines of its log to
 * the SSM String parameter `/gitlab-ha/<deployment>/bootstrap/<instance-id>`. The identity step's
 * policy allows exactly this (that tag key, on the instance itself; PutParameter under that path).
 */
export const BOOTSTRAP_TAG = 'gitlab-ha:bootstrap';
export type BootstrapOutcome = 'ready' | 'failed';
export const BOOTSTRAP_LOG_TAIL_LINES = 60;

/** The prefix under which nodes write their log tails. */
export function bootstrapLogParameterPrefix(deployment: string): string {
  return `/gitlab-ha/${deployment}/bootstrap/`;
}

export function bootstrapLogParameterName(deployment: string, instanceId: string): string {
  return `${bootstrapLogParameterPrefix(deployment)}${instanceId}`;
}
