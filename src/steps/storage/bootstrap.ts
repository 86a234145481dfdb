/**
 * Waiting for the storage node's first boot to end, through the shared bootstrap wait
 * (../node-bootstrap.ts): a failure leaves the node running with its log tail in the error.
 */
import { awaitBootstrapSignal } from '../node-bootstrap.js';
import { STORAGE_WAITS } from './layout.js';
import { findInstance } from './node.js';
import type { StorageCtx } from './volume.js';

export { bootstrapState, readBootstrapLog } from '../node-bootstrap.js';

/**
 * Waits, bounded, until the node has signalled. `ready` returns; `failed` throws with the log tail,
 * leaving the instance running; no signal in time throws a timeout that says what to look at.
 */
export async function awaitBootstrap(ctx: StorageCtx, instanceId: string): Promise<void> {
  await awaitBootstrapSignal(ctx, {
    instanceId,
    label: 'storage node',
    maxWaitSeconds: STORAGE_WAITS.bootstrap,
    findInstance: (id) => findInstance(ctx, id),
    afterFailure:
      `Once the cause is fixed, terminate it (aws ec2 terminate-instances --instance-ids ${instanceId} --region ${ctx.config.region}) ` +
      'and run gitlab-ha apply again: a new node starts on the same data volume, which is never reformatted.',
  });
}
