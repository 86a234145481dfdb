/**
 * `gitlab-ha status` output: what the state file recorded next to what AWS shows now.
 *
 *   network  degraded  (recorded: done)
 *     ✔ ec2:vpc          vpc             vpc-0abc  available
 *     ✖ ec2:nat-gateway  nat/eu-west-1a  nat-123   missing
 *         drift: recorded in state but no longer in AWS
 *     outputs:
 *       vpcId  vpc-0abc
 *
 *   All 9 steps healthy
 */
import type { ChalkInstance } from 'chalk';
import type { Health, ResourceStatus, StepStatus } from '../../engine/step.js';
import type { DeploymentState, JsonValue } from '../../state/schema.js';
import { createChalk } from '../color.js';
import { padEnd } from '../format.js';
import { MARK } from '../symbols.js';
import { columnWidths } from './columns.js';
import type { RenderOptions } from './options.js';

export function renderStatus(
  statuses: readonly StepStatus[],
  recorded: DeploymentState | null,
  opts: RenderOptions,
): string {
  const c = createChalk(opts.color);
  const resources = statuses.flatMap((status) => status.resources);
  const widths = columnWidths(resources.map((r) => [r.type, r.role, r.id ?? '-']));

  function resourceLines(resource: ResourceStatus): string[] {
    const mark = resource.healthy ? c.green(MARK.success) : c.red(MARK.failure);
    const cells = [resource.type, resource.role, resource.id ?? '-'].map((cell, i) =>
      padEnd(cell, widths[i] ?? 0),
    );
    const state = resource.healthy ? resource.state : c.red(resource.state);
    const line = `  ${mark} ${[...cells, state].join('  ')}`;
    return resource.drift === undefined ? [line] : [line, c.yellow(`      drift: ${resource.drift}`)];
  }

  const sections = statuses.map((status) => {
    const stepState = recorded?.steps[status.step];
    const recordedText = stepState === undefined ? '(not in state)' : `(recorded: ${stepState.status})`;
    const lines = [`${c.bold(status.step)}  ${colorHealth(c, status.health)}  ${c.dim(recordedText)}`];
    if (stepState?.error) {
      lines.push(c.red(`  recorded error: ${stepState.error.code}: ${stepState.error.message}`));
    }
    lines.push(...status.resources.flatMap(resourceLines));
    // Step-level drift often repeats a resource's drift; show each fact once.
    const resourceDrift = new Set(status.resources.map((r) => r.drift));
    const stepDrift = status.drift.filter((drift) => !resourceDrift.has(drift));
    lines.push(...stepDrift.map((drift) => c.yellow(`  drift: ${drift}`)));
    lines.push(...outputLines(status.outputs));
    return lines.join('\n');
  });

  return `${[deploymentLine(recorded), ...sections, verdict(c, statuses)].join('\n\n')}\n`;
}

function deploymentLine(recorded: DeploymentState | null): string {
  if (recorded === null) return 'No state file: nothing has been recorded for this deployment yet.';
  const account = recorded.account === null ? 'account not yet known' : `account ${recorded.account}`;
  return `Deployment ${recorded.deployment} in ${recorded.region} (${account}), state updated ${recorded.updatedAt}`;
}

function outputLines(outputs: Readonly<Record<string, JsonValue>>): string[] {
  const entries = Object.entries(outputs);
  if (entries.length === 0) return [];
  const width = Math.max(...entries.map(([key]) => key.length));
  return [
    '  outputs:',
    ...entries.map(([key, value]) => `    ${padEnd(key, width)}  ${formatOutput(value)}`),
  ];
}

/** Scalars as they are, lists of scalars comma-separated, anything deeper as compact JSON. */
function formatOutput(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object')) {
    return value.map((item) => String(item)).join(', ');
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function colorHealth(c: ChalkInstance, health: Health): string {
  switch (health) {
    case 'healthy':
      return c.green(health);
    case 'degraded':
    case 'unknown':
      return c.yellow(health);
    case 'missing':
      return c.red(health);
    case 'not-deployed':
      return c.dim(health);
  }
}

function verdict(c: ChalkInstance, statuses: readonly StepStatus[]): string {
  const problems = statuses.filter((status) => status.health !== 'healthy');
  if (problems.length === 0) return c.green(`All ${statuses.length} steps healthy`);
  const lines = problems.map((status) => {
    const unhealthy = status.resources.filter((r) => !r.healthy).length;
    const driftCount = new Set([
      ...status.drift,
      ...status.resources.flatMap((r) => (r.drift ? [r.drift] : [])),
    ]).size;
    const facts = [
      ...(unhealthy > 0 ? [`${unhealthy} unhealthy ${unhealthy === 1 ? 'resource' : 'resources'}`] : []),
      ...(driftCount > 0 ? [`${driftCount} ${driftCount === 1 ? 'drift' : 'drifts'}`] : []),
    ];
    return `  ${status.step}: ${colorHealth(c, status.health)}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}`;
  });
  return [c.bold(`${problems.length} of ${statuses.length} steps need attention:`), ...lines].join('\n');
}
