import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import type { Config } from '../../src/config/schema.js';
import { networkLayout } from '../../src/steps/network/layout.js';

const TWO_AZS = {
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  publicSubnetCidrs: ['10.0.0.0/24', '10.0.1.0/24'],
  privateSubnetCidrs: ['10.0.10.0/24', '10.0.11.0/24'],
};
const THREE_AZS = {
  availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  publicSubnetCidrs: ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24'],
  privateSubnetCidrs: ['10.0.10.0/24', '10.0.11.0/24', '10.0.12.0/24'],
};

function config(network: typeof TWO_AZS, natGateways: 'per-az' | 'single'): Config {
  return configSchema.parse({
    name: 'demo',
    region: 'eu-west-1',
    network: { ...network, natGateways },
    gitlab: { externalUrl: 'https://gitlab.example.com' },
  });
}

describe('networkLayout', () => {
  it('has fixed roles for the VPC, internet gateway and public route table', () => {
    // GIVEN any config
    // WHEN the layout is derived
    const layout = networkLayout(config(TWO_AZS, 'per-az'));
    // THEN the singletons have the roles their tags and state entries use
    expect([layout.vpcRole, layout.igwRole, layout.publicTableRole]).toEqual(['vpc', 'igw', 'rtb/public']);
  });

  it('pairs a public and a private subnet per AZ, with the CIDRs at the same index', () => {
    // GIVEN three AZs
    // WHEN the layout is derived
    const { subnets } = networkLayout(config(THREE_AZS, 'per-az'));
    // THEN each AZ has its public subnet, then its private one, in AZ order
    expect(subnets).toEqual([
      { role: 'subnet/public/eu-west-1a', tier: 'public', az: 'eu-west-1a', cidr: '10.0.0.0/24' },
      { role: 'subnet/private/eu-west-1a', tier: 'private', az: 'eu-west-1a', cidr: '10.0.10.0/24' },
      { role: 'subnet/public/eu-west-1b', tier: 'public', az: 'eu-west-1b', cidr: '10.0.1.0/24' },
      { role: 'subnet/private/eu-west-1b', tier: 'private', az: 'eu-west-1b', cidr: '10.0.11.0/24' },
      { role: 'subnet/public/eu-west-1c', tier: 'public', az: 'eu-west-1c', cidr: '10.0.2.0/24' },
      { role: 'subnet/private/eu-west-1c', tier: 'private', az: 'eu-west-1c', cidr: '10.0.12.0/24' },
    ]);
  });

  it.each([
    ['two', TWO_AZS],
    ['three', THREE_AZS],
  ])(
    'per-az with %s AZs: one NAT gateway per AZ, and each private subnet routes through its own',
    (_, network) => {
      // GIVEN per-az NAT gateways
      const azs = network.availabilityZones;
      // WHEN the layout is derived
      const { nats, privateRoutes } = networkLayout(config(network, 'per-az'));
      // THEN every AZ has a NAT gateway (with its own elastic IP) in its public subnet
      expect(nats).toEqual(
        azs.map((az) => ({
          az,
          natRole: `nat/${az}`,
          eipRole: `eip/nat/${az}`,
          publicSubnetRole: `subnet/public/${az}`,
        })),
      );
      // AND every AZ's private route table serves its private subnet through that AZ's NAT gateway
      expect(privateRoutes).toEqual(
        azs.map((az) => ({
          az,
          tableRole: `rtb/private/${az}`,
          subnetRole: `subnet/private/${az}`,
          natRole: `nat/${az}`,
        })),
      );
    },
  );

  it.each([
    ['two', TWO_AZS],
    ['three', THREE_AZS],
  ])(
    'single with %s AZs: one NAT gateway in the first AZ, and every private subnet routes through it',
    (_, network) => {
      // GIVEN a single NAT gateway
      const azs = network.availabilityZones;
      // WHEN the layout is derived
      const { nats, privateRoutes } = networkLayout(config(network, 'single'));
      // THEN there is one NAT gateway, in the first AZ's public subnet
      expect(nats).toEqual([
        {
          az: 'eu-west-1a',
          natRole: 'nat/eu-west-1a',
          eipRole: 'eip/nat/eu-west-1a',
          publicSubnetRole: 'subnet/public/eu-west-1a',
        },
      ]);
      // AND each AZ still has its own private route table, all pointing at that one NAT gateway
      expect(privateRoutes).toEqual(
        azs.map((az) => ({
          az,
          tableRole: `rtb/private/${az}`,
          subnetRole: `subnet/private/${az}`,
          natRole: 'nat/eu-west-1a',
        })),
      );
    },
  );
});
