/**
 * Waiting for the storage node's first boot to end (bootstrap-protocol.ts): the node tags itself
 * `gitlab-ha:bootstrap` = ready | failed. A failure is reported with the node's log tail (from SSM,
 * or its console output when the node could not write it) and the node is left for inspection.
 */
import { GetConsoleOutputCommand } from '@aws-sdk/client-ec2';
import type { Instance } from '@aws-sdk/client-ec2';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { awsFind } from '../../aws/errors.js';
import { tagValue } from '../../aws/tags.js';
import { pollUntil } from '../../aws/wait.js';
import { ProvisioningError, WaitTimeoutError } from '../../engine/errors.js';
import {
  BOOTSTRAP_LOG_TAIL_LINES,
  BOOTSTRAP_TAG,
  bootstrapLogParameterName,
} from '../../gitlab/bootstrap-protocol.js';
import { BOOTSTRAP_LOG_PATH } from '../../gitlab/bootstrap-shell.js';
import { STORAGE_WAITS } from './layout.js';
import { findInstance } from './node.js';
import type { StorageCtx } from './volume.js';

/** The node's bootstrap tag: `ready`, `failed`, or undefined while it is still booting. */
export function bootstrapState(instance: Instance): string | undefined {
  return tagValue(instance.Tags, BOOTSTRAP_TAG);
}

interface LogTail {
  source: string;
  text: string;
}

/** The last lines the node logged: its SSM log parameter, else its console output. */
export async function readBootstrapLog(
  ctx: Pick<StorageCtx, 'aws' | 'config'>,
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

function inspectHint(ctx: Pick<StorageCtx, 'config'>, instanceId: string): string {
  const region = ctx.config.region;
  return (
    `Look at the node: aws ssm start-session --target ${instanceId} --region ${region} (log: ${BOOTSTRAP_LOG_PATH}), ` +
    `or aws ec2 get-console-output --instance-id ${instanceId} --latest --region ${region}.`
  );
}

/**
 * Waits, bounded, until the node has signalled. `ready` returns; `failed` throws with the log tail,
 * leaving the instance running; no signal in time throws a timeout that says what to look at.
 */
export async function awaitBootstrap(ctx: StorageCtx, instanceId: string): Promise<void> {
  const what = `storage node ${instanceId} to finish its first boot (tag ${BOOTSTRAP_TAG})`;
  let outcome: string;
  try {
    outcome = await pollUntil(
      ctx,
      { what, resourceId: instanceId, maxWaitSeconds: STORAGE_WAITS.bootstrap },
      async () => {
        const instance = await findInstance(ctx, instanceId);
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
      `${what}: the node never signalled${log ? `. Last lines of its ${log.source}:\n${indent(log.text)}` : ''}`,
      Math.round(STORAGE_WAITS.bootstrap * ctx.timing.maxWaitScale),
      {
        resourceId: instanceId,
        hint: `The node is left running. ${inspectHint(ctx, instanceId)} Run gitlab-ha apply again to keep waiting.`,
      },
    );
  }
  if (outcome === 'ready') return;
  const log = await readBootstrapLog(ctx, instanceId);
  throw new ProvisioningError(
    `Storage node ${instanceId} failed its first boot${log ? `. Last lines of its ${log.source}:\n${indent(log.text)}` : ' and left no log'}`,
    {
      code: 'BOOTSTRAP_FAILED',
      resourceId: instanceId,
      hint:
        `The instance is left running for inspection. ${inspectHint(ctx, instanceId)} ` +
        `Once the cause is fixed, terminate it (aws ec2 terminate-instances --instance-ids ${instanceId} --region ${ctx.config.region}) ` +
        'and run gitlab-ha apply again: a new node starts on the same data volume, which is never reformatted.',
    },
  );
}
