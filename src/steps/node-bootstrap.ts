/**
 * Waiting for a node's first boot to end (bootstrap-protocol.ts), for every step that launches one
 * (the storage node, the image builder): the node tags itself `gitlab-ha:bootstrap` = ready | failed.
 * A failure is reported with the node's log tail (from SSM, or its console output when the node
 * could not write it) and the node is left for inspection; a node that never signals ends a bounded
 * wait with what to look at.
 */
import { GetConsoleOutputCommand } from '@aws-sdk/client-ec2';
import type { Instance } from '@aws-sdk/client-ec2';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { awsFind } from '../aws/errors.js';
import { tagValue } from '../aws/tags.js';
import { pollUntil } from '../aws/wait.js';
import type { Config } from '../config/schema.js';
import { ProvisioningError, WaitTimeoutError } from '../engine/errors.js';
import type { StepContext } from '../engine/step.js';
import {
  BOOTSTRAP_LOG_TAIL_LINES,
  BOOTSTRAP_TAG,
  bootstrapLogParameterName,
} from '../gitlab/bootstrap-protocol.js';
import { BOOTSTRAP_LOG_PATH } from '../gitlab/bootstrap-shell.js';

type BootstrapCtx = Pick<StepContext, 'aws' | 'config' | 'events' | 'signal' | 'timing'>;

/** The node's bootstrap tag: `ready`, `failed`, or undefined while it is still booting. */
export function bootstrapState(instance: Instance): string | undefined {
  return tagValue(instance.Tags, BOOTSTRAP_TAG);
}

export interface LogTail {
  source: string;
  text: string;
}

/** The last lines the node logged: its SSM log parameter, else its console output. */
export async function readBootstrapLog(
  ctx: Pick<StepContext, 'aws' | 'config'>,
  instanceId: string,
): Promise<LogTail | undefined> {
  const name = bootstrapLogParameterName(ctx.config.name, instanceId);
  const parameter = await awsFind(
    'reading SSM parameter',
    async () => (await ctx.aws.ssm.send(new GetParameterCommand({ Name: name }))).Parameter,
    name,
  );
  if (parameter?.Value) return { source: `SSM parameter ${name}`, text: parameter.Value };
  const console = await awsFind(
    'reading the console output of EC2 instance',
    async () =>
      (await ctx.aws.ec2.send(new GetConsoleOutputCommand({ InstanceId: instanceId, Latest: true }))).Output,
    instanceId,
  );
  if (!console) return undefined;
  return {
    source: `console output of ${instanceId}`,
    text: lastLines(Buffer.from(console, 'base64').toString('utf8')),
  };
}

function lastLines(text: string): string {
  return text.trimEnd().split('\n').slice(-BOOTSTRAP_LOG_TAIL_LINES).join('\n');
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `  | ${line}`)
    .join('\n');
}

/** How to look at a node: a Session Manager shell (no SSH needed) or its console output. */
export function inspectNodeHint(config: Pick<Config, 'region'>, instanceId: string): string {
  const region = config.region;
  return (
    `Look at the node: aws ssm start-session --target ${instanceId} --region ${region} (log: ${BOOTSTRAP_LOG_PATH}), ` +
    `or aws ec2 get-console-output --instance-id ${instanceId} --latest --region ${region}.`
  );
}

export interface BootstrapWaitSpec {
  instanceId: string;
  /** The node in messages, lower case: `storage node`, `image builder`. */
  label: string;
  /** Bound of the wait, in seconds (scaled by ctx.timing.maxWaitScale). */
  maxWaitSeconds: number;
  /** The live instance by id; undefined once it is terminated. */
  findInstance(id: string): Promise<Instance | undefined>;
  /** What to do after a failure, once the node has been inspected (ends the error's hint). */
  afterFailure: string;
}

/**
 * Waits, bounded, until the node has signalled. `ready` returns; `failed` throws a ProvisioningError
 * (BOOTSTRAP_FAILED) with the log tail, leaving the instance running; no signal in time throws a
 * WaitTimeoutError that says what to look at.
 */
export async function awaitBootstrapSignal(ctx: BootstrapCtx, spec: BootstrapWaitSpec): Promise<void> {
  const { instanceId, label } = spec;
  const what = `${label} ${instanceId} to finish its first boot (tag ${BOOTSTRAP_TAG})`;
  const logText = (log: LogTail | undefined) =>
    log ? `. Last lines of its ${log.source}:\n${indent(log.text)}` : '';
  let outcome: string;
  try {
    outcome = await pollUntil(
      ctx,
      { what, resourceId: instanceId, maxWaitSeconds: spec.maxWaitSeconds },
      async () => {
        const instance = await spec.findInstance(instanceId);
        if (!instance) return { failed: `the instance ${instanceId} is gone (terminated)` };
        const state = bootstrapState(instance);
        if (state === 'ready' || state === 'failed') return { done: true, value: state };
        return { done: false, state: `${instance.State?.Name ?? 'unknown'}, no bootstrap signal yet` };
      },
    );
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    const log = await readBootstrapLog(ctx, instanceId);
    throw new WaitTimeoutError(
      `${what}: the node never signalled${logText(log)}`,
      Math.round(spec.maxWaitSeconds * ctx.timing.maxWaitScale),
      {
        resourceId: instanceId,
        hint: `The node is left running. ${inspectNodeHint(ctx.config, instanceId)} Run gitlab-ha apply again to keep waiting.`,
      },
    );
  }
  if (outcome === 'ready') return;
  const log = await readBootstrapLog(ctx, instanceId);
  const title = label.charAt(0).toUpperCase() + label.slice(1);
  throw new ProvisioningError(
    `${title} ${instanceId} failed its first boot${log ? logText(log) : ' and left no log'}`,
    {
      code: 'BOOTSTRAP_FAILED',
      resourceId: instanceId,
      hint: `The instance is left running for inspection. ${inspectNodeHint(ctx.config, instanceId)} ${spec.afterFailure}`,
    },
  );
}
