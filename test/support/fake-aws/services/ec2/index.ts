import { EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { defineService } from '../../core/define-service.js';
import type { FakeEnvironment } from '../../core/environment.js';
import type { FakeService } from '../../core/service.js';
import { addressHandlers } from './addresses.js';
import { availabilityZoneHandlers } from './availability-zones.js';
import { ec2Error } from './errors.js';
import { imageHandlers } from './images.js';
import { instanceHandlers } from './instances.js';
import { internetGatewayHandlers } from './internet-gateways.js';
import { launchTemplateHandlers } from './launch-templates.js';
import { natGatewayHandlers } from './nat-gateways.js';
import { networkInterfaceHandlers } from './network-interfaces.js';
import { routeTableHandlers } from './route-tables.js';
import { securityGroupHandlers } from './security-groups.js';
import { snapshotHandlers } from './snapshots.js';
import { Ec2Store } from './store.js';
import { subnetHandlers } from './subnets.js';
import { tagHandlers } from './tags.js';
import { instanceOpsOf } from './template-launch.js';
import { volumeHandlers } from './volumes.js';
import { vpcHandlers } from './vpcs.js';

export { CANONICAL_OWNER_ID, Ec2Store, type AddNetworkInterfaceOptions } from './store.js';
export { BOOTSTRAP_TAG, bootstrapLogParameter } from './boot.js';
export { launchFromTemplate, type InstanceOps, type TemplateLaunch } from './template-launch.js';

/** The fake EC2 API (network, security group, instance, volume, snapshot and image calls) over one `Ec2Store`. */
export function createEc2Service(env: FakeEnvironment): { service: FakeService; store: Ec2Store } {
  const store = new Ec2Store(env);
  const instances = instanceHandlers(store);
  store.instanceOps = instanceOpsOf(instances);
  const service = defineService({
    name: 'ec2',
    mockClient: () => mockClient(EC2Client),
    exceptionClass: EC2ServiceException,
    handlers: {
      ...availabilityZoneHandlers(store),
      ...vpcHandlers(store),
      ...subnetHandlers(store),
      ...internetGatewayHandlers(store),
      ...routeTableHandlers(store),
      ...addressHandlers(store),
      ...natGatewayHandlers(store),
      ...securityGroupHandlers(store),
      ...networkInterfaceHandlers(store),
      ...instances,
      ...launchTemplateHandlers(store),
      ...volumeHandlers(store),
      ...snapshotHandlers(store),
      ...imageHandlers(store),
      ...tagHandlers(store),
    },
    faultCodes: {
      throttle: { name: 'RequestLimitExceeded', message: 'Request limit exceeded.' },
      internal: { name: 'InternalError', message: 'An internal error has occurred.' },
      unavailable: { name: 'Unavailable', message: 'The service is unavailable. Please try again shortly.' },
    },
    listTagged: () => store.listTagged(),
    precheck: (_command, input) => {
      if ('DryRun' in input && input.DryRun === true) {
        throw ec2Error('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.');
      }
    },
  });
  return { service, store };
}
