import type {
  ApplySecurityGroupsToLoadBalancerCommandInput,
  ApplySecurityGroupsToLoadBalancerCommandOutput,
  AttachLoadBalancerToSubnetsCommandInput,
  AttachLoadBalancerToSubnetsCommandOutput,
  ConfigureHealthCheckCommandInput,
  ConfigureHealthCheckCommandOutput,
  CreateLoadBalancerCommandInput,
  CreateLoadBalancerCommandOutput,
  DeleteLoadBalancerCommandInput,
  DeleteLoadBalancerCommandOutput,
  DescribeLoadBalancersCommandInput,
  DescribeLoadBalancersCommandOutput,
  DescribeLoadBalancerAttributesCommandInput,
  DescribeLoadBalancerAttributesCommandOutput,
  DetachLoadBalancerFromSubnetsCommandInput,
  DetachLoadBalancerFromSubnetsCommandOutput,
  HealthCheck,
  ModifyLoadBalancerAttributesCommandInput,
  ModifyLoadBalancerAttributesCommandOutput,
} from '@aws-sdk/client-elastic-load-balancing';
import { paginate } from '../../core/pagination.js';
import type { Result } from '../../core/service.js';
import { describeAttributes, describeLoadBalancer } from './describe.js';
import { elbError, invalidConfiguration, validationError } from './errors.js';
import type { AttributesRecord, HealthCheckRecord, ListenerRecord, LoadBalancerRecord } from './records.js';
import type { ElbStore } from './store.js';
import { checkedTags, mergeTags } from './tags.js';
import { addDefaultSslPolicy } from './listeners.js';
import {
  checkName,
  checkSecurityGroups,
  checkSubnets,
  sameListener,
  toListenerRecord,
  zonesOf,
} from './validate.js';

/** What a new classic load balancer starts with (the API's defaults, not the console's). */
function defaultHealthCheck(listeners: readonly ListenerRecord[]): HealthCheckRecord {
  return {
    target: `TCP:${listeners[0]?.instancePort ?? 80}`,
    interval: 30,
    timeout: 5,
    unhealthyThreshold: 2,
    healthyThreshold: 10,
  };
}

function defaultAttributes(): AttributesRecord {
  return {
    crossZone: false,
    connectionDraining: { enabled: false, timeout: 300 },
    idleTimeout: 60,
    accessLog: { enabled: false },
  };
}

/** `HTTP:80/-/readiness`, `HTTPS:443/path`, `TCP:22` or `SSL:443`. */
const TARGET = /^(?:(HTTP|HTTPS):(\d{1,5})\/\S*|(TCP|SSL):(\d{1,5}))$/;

function checkHealthCheck(check: HealthCheck | undefined): HealthCheckRecord {
  if (!check) throw validationError('HealthCheck is required');
  const target = check.Target ?? '';
  if (!TARGET.test(target)) {
    throw validationError(
      `Target '${target}' must be PROTOCOL:PORT for TCP and SSL, or PROTOCOL:PORT/PATH for HTTP and HTTPS`,
    );
  }
  const inRange = (value: number | undefined, what: string, min: number, max: number): number => {
    if (value === undefined || !Number.isInteger(value) || value < min || value > max)
      throw validationError(`${what} must be between ${min} and ${max}`);
    return value;
  };
  const interval = inRange(check.Interval, 'Interval', 5, 300);
  const timeout = inRange(check.Timeout, 'Timeout', 2, 60);
  if (timeout >= interval) throw validationError('HealthCheck Timeout must be less than Interval');
  return {
    target,
    interval,
    timeout,
    unhealthyThreshold: inRange(check.UnhealthyThreshold, 'UnhealthyThreshold', 2, 10),
    healthyThreshold: inRange(check.HealthyThreshold, 'HealthyThreshold', 2, 10),
  };
}

/** Whether a create call asks for exactly the load balancer that exists (AWS then answers as if it made it). */
function sameAsExisting(
  lb: LoadBalancerRecord,
  listeners: readonly ListenerRecord[],
  subnets: readonly string[],
  groups: readonly string[] | undefined,
  scheme: string,
  tags: Record<string, string>,
): boolean {
  const sorted = (values: readonly string[]) => [...values].sort().join(',');
  return (
    lb.scheme === scheme &&
    sorted(lb.subnets) === sorted(subnets) &&
    (groups === undefined || sorted(lb.securityGroups) === sorted(groups)) &&
    lb.listeners.length === listeners.length &&
    listeners.every((l) => lb.listeners.some((existing) => sameListener(existing, l))) &&
    JSON.stringify(Object.entries(lb.tags).sort()) === JSON.stringify(Object.entries(tags).sort())
  );
}

