import type { TagMap } from '../../core/tags.js';

/** One listener: the front (protocol, port) and where it forwards to on the instances. */
export interface ListenerRecord {
  /** Upper case, as AWS reports it: HTTP, HTTPS, TCP or SSL. */
  protocol: string;
  loadBalancerPort: number;
  instanceProtocol: string;
  instancePort: number;
  sslCertificateId?: string | undefined;
  /** Policies in force on this listener (an HTTPS/SSL listener's SSL negotiation policy). */
  policyNames: string[];
}

export interface PolicyAttribute {
  name: string;
  value: string;
}

/** A policy: a predefined (sample) one, or one created for a load balancer. */
export interface PolicyRecord {
  name: string;
  typeName: string;
  attributes: PolicyAttribute[];
}

export interface HealthCheckRecord {
  target: string;
  interval: number;
  timeout: number;
  unhealthyThreshold: number;
  healthyThreshold: number;
}

export interface AttributesRecord {
  crossZone: boolean;
  connectionDraining: { enabled: boolean; timeout: number };
  idleTimeout: number;
  accessLog: { enabled: boolean; s3BucketName?: string | undefined; emitInterval?: number | undefined };
}

/** A registered instance and the DescribeInstanceHealth polls it has been running for. */
export interface RegisteredInstance {
  instanceId: string;
  runningPolls: number;
}

export interface LoadBalancerRecord {
  name: string;
  dnsName: string;
  canonicalHostedZoneNameId: string;
  scheme: 'internet-facing' | 'internal';
  vpcId: string;
  /** In the order they were attached; one per availability zone. */
  subnets: string[];
  securityGroups: string[];
  listeners: ListenerRecord[];
  policies: PolicyRecord[];
  healthCheck: HealthCheckRecord;
  attributes: AttributesRecord;
  instances: RegisteredInstance[];
  tags: TagMap;
  createdTime: Date;
  /** The network interface the load balancer holds in each of its subnets: subnet id -> ENI id. */
  interfaces: Map<string, string>;
}
