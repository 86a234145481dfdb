/**
 * What a config will build, in a few lines per step, shown at the end of `gitlab-ha init` before
 * the cost estimate and the "apply now?" question. Pure: derived from the config alone.
 */
import type { Config } from '../config/schema.js';

const STEP_WIDTH = 'load-balancer'.length;

export function renderInitSummary(config: Config): string {
  const { network, database, redis, storage, gitlab, loadBalancer, autoScaling } = config;
  const zones = network.availabilityZones;
  const natCount = network.natGateways === 'per-az' ? zones.length : 1;
  const storageIops = database.storage.iops === undefined ? '' : `, ${database.storage.iops} IOPS`;
  const https = loadBalancer.certificateArn !== undefined;
  const rows: [step: string, lines: string[]][] = [
    [
      'network',
      [
        `VPC ${network.vpcCidr} over ${zones.join(', ')}`,
        `public subnets ${network.publicSubnetCidrs.join(', ')}; private ${network.privateSubnetCidrs.join(', ')}`,
        `${natCount} NAT ${natCount === 1 ? 'gateway' : 'gateways'} (${network.natGateways === 'per-az' ? 'one per zone' : 'single'})`,
      ],
    ],
    [
      'security',
      [
        `security groups for the load balancer, nodes, database, Redis and storage; admin SSH ${gitlab.sshAccessCidr ? `from ${gitlab.sshAccessCidr}` : 'off (SSM Session Manager)'}`,
      ],
    ],
    ['identity', ['IAM role and instance profile for the GitLab nodes']],
    [
      'database',
      [
        `RDS PostgreSQL ${database.engineVersion} on ${database.instanceClass}${database.multiAz ? ', Multi-AZ' : ', single-AZ'}, ${database.storage.type} ${database.storage.sizeGb} GB${storageIops}`,
      ],
    ],
    [
      'redis',
      [
        `ElastiCache Redis ${redis.engineVersion} on ${redis.nodeType}: primary + ${redis.replicas} ${redis.replicas === 1 ? 'replica' : 'replicas'}`,
      ],
    ],
    [
      'storage',
      [
        `${storage.instanceType} node (Gitaly + NFS) with a ${storage.dataVolume.sizeGb} GB ${storage.dataVolume.type} data volume`,
      ],
    ],
    [
      'image',
      [
        `GitLab ${gitlab.edition.toUpperCase()} ${gitlab.version} baked into an AMI for ${gitlab.externalUrl}`,
      ],
    ],
    [
      'load-balancer',
      [`classic ELB: HTTP 80${https ? ', HTTPS 443' : ''}${gitlab.gitSsh ? ', git over SSH 22' : ''}`],
    ],
    [
      'auto-scaling',
      [
        `${gitlab.instanceType} nodes: min ${autoScaling.min}, desired ${autoScaling.desired}, max ${autoScaling.max}`,
        `+1 above ${autoScaling.scaleOut.cpuPercent} % CPU, -1 below ${autoScaling.scaleIn.cpuPercent} % CPU`,
      ],
    ],
  ];
  const body = rows.flatMap(([step, lines]) =>
    lines.map((line, index) => `  ${(index === 0 ? step : '').padEnd(STEP_WIDTH)}  ${line}`),
  );
  return [`What gitlab-ha will build for ${config.name} in ${config.region}:`, ...body].join('\n') + '\n';
}