export function loadBalancerHandlers(store: ElbStore) {
  return {
    /**
     * A VPC load balancer (this fake does not model EC2-Classic): one interface per subnet. Asking
     * again for a load balancer that exists with the very same settings answers with it, as AWS does;
     * with other settings (tags included) it fails with DuplicateLoadBalancerName.
     */
    CreateLoadBalancer(input: CreateLoadBalancerCommandInput): Result<CreateLoadBalancerCommandOutput> {
      const name = checkName(input.LoadBalancerName);
      if (!input.Listeners?.length) throw validationError('At least one listener is required');
      const listeners = input.Listeners.map(toListenerRecord);
      const ports = new Set(listeners.map((l) => l.loadBalancerPort));
      if (ports.size !== listeners.length)
        throw elbError('DuplicateListener', 'Two listeners were given for the same LoadBalancerPort');
      const scheme = input.Scheme ?? 'internet-facing';
      if (scheme !== 'internet-facing' && scheme !== 'internal')
        throw elbError('InvalidScheme', `Scheme '${scheme}' must be internet-facing or internal`);
      if (!input.Subnets?.length) {
        throw invalidConfiguration(
          'Subnets are required: this fake models load balancers in a VPC only (EC2-Classic is retired)',
        );
      }
      const tags = checkedTags(input.Tags);
      const existing = store.loadBalancers.get(name);
      if (existing) {
        if (sameAsExisting(existing, listeners, input.Subnets, input.SecurityGroups, scheme, tags))
          return { DNSName: existing.dnsName };
        throw elbError(
          'DuplicateLoadBalancerName',
          `Load Balancer named ${name} already exists and it is configured with different parameters.`,
        );
      }
      const vpcId = checkSubnets(store, input.Subnets, undefined);
      const defaultGroup = [...store.ec2.securityGroups.values()].find(
        (g) => g.vpcId === vpcId && g.name === 'default',
      );
      const securityGroups = input.SecurityGroups?.length
        ? checkSecurityGroups(store, input.SecurityGroups, vpcId)
        : defaultGroup
          ? [defaultGroup.id]
          : [];
      const lb: LoadBalancerRecord = {
        name,
        dnsName: store.dnsName(name, scheme),
        canonicalHostedZoneNameId: store.canonicalHostedZoneNameId(),
        scheme,
        vpcId,
        subnets: [...input.Subnets],
        securityGroups,
        listeners,
        policies: [],
        healthCheck: defaultHealthCheck(listeners),
        attributes: defaultAttributes(),
        instances: [],
        tags: mergeTags({}, tags),
        createdTime: new Date(),
        interfaces: new Map(),
      };
      for (const listener of listeners) addDefaultSslPolicy(store, lb, listener);
      for (const subnetId of lb.subnets) store.addInterface(lb, subnetId);
      store.loadBalancers.set(name, lb);
      return { DNSName: lb.dnsName };
    },

    DescribeLoadBalancers(
      input: DescribeLoadBalancersCommandInput,
    ): Result<DescribeLoadBalancersCommandOutput> {
      const names = input.LoadBalancerNames ?? [];
      const selected = names.length
        ? [...new Set(names)].map((n) => store.loadBalancer(n))
        : [...store.loadBalancers.values()];
      const { page, nextToken } = paginate(selected, input.PageSize, input.Marker, (marker) =>
        validationError(`Invalid Marker '${marker}'`),
      );
      return {
        LoadBalancerDescriptions: page.map((lb) => describeLoadBalancer(store, lb)),
        NextMarker: nextToken,
      };
    },

    /**
     * Deleting one that does not exist succeeds, as on AWS. Its instances are deregistered; its
     * interfaces linger for `latency.elbEniRelease` DescribeNetworkInterfaces polls.
     */
    DeleteLoadBalancer(input: DeleteLoadBalancerCommandInput): Result<DeleteLoadBalancerCommandOutput> {
      const lb = store.loadBalancers.get(input.LoadBalancerName ?? '');
      if (!lb) return {};
      store.loadBalancers.delete(lb.name);
      for (const subnetId of [...lb.interfaces.keys()]) store.releaseInterface(lb, subnetId);
      return {};
    },

    ConfigureHealthCheck(input: ConfigureHealthCheckCommandInput): Result<ConfigureHealthCheckCommandOutput> {
      const lb = store.loadBalancer(input.LoadBalancerName);
      lb.healthCheck = checkHealthCheck(input.HealthCheck);
      return { HealthCheck: describeLoadBalancer(store, lb).HealthCheck };
    },

    DescribeLoadBalancerAttributes(
      input: DescribeLoadBalancerAttributesCommandInput,
    ): Result<DescribeLoadBalancerAttributesCommandOutput> {
      const lb = store.loadBalancer(input.LoadBalancerName);
      return { LoadBalancerAttributes: describeAttributes(lb.attributes) };
    },

    /** Changes only the attributes given. */
    ModifyLoadBalancerAttributes(
      input: ModifyLoadBalancerAttributesCommandInput,
    ): Result<ModifyLoadBalancerAttributesCommandOutput> {
      const lb = store.loadBalancer(input.LoadBalancerName);
      const given = input.LoadBalancerAttributes;
      if (!given) throw validationError('LoadBalancerAttributes is required');
      const next: AttributesRecord = structuredClone(lb.attributes);
      if (given.CrossZoneLoadBalancing) next.crossZone = given.CrossZoneLoadBalancing.Enabled ?? false;
      if (given.ConnectionDraining) {
        const timeout = given.ConnectionDraining.Timeout ?? next.connectionDraining.timeout;
        if (timeout < 1 || timeout > 3600)
          throw validationError('ConnectionDraining Timeout must be between 1 and 3600 seconds');
        next.connectionDraining = { enabled: given.ConnectionDraining.Enabled ?? false, timeout };
      }
      if (given.ConnectionSettings) {
        const idle = given.ConnectionSettings.IdleTimeout ?? 0;
        if (idle < 1 || idle > 4000)
          throw validationError('ConnectionSettings IdleTimeout must be between 1 and 4000 seconds');
        next.idleTimeout = idle;
      }
      if (given.AccessLog) {
        if (given.AccessLog.Enabled && !given.AccessLog.S3BucketName)
          throw invalidConfiguration('An access log needs an S3BucketName');
        next.accessLog = {
          enabled: given.AccessLog.Enabled ?? false,
          s3BucketName: given.AccessLog.S3BucketName,
          emitInterval: given.AccessLog.EmitInterval,
        };
      }
      lb.attributes = next;
      return { LoadBalancerName: lb.name, LoadBalancerAttributes: describeAttributes(next) };
    },

    /** Adds subnets (one per zone, in the load balancer's VPC), each with an interface. */
    AttachLoadBalancerToSubnets(
      input: AttachLoadBalancerToSubnetsCommandInput,
    ): Result<AttachLoadBalancerToSubnetsCommandOutput> {
      const lb = store.loadBalancer(input.LoadBalancerName);
      const added = (input.Subnets ?? []).filter((id) => !lb.subnets.includes(id));
      if (added.length > 0) checkSubnets(store, added, lb.vpcId, zonesOf(store, lb));
      for (const subnetId of added) {
        lb.subnets.push(subnetId);
        store.addInterface(lb, subnetId);
      }
      return { Subnets: [...lb.subnets] };
    },

    /** Removes subnets (not the last one); their interfaces are released. */
    DetachLoadBalancerFromSubnets(
      input: DetachLoadBalancerFromSubnetsCommandInput,
    ): Result<DetachLoadBalancerFromSubnetsCommandOutput> {
      const lb = store.loadBalancer(input.LoadBalancerName);
      const removed = new Set(input.Subnets ?? []);
      const remaining = lb.subnets.filter((id) => !removed.has(id));
      if (remaining.length === 0)
        throw invalidConfiguration('A load balancer must stay attached to at least one subnet');
      for (const subnetId of lb.subnets.filter((id) => removed.has(id))) store.releaseInterface(lb, subnetId);
      lb.subnets = remaining;
      return { Subnets: [...lb.subnets] };
    },

    /** Replaces the load balancer's security groups (its interfaces' too). */
    ApplySecurityGroupsToLoadBalancer(
      input: ApplySecurityGroupsToLoadBalancerCommandInput,
    ): Result<ApplySecurityGroupsToLoadBalancerCommandOutput> {
      const lb = store.loadBalancer(input.LoadBalancerName);
      if (!input.SecurityGroups?.length) throw validationError('At least one security group is required');
      lb.securityGroups = checkSecurityGroups(store, input.SecurityGroups, lb.vpcId);
      store.syncInterfaceGroups(lb);
      return { SecurityGroups: [...lb.securityGroups] };
    },
  };
}
