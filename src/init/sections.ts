/**
 * The wizard's questions, one function per section of the guide. Each settles every answer of its
 * section (a question that does not apply is settled as "none"), so the answers are complete when
 * the last section returns.
 */
import type { Asker } from './asker.js';
import { askCertificate, askZones, type AwsQuestionContext } from './aws-questions.js';
import { defaultFor } from './defaults.js';
import {
  confirmQuestion,
  listQuestion,
  numberQuestion,
  optionalNumberQuestion,
  optionalTextQuestion,
  selectQuestion,
  textQuestion,
} from './question-kinds.js';

/** Below this RDS gp3 size the IOPS are a fixed 3000 baseline, so the question is not asked. */
const RDS_GP3_CONFIGURABLE_IOPS_MIN_GB = 400;

export async function askNetwork(context: AwsQuestionContext, region: string): Promise<void> {
  const { asker } = context;
  const vpcCidr = await asker.ask(textQuestion('vpcCidr', 'VPC CIDR block', defaultFor('vpcCidr', {})));
  const zones = await askZones(context, region);
  const known = { vpcCidr, availabilityZones: zones };
  const perZone = `one per zone (${zones.join(', ')})`;
  await asker.ask(
    listQuestion('publicSubnetCidrs', `Public subnets, ${perZone}`, defaultFor('publicSubnetCidrs', known)),
  );
  await asker.ask(
    listQuestion(
      'privateSubnetCidrs',
      `Private subnets, ${perZone}`,
      defaultFor('privateSubnetCidrs', known),
    ),
  );
  await asker.ask(
    selectQuestion(
      'natGateways',
      'NAT gateways',
      [
        {
          value: 'per-az',
          name: 'one per zone',
          description: "GitLab's recommendation: losing a zone does not cut the others' egress",
        },
        { value: 'single', name: 'single', description: 'cheaper, but a single point of failure for egress' },
      ],
      defaultFor('natGateways', {}),
    ),
  );
}

export async function askDatabase(asker: Asker): Promise<void> {
  await asker.ask(
    textQuestion('dbVersion', 'PostgreSQL version (GitLab 18 needs 16+)', defaultFor('dbVersion', {})),
  );
  await asker.ask(textQuestion('dbClass', 'RDS instance class', defaultFor('dbClass', {})));
  await asker.ask(
    confirmQuestion(
      'dbMultiAz',
      'Multi-AZ (a standby in another zone with automatic failover)?',
      defaultFor('dbMultiAz', {}) ?? true,
    ),
  );
  const type = await asker.ask(
    selectQuestion(
      'dbStorageType',
      'Database storage type',
      [
        { value: 'io1', name: 'io1', description: "Provisioned IOPS, as GitLab's AWS guide uses" },
        { value: 'gp3', name: 'gp3', description: 'general purpose, cheaper; 3000 IOPS baseline' },
        { value: 'io2', name: 'io2', description: 'Provisioned IOPS, more durable, up to 1000 IOPS per GB' },
      ],
      defaultFor('dbStorageType', {}),
    ),
  );
  const sizeGb = await asker.ask(
    numberQuestion('dbStorageGb', 'Database storage size (GB)', defaultFor('dbStorageGb', {})),
  );
  const provisioned = type === 'io1' || type === 'io2';
  const gp3Configurable = type === 'gp3' && (sizeGb ?? 0) >= RDS_GP3_CONFIGURABLE_IOPS_MIN_GB;
  // A flag is always checked, so --db-iops with small gp3 storage is refused with the reason.
  if (!provisioned && !gp3Configurable && !asker.hasFlag('dbIops')) {
    asker.skip('dbIops', undefined);
    return;
  }
  const message = provisioned ? 'Provisioned IOPS' : 'Database IOPS (empty: the gp3 baseline)';
  await asker.ask(optionalNumberQuestion('dbIops', message, defaultFor('dbIops', { dbStorageType: type })));
}

export async function askRedisAndStorage(asker: Asker): Promise<void> {
  await asker.ask(textQuestion('redisNodeType', 'Redis node type', defaultFor('redisNodeType', {})));
  await asker.ask(
    numberQuestion(
      'redisReplicas',
      'Redis read replicas (at least 1 for automatic failover)',
      defaultFor('redisReplicas', {}),
    ),
  );
  await asker.ask(
    textQuestion(
      'storageInstanceType',
      'Storage node (Gitaly + NFS) instance type',
      defaultFor('storageInstanceType', {}),
    ),
  );
  await asker.ask(
    numberQuestion('storageVolumeGb', 'Storage data volume size (GB)', defaultFor('storageVolumeGb', {})),
  );
}

export async function askGitlab(context: AwsQuestionContext, region: string): Promise<void> {
  const { asker } = context;
  await asker.ask(
    selectQuestion(
      'gitlabEdition',
      'GitLab edition',
      [
        {
          value: 'ee',
          name: 'Enterprise Edition (ee)',
          description: 'runs as the free tier without a license; upgradable in place',
        },
        { value: 'ce', name: 'Community Edition (ce)' },
      ],
      defaultFor('gitlabEdition', {}),
    ),
  );
  await asker.ask(textQuestion('gitlabVersion', 'GitLab version', defaultFor('gitlabVersion', {})));
  const externalUrl = await asker.ask(
    textQuestion('externalUrl', 'External URL (what users type, e.g. https://gitlab.example.com)', undefined),
  );
  await asker.ask(textQuestion('instanceType', 'GitLab node instance type', defaultFor('instanceType', {})));
  await asker.ask(
    optionalTextQuestion(
      'sshAccessCidr',
      'Admin SSH to the nodes from CIDR',
      'none, use SSM Session Manager',
    ),
  );
  await asker.ask(optionalTextQuestion('keyPair', 'EC2 key pair for admin SSH', 'none'));
  await askCertificate(context, region, externalUrl ?? '');
}

export async function askAutoScaling(asker: Asker): Promise<void> {
  const min = await asker.ask(numberQuestion('min', 'Minimum GitLab nodes', defaultFor('min', {})));
  const desired = await asker.ask(
    numberQuestion('desired', 'Desired GitLab nodes', defaultFor('desired', { min })),
  );
  await asker.ask(numberQuestion('max', 'Maximum GitLab nodes', defaultFor('max', { min, desired })));
  const scaleOutCpu = await asker.ask(
    numberQuestion('scaleOutCpu', 'Add a node above average CPU %', defaultFor('scaleOutCpu', {})),
  );
  await asker.ask(
    numberQuestion(
      'scaleInCpu',
      'Remove a node below average CPU %',
      defaultFor('scaleInCpu', { scaleOutCpu }),
    ),
  );
}
