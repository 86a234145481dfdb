import type { FakeEnvironment } from '../../core/environment.js';
import type { TaggedResource } from '../../core/service.js';
import type { Ec2Store } from '../ec2/index.js';
import { elbError, loadBalancerNotFound } from './errors.js';
import { predefinedPolicies } from './predefined-policies.js';
import type { LoadBalancerRecord, PolicyRecord } from './records.js';

/** The hosted zone of classic load balancers' DNS names, per region (Route 53 alias targets). */
const CANONICAL_HOSTED_ZONE_IDS: Readonly<Record<string, string>> = {
  'us-east-1': 'Z35SXDOTRQ7X7K',
  'us-west-2': 'Z1H1FL5HABSF5',
  'eu-west-1': 'Z32O12XQLNTSW2',
  'eu-central-1': 'Z215JYRZR1TBD5',
};
const OTHER_REGIONS_HOSTED_ZONE_ID = 'Z0FAKEELBZONE0';

/**
 * Classic load balancers of one fake account and region, keyed by name. Each holds a network
 * interface in each of its subnets in the EC2 store (description `ELB <name>`), so the subnets and
 * its security groups cannot be deleted while it exists, nor for `latency.elbEniRelease`
 * DescribeNetworkInterfaces polls after it is deleted.
 */
export class ElbStore {
  readonly loadBalancers = new Map<string, LoadBalancerRecord>();
  /** The predefined SSL negotiation policies (tests may change one). */
  readonly predefinedPolicies: Map<string, PolicyRecord> = predefinedPolicies();
  /** Instances whose health checks fail: they stay OutOfService however long they run. */
  readonly failingHealthChecks = new Set<string>();
  /**
   * The EC2 state of a registered instance (`running`, `terminated`...), undefined when there is no
   * such instance. Reads the EC2 store unless a test replaces it.
   */
  instanceState: (instanceId: string) => string | undefined;

  constructor(
    readonly env: FakeEnvironment,
    readonly ec2: Ec2Store,
  ) {
    this.instanceState = (id) => ec2.instances.get(id)?.state;
  }

  loadBalancer(name: string | undefined): LoadBalancerRecord {
    const found = this.loadBalancers.get(name ?? '');
    if (!found) throw loadBalancerNotFound(name ?? '');
    return found;
  }

  arn(name: string): string {
    return `arn:aws:elasticloadbalancing:${this.env.region}:${this.env.account}:loadbalancer/${name}`;
  }

  dnsName(name: string, scheme: LoadBalancerRecord['scheme']): string {
    const prefix = scheme === 'internal' ? 'internal-' : '';
    return `${prefix}${name}-1234567890.${this.env.region}.elb.amazonaws.com`;
  }

  canonicalHostedZoneNameId(): string {
    return CANONICAL_HOSTED_ZONE_IDS[this.env.region] ?? OTHER_REGIONS_HOSTED_ZONE_ID;
  }

  // --- network interfaces ------------------------------------------------------------------------

  /** The interface a load balancer holds in a subnet it was attached to. */
  addInterface(lb: LoadBalancerRecord, subnetId: string): void {
    const eni = this.ec2.addNetworkInterface({
      subnetId,
      groupIds: lb.securityGroups,
      // How AWS labels a classic load balancer's interfaces (the only way to find them).
      description: `ELB ${lb.name}`,
      interfaceType: 'interface',
      requesterManaged: true,
    });
    lb.interfaces.set(subnetId, eni.id);
  }

  /** Frees the interface of a subnet the load balancer left: it lingers for a few polls, as on AWS. */
  releaseInterface(lb: LoadBalancerRecord, subnetId: string): void {
    const eniId = lb.interfaces.get(subnetId);
    if (!eniId) return;
    lb.interfaces.delete(subnetId);
    this.ec2.releaseNetworkInterface(eniId, this.env.latency.elbEniRelease);
  }

  /** Keeps the interfaces' security groups in step with the load balancer's. */
  syncInterfaceGroups(lb: LoadBalancerRecord): void {
    for (const eniId of lb.interfaces.values()) {
      const eni = this.ec2.networkInterfaces.get(eniId);
      if (eni) eni.groupIds = [...lb.securityGroups];
    }
  }

  // --- registered instances (the Auto Scaling fake calls these) ----------------------------------

  /** Registers instances (already registered ones are kept as they are). Throws LoadBalancerNotFound. */
  registerInstances(name: string, instanceIds: readonly string[]): void {
    const lb = this.loadBalancer(name);
    for (const instanceId of instanceIds) {
      const state = this.instanceState(instanceId);
      if (state === undefined || state === 'terminated') {
        throw elbError('InvalidInstance', `The specified EndPoint ${instanceId} is not valid.`);
      }
      if (!lb.instances.some((i) => i.instanceId === instanceId))
        lb.instances.push({ instanceId, runningPolls: 0 });
    }
  }

  /** Deregisters instances; ones not registered are ignored. Throws LoadBalancerNotFound. */
  deregisterInstances(name: string, instanceIds: readonly string[]): void {
    const lb = this.loadBalancer(name);
    lb.instances = lb.instances.filter((i) => !instanceIds.includes(i.instanceId));
  }

  listTagged(): TaggedResource[] {
    return [...this.loadBalancers.values()]
      .filter((lb) => Object.keys(lb.tags).length > 0)
      .map((lb) => ({ arn: this.arn(lb.name), tags: { ...lb.tags } }));
  }
}
