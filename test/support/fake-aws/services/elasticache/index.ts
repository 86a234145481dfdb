import { ElastiCacheClient, ElastiCacheServiceException } from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { defineService } from '../../core/define-service.js';
import type { FakeEnvironment } from '../../core/environment.js';
import type { FakeService } from '../../core/service.js';
import { replicationGroupHandlers } from './replication-groups.js';
import { snapshotHandlers } from './snapshots.js';
import { ElastiCacheStore, type SubnetLookup } from './store.js';
import { subnetGroupHandlers } from './subnet-groups.js';
import { tagHandlers } from './tags.js';

export { ElastiCacheStore, regionShortName, type SubnetInfo, type SubnetLookup } from './store.js';
export type * from './records.js';

/**
 * The fake ElastiCache API: cache subnet groups, cluster-mode-disabled replication groups (with
 * their member clusters), snapshots and tags. `subnets` lets it see EC2's subnets, to know their
 * zones (FakeAws passes its EC2 store); without it any subnet id is accepted, zone unknown.
 */
export function createElastiCacheService(
  env: FakeEnvironment,
  subnets?: SubnetLookup,
): { service: FakeService; store: ElastiCacheStore } {
  const store = new ElastiCacheStore(env, subnets);
  const service = defineService({
    name: 'elasticache',
    mockClient: () => mockClient(ElastiCacheClient),
    exceptionClass: ElastiCacheServiceException,
    handlers: {
      ...subnetGroupHandlers(store),
      ...replicationGroupHandlers(store),
      ...snapshotHandlers(store),
      ...tagHandlers(store),
    },
    listTagged: () => store.listTagged(),
  });
  return { service, store };
}
