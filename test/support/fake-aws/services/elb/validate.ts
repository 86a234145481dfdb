/** Checks of the fake ELB API's inputs, as AWS makes them; each throws the error AWS answers with. */
import type { Listener } from '@aws-sdk/client-elastic-load-balancing';
import { elbError, invalidConfiguration, validationError } from './errors.js';
import type { ListenerRecord, LoadBalancerRecord } from './records.js';
import type { ElbStore } from './store.js';

/** 1-32 letters, digits and hyphens, not starting or ending with a hyphen. */
export function checkName(name: string | undefined): string {
  const value = name ?? '';
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/.test(value)) {
    throw validationError(
      `LoadBalancerName '${value}' must be 1 to 32 characters of letters, digits and hyphens, and must not begin or end with a hyphen`,
    );
  }
  return value;
}

const FRONT_PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'SSL'];
/** Layer-7 fronts talk HTTP(S) to the instances, layer-4 fronts TCP/SSL. */
const LAYER = { HTTP: 7, HTTPS: 7, TCP: 4, SSL: 4 } as const;

function checkPort(port: number | undefined, what: string): number {
  if (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535)
    throw validationError(`${what} must be a port between 1 and 65535`);
  return port;
}

/** A listener as the API would store it: protocols upper-cased, the instance protocol defaulted. */
export function toListenerRecord(listener: Listener): ListenerRecord {
  const protocol = (listener.Protocol ?? '').toUpperCase();
  if (!FRONT_PROTOCOLS.includes(protocol))
    throw validationError(`Invalid protocol '${protocol}': use HTTP, HTTPS, TCP or SSL`);
  const instanceProtocol = (
    listener.InstanceProtocol ?? protocol.replace('HTTPS', 'HTTP').replace('SSL', 'TCP')
  ).toUpperCase();
  if (!FRONT_PROTOCOLS.includes(instanceProtocol))
    throw validationError(`Invalid instance protocol ${instanceProtocol}`);
  const front = LAYER[protocol as keyof typeof LAYER];
  const back = LAYER[instanceProtocol as keyof typeof LAYER];
  if (front !== back) {
    throw invalidConfiguration(
      `Listener protocol ${protocol} is not compatible with instance protocol ${instanceProtocol}`,
    );
  }
  const secure = protocol === 'HTTPS' || protocol === 'SSL';
  if (secure && !listener.SSLCertificateId) {
    throw validationError(`A ${protocol} listener needs an SSLCertificateId`);
  }
  if (secure && !/^arn:aws[a-z-]*:(acm|iam):/.test(listener.SSLCertificateId ?? '')) {
    throw elbError('CertificateNotFound', `Certificate '${listener.SSLCertificateId}' not found`);
  }
  return {
    protocol,
    loadBalancerPort: checkPort(listener.LoadBalancerPort, 'LoadBalancerPort'),
    instanceProtocol,
    instancePort: checkPort(listener.InstancePort, 'InstancePort'),
    sslCertificateId: secure ? listener.SSLCertificateId : undefined,
    policyNames: [],
  };
}

/** Whether two listeners on one port are configured alike (their policies aside). */
export function sameListener(a: ListenerRecord, b: ListenerRecord): boolean {
  return (
    a.protocol === b.protocol &&
    a.loadBalancerPort === b.loadBalancerPort &&
    a.instanceProtocol === b.instanceProtocol &&
    a.instancePort === b.instancePort &&
    (a.sslCertificateId ?? '') === (b.sslCertificateId ?? '')
  );
}

/**
 * Subnets a load balancer may use: existing ones, all in one VPC (`vpcId` when known), at most one
 * per availability zone (counting `alreadyIn`, the zones it is in). Returns their VPC.
 */
export function checkSubnets(
  store: ElbStore,
  subnetIds: readonly string[],
  vpcId: string | undefined,
  alreadyIn: readonly string[] = [],
): string {
  if (subnetIds.length === 0) throw validationError('At least one subnet is required');
  const zones = new Set(alreadyIn);
  let vpc = vpcId;
  for (const id of subnetIds) {
    const subnet = store.ec2.subnets.get(id);
    if (!subnet) throw elbError('SubnetNotFound', `The requested subnet '${id}' does not exist`);
    if (vpc !== undefined && subnet.vpcId !== vpc)
      throw elbError('InvalidSubnet', `Subnet '${id}' is not in the load balancer's VPC ${vpc}`);
    vpc = subnet.vpcId;
    if (zones.has(subnet.availabilityZone))
      throw invalidConfiguration('ELB cannot be attached to multiple subnets in the same AZ.');
    zones.add(subnet.availabilityZone);
  }
  return vpc!;
}

/** Security groups of the load balancer's VPC. */
export function checkSecurityGroups(store: ElbStore, groupIds: readonly string[], vpcId: string): string[] {
  for (const id of groupIds) {
    const group = store.ec2.securityGroups.get(id);
    if (!group || group.vpcId !== vpcId)
      throw elbError('InvalidSecurityGroup', `Security group "${id}" does not exist in VPC "${vpcId}"`);
  }
  return [...groupIds];
}

export function zonesOf(store: ElbStore, lb: LoadBalancerRecord): string[] {
  return lb.subnets.map((id) => store.ec2.subnets.get(id)?.availabilityZone ?? 'unknown');
}
