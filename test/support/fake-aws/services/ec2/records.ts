/**
 * The EC2 state the fake keeps. Records hold only what the fake decides; everything derivable
 * (route states, which EIP a NAT gateway uses, a group's IpPermissions) is computed when described,
 * so tests can tamper with one record without leaving others inconsistent.
 */
import type { NatGatewayState, NetworkInterfaceType } from '@aws-sdk/client-ec2';
import type { Transition } from '../../core/latency.js';
import type { TagMap } from '../../core/tags.js';

export interface VpcRecord {
  id: string;
  cidrBlock: string;
  cidrAssociationId: string;
  state: 'pending' | 'available';
  transition?: Transition<'pending' | 'available'> | undefined;
  enableDnsSupport: boolean;
  enableDnsHostnames: boolean;
  dhcpOptionsId: string;
  tags: TagMap;
}

export interface SubnetRecord {
  id: string;
  vpcId: string;
  cidrBlock: string;
  availabilityZone: string;
  mapPublicIpOnLaunch: boolean;
  tags: TagMap;
}

export interface InternetGatewayRecord {
  id: string;
  attachedVpcId?: string | undefined;
  tags: TagMap;
}

/** A route added with CreateRoute (the `local` route is implicit). */
export interface RouteRecord {
  destinationCidrBlock: string;
  gatewayId?: string | undefined;
  natGatewayId?: string | undefined;
}

export interface RouteTableAssociationRecord {
  id: string;
  /** Set for a subnet association; unset for the main association. */
  subnetId?: string | undefined;
  main: boolean;
}

export interface RouteTableRecord {
  id: string;
  vpcId: string;
  routes: RouteRecord[];
  associations: RouteTableAssociationRecord[];
  tags: TagMap;
}

export interface AddressRecord {
  allocationId: string;
  publicIp: string;
  tags: TagMap;
}

export interface NatGatewayRecord {
  id: string;
  subnetId: string;
  vpcId: string;
  connectivityType: 'public' | 'private';
  /** The EIP (public NAT gateways) and the association made for it. */
  allocationId?: string | undefined;
  associationId?: string | undefined;
  networkInterfaceId: string;
  privateIp: string;
  state: NatGatewayState;
  transition?: Transition<NatGatewayState> | undefined;
  createTime: Date;
  deleteTime?: Date | undefined;
  failure?: { code: string; message: string } | undefined;
  tags: TagMap;
}

export interface SecurityGroupRecord {
  id: string;
  name: string;
  description: string;
  vpcId: string;
  tags: TagMap;
}

/** One rule: a single protocol/port range with a single peer (a CIDR or a group), like AWS stores it. */
export interface SecurityGroupRuleRecord {
  id: string;
  groupId: string;
  isEgress: boolean;
  /** `tcp`, `udp`, `icmp` or `-1` (all). */
  ipProtocol: string;
  /** -1 when the protocol has no ports. */
  fromPort: number;
  toPort: number;
  cidrIpv4?: string | undefined;
  referencedGroupId?: string | undefined;
  description?: string | undefined;
  tags: TagMap;
}

export interface NetworkInterfaceRecord {
  id: string;
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  privateIp: string;
  groupIds: string[];
  description: string;
  /** e.g. `interface`, `nat_gateway`, `load_balancer`. */
  interfaceType: NetworkInterfaceType;
  /** True for interfaces AWS manages for a service (NAT gateway, ELB): users cannot delete them. */
  requesterManaged: boolean;
  status: 'available' | 'in-use';
  tags: TagMap;
}
