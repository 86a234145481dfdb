import type {
  LoadBalancerAttributes,
  LoadBalancerDescription,
  PolicyDescription,
} from '@aws-sdk/client-elastic-load-balancing';
import type { AttributesRecord, LoadBalancerRecord, PolicyRecord } from './records.js';
import type { ElbStore } from './store.js';
import { zonesOf } from './validate.js';

/** A load balancer as DescribeLoadBalancers shows it. */
export function describeLoadBalancer(store: ElbStore, lb: LoadBalancerRecord): LoadBalancerDescription {
  const firstGroup = store.ec2.securityGroups.get(lb.securityGroups[0] ?? '');
  return {
    LoadBalancerName: lb.name,
    DNSName: lb.dnsName,
    // Internal load balancers have no public hosted zone name.
    CanonicalHostedZoneName: lb.scheme === 'internet-facing' ? lb.dnsName : undefined,
    CanonicalHostedZoneNameID: lb.canonicalHostedZoneNameId,
    ListenerDescriptions: lb.listeners.map((l) => ({
      Listener: {
        Protocol: l.protocol,
        LoadBalancerPort: l.loadBalancerPort,
        InstanceProtocol: l.instanceProtocol,
        InstancePort: l.instancePort,
        SSLCertificateId: l.sslCertificateId,
      },
      PolicyNames: [...l.policyNames],
    })),
    Policies: {
      AppCookieStickinessPolicies: [],
      LBCookieStickinessPolicies: [],
      OtherPolicies: lb.policies.map((p) => p.name),
    },
    BackendServerDescriptions: [],
    AvailabilityZones: zonesOf(store, lb),
    Subnets: [...lb.subnets],
    VPCId: lb.vpcId,
    Instances: lb.instances.map((i) => ({ InstanceId: i.instanceId })),
    HealthCheck: {
      Target: lb.healthCheck.target,
      Interval: lb.healthCheck.interval,
      Timeout: lb.healthCheck.timeout,
      UnhealthyThreshold: lb.healthCheck.unhealthyThreshold,
      HealthyThreshold: lb.healthCheck.healthyThreshold,
    },
    SourceSecurityGroup: firstGroup
      ? { OwnerAlias: store.env.account, GroupName: firstGroup.name }
      : undefined,
    SecurityGroups: [...lb.securityGroups],
    CreatedTime: lb.createdTime,
    Scheme: lb.scheme,
  };
}

export function describeAttributes(attributes: AttributesRecord): LoadBalancerAttributes {
  return {
    CrossZoneLoadBalancing: { Enabled: attributes.crossZone },
    ConnectionDraining: {
      Enabled: attributes.connectionDraining.enabled,
      Timeout: attributes.connectionDraining.timeout,
    },
    ConnectionSettings: { IdleTimeout: attributes.idleTimeout },
    AccessLog: {
      Enabled: attributes.accessLog.enabled,
      S3BucketName: attributes.accessLog.s3BucketName,
      EmitInterval: attributes.accessLog.emitInterval,
    },
    AdditionalAttributes: [{ Key: 'elb.http.desyncmitigationmode', Value: 'defensive' }],
  };
}

export function describePolicy(policy: PolicyRecord): PolicyDescription {
  return {
    PolicyName: policy.name,
    PolicyTypeName: policy.typeName,
    PolicyAttributeDescriptions: policy.attributes.map((a) => ({
      AttributeName: a.name,
      AttributeValue: a.value,
    })),
  };
}
