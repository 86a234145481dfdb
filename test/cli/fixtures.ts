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

/** What apply builds for configText() (per-az NAT, two AZs), by the resource type in its ARN. */
export const EXPECTED_COUNTS = {
  vpc: 1,
  'internet-gateway': 1,
  subnet: 4,
  'route-table': 3,
  'elastic-ip': 2,
  natgateway: 2,
  'security-group': 6,
  'security-group-rule': 12,
  role: 1,
  'instance-profile': 1,
  // db-password, redis-auth-token, gitaly-token, gitlab-shell-secret, gitlab-root-password
  parameter: 5,
  db: 1,
  subgrp: 1,
  replicationgroup: 1,
  subnetgroup: 1,
  // the storage node and two GitLab nodes (the builder is gone), with their root volumes and the data volume
  instance: 3,
  volume: 4,
  // the GitLab image and its snapshot
  image: 1,
  snapshot: 1,
  loadbalancer: 1,
  'launch-template': 1,
  autoScalingGroup: 1,
  alarm: 2,
} as const;

/** Counts the resources tagged for the deployment by the type in their ARN (`vpc`, `role`, `db`...). */
export function countTaggedByType(resources: readonly { arn: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { arn } of resources) {
    // arn:aws:ec2:region:account:vpc/vpc-0..., arn:aws:iam::account:role/name, arn:aws:rds:...:db:name
    const type = arn.split(':')[5]!.split('/')[0]!;
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}
