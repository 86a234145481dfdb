/** Configs and expectations shared by the whole-tool tests. */
export const DEPLOYMENT = 'demo';

export function configText(options: { nat?: 'single' | 'per-az'; https?: boolean } = {}): string {
  return [
    `name: ${DEPLOYMENT}`,
    'region: eu-west-1',
    'tags:',
    '  team: platform',
    'network:',
    '  availabilityZones: [eu-west-1a, eu-west-1b]',
    '  publicSubnetCidrs: [10.0.0.0/24, 10.0.1.0/24]',
    '  privateSubnetCidrs: [10.0.10.0/24, 10.0.11.0/24]',
    `  natGateways: ${options.nat ?? 'per-az'}`,
    'gitlab:',
    options.https ? '  externalUrl: https://gitlab.example.com' : '  externalUrl: http://gitlab.example.com',
    ...(options.https
      ? [
          'loadBalancer:',
          '  certificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000',
        ]
      : []),
    '',
  ].join('\n');
}

/** What apply builds for configText() (per-az NAT, two AZs), by resource type. */
export const EXPECTED_COUNTS = {
  vpc: 1,
  'internet-gateway': 1,
  subnet: 4,
  'route-table': 3,
  'elastic-ip': 2,
  natgateway: 2,
  'security-group': 6,
} as const;
