/**
 * What the network step builds, derived from the config alone: the roles and parameters of every
 * subnet, NAT gateway and route table. Pure, so plan (offline) and ensure agree.
 */
import type { Config } from '../../config/schema.js';

export interface SubnetLayout {
  role: string;
  tier: 'public' | 'private';
  az: string;
  cidr: string;
}

export interface NatLayout {
  /** AZ whose public subnet holds the NAT gateway. */
  az: string;
  natRole: string;
  eipRole: string;
  publicSubnetRole: string;
}

export interface PrivateRouteLayout {
  az: string;
  tableRole: string;
  subnetRole: string;
  /** Role of the NAT gateway this AZ's default route goes through. */
  natRole: string;
}

export interface NetworkLayout {
  vpcRole: 'vpc';
  igwRole: 'igw';
  publicTableRole: 'rtb/public';
  subnets: SubnetLayout[];
  nats: NatLayout[];
  privateRoutes: PrivateRouteLayout[];
}

export function networkLayout(config: Config): NetworkLayout {
  const { availabilityZones: azs, publicSubnetCidrs, privateSubnetCidrs, natGateways } = config.network;
  const subnets: SubnetLayout[] = azs.flatMap((az, i) => [
    { role: `subnet/public/${az}`, tier: 'public' as const, az, cidr: publicSubnetCidrs[i] ?? '' },
    { role: `subnet/private/${az}`, tier: 'private' as const, az, cidr: privateSubnetCidrs[i] ?? '' },
  ]);
  // `single` puts one NAT gateway in the first AZ; every private subnet routes through it.
  const natAzs = natGateways === 'per-az' ? azs : azs.slice(0, 1);
  const nats: NatLayout[] = natAzs.map((az) => ({
    az,
    natRole: `nat/${az}`,
    eipRole: `eip/nat/${az}`,
    publicSubnetRole: `subnet/public/${az}`,
  }));
  const privateRoutes: PrivateRouteLayout[] = azs.map((az) => ({
    az,
    tableRole: `rtb/private/${az}`,
    subnetRole: `subnet/private/${az}`,
    natRole: natGateways === 'per-az' ? `nat/${az}` : `nat/${natAzs[0]}`,
  }));
  return { vpcRole: 'vpc', igwRole: 'igw', publicTableRole: 'rtb/public', subnets, nats, privateRoutes };
}
