import { RDSClient, RDSServiceException } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { defineService } from '../../core/define-service.js';
import type { FakeEnvironment } from '../../core/environment.js';
import type { FakeService } from '../../core/service.js';
import { instanceHandlers } from './instances.js';
import { snapshotHandlers } from './snapshots.js';
import { RdsStore, type SubnetLookup } from './store.js';
import { subnetGroupHandlers } from './subnet-groups.js';
import { tagHandlers } from './tags.js';

export { RdsStore, type SubnetLookup } from './store.js';
export type * from './records.js';

/**
 * The fake RDS: DB subnet groups (over the fake EC2's subnets, found through `lookupSubnet`),
 * PostgreSQL instances whose status moves over polls (creating -> backing-up -> available,
 * modifying -> available, deleting -> gone), final snapshots, and tags by ARN.
 */
export function createRdsService(
  env: FakeEnvironment,
  lookupSubnet: SubnetLookup,
): { service: FakeService; store: RdsStore } {
  const store = new RdsStore(env, lookupSubnet);
  const service = defineService({
    name: 'rds',
    mockClient: () => mockClient(RDSClient),
    exceptionClass: RDSServiceException,
    handlers: {
      ...subnetGroupHandlers(store),
      ...instanceHandlers(store),
      ...snapshotHandlers(store),
      ...tagHandlers(store),
    },
    listTagged: () => store.listTagged(),
  });
  return { service, store };
}
