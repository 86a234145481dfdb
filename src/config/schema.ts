/**
 * The whole gitlab-ha.yaml schema, for every step, so later steps only read it. Strict objects:
 * an unknown key is an error (see load.ts for the "did you mean" suggestion). Defaults follow
 * GitLab's current AWS guidance (see ../../README.md, "Where we differ from the classic guide").
 * Cross-field rules (CIDR containment, AZ/region, min <= desired <= max, ...) live in rules.ts.
 */
import { z } from 'zod';

const cidr = z
  .string()
  .regex(
    /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/,
    'must be an IPv4 CIDR block like 10.0.0.0/16',
  );

/** Deployment names end up in RDS, ElastiCache and ELB identifiers, whose rules are the strictest. */
const deploymentName = z
  .string()
  .regex(
    /^[a-z](?:[a-z0-9]|-(?!-)){1,20}[a-z0-9]$/,
    'must be 3-22 characters of lowercase letters, digits and single hyphens, start with a letter and not end with a hyphen',
  );

const amiId = z.string().regex(/^ami-[0-9a-f]{8,17}$/, 'must be an AMI id like ami-0123456789abcdef0');
const instanceType = z
  .string()
  .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'must be an EC2 instance type like m6i.large');

const networkSchema = z.strictObject({
  vpcCidr: cidr.default('10.0.0.0/16'),
  /** At least two, all in `region`; one public and one private subnet each, in the same order. */
  availabilityZones: z.array(z.string().min(1)),
  publicSubnetCidrs: z.array(cidr),
  privateSubnetCidrs: z.array(cidr),
  /** `per-az` is what GitLab's AWS guide recommends for HA; `single` saves money but loses egress with its AZ. */
  natGateways: z.enum(['single', 'per-az']).default('per-az'),
});

const databaseSchema = z.strictObject({
  /** PostgreSQL major (or major.minor). GitLab 18 needs 16+, GitLab 19 needs 17+. */
  engineVersion: z
    .string()
    .regex(/^\d{2}(\.\d+)?$/, 'must be a PostgreSQL version like "16" or "16.4"')
    .default('16'),
  instanceClass: z
    .string()
    .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, 'must be an RDS instance class like db.m6i.large')
    .default('db.m6i.large'),
  multiAz: z.boolean().default(true),
  storage: z
    .strictObject({
      type: z.enum(['io1', 'io2', 'gp3']).default('io1'),
      sizeGb: z.number().int().min(20).max(65536).default(100),
      /** Required for io1/io2; optional for gp3 (3000 baseline). */
      iops: z.number().int().min(1000).max(256000).optional(),
    })
    .default({ type: 'io1', sizeGb: 100 }),
  backupRetentionDays: z.number().int().min(1).max(35).default(7),
  deletionProtection: z.boolean().default(false),
});

const redisSchema = z.strictObject({
  engineVersion: z
    .string()
    .regex(/^\d+\.\d+$/, 'must be a Redis version like "7.1"')
    .default('7.1'),
  nodeType: z
    .string()
    .regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, 'must be an ElastiCache node type like cache.m6g.large')
    .default('cache.m6g.large'),
  /** Read replicas beside the primary; at least one for automatic failover. */
  replicas: z.number().int().min(1).max(5).default(1),
  /** Take a final snapshot when the deployment is destroyed. */
  finalSnapshot: z.boolean().default(false),
});

const storageSchema = z.strictObject({
  instanceType: instanceType.default('m6i.large'),
  /** Overrides the Ubuntu LTS lookup (hardened golden images, regions without Canonical's parameter). */
  baseAmi: amiId.optional(),
  dataVolume: z
    .strictObject({
      sizeGb: z.number().int().min(10).max(16384).default(100),
      type: z.enum(['gp3', 'io1', 'io2']).default('gp3'),
      iops: z.number().int().min(3000).max(256000).optional(),
    })
    .default({ sizeGb: 100, type: 'gp3' }),
});

const gitlabSchema = z.strictObject({
  edition: z.enum(['ee', 'ce']).default('ee'),
  /** Exact package version, e.g. "18.5.1". */
  version: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, 'must be a GitLab version like "18.5.1"')
    .default('18.5.1'),
  externalUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  /** Rails nodes (and the image builder unless builderInstanceType is set). Burstable types are not recommended. */
  instanceType: instanceType.default('c5.2xlarge'),
  builderInstanceType: instanceType.optional(),
  rootVolumeGb: z.number().int().min(30).max(16384).default(50),
  baseAmi: amiId.optional(),
  /** Git over SSH through the load balancer (TCP 22). */
  gitSsh: z.boolean().default(true),
  /** Admin SSH to the nodes from this CIDR; none when unset (use SSM Session Manager). */
  sshAccessCidr: cidr.optional(),
  /** EC2 key pair for admin SSH; optional. */
  keyPair: z.string().min(1).max(255).optional(),
});

const healthCheckSchema = z.strictObject({
  path: z.string().startsWith('/').default('/-/readiness'),
  intervalSeconds: z.number().int().min(5).max(300).default(10),
  timeoutSeconds: z.number().int().min(2).max(60).default(5),
  healthyThreshold: z.number().int().min(2).max(10).default(2),
  unhealthyThreshold: z.number().int().min(2).max(10).default(3),
});

const loadBalancerSchema = z.strictObject({
  /** ACM certificate for HTTPS on 443; HTTP only when unset. */
  certificateArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:(acm|iam):[a-z0-9-]*:\d{12}:(certificate|server-certificate)\/.+$/,
      'must be an ACM certificate ARN',
    )
    .optional(),
  healthCheck: healthCheckSchema.default({
    path: '/-/readiness',
    intervalSeconds: 10,
    timeoutSeconds: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 3,
  }),
});

const scalingPolicySchema = (cpuPercent: number) =>
  z.strictObject({
    cpuPercent: z.number().min(1).max(100).default(cpuPercent),
    periodSeconds: z.number().int().min(60).max(3600).default(60),
    evaluationPeriods: z.number().int().min(1).max(20).default(2),
    cooldownSeconds: z.number().int().min(0).max(3600).default(300),
  });

const autoScalingSchema = z.strictObject({
  min: z.number().int().min(1).max(100).default(2),
  desired: z.number().int().min(1).max(100).default(2),
  max: z.number().int().min(1).max(100).default(4),
  /** Long enough for a node's boot + `gitlab-ctl reconfigure`. */
  healthCheckGracePeriodSeconds: z.number().int().min(60).max(7200).default(600),
  scaleOut: scalingPolicySchema(60).default({
    cpuPercent: 60,
    periodSeconds: 60,
    evaluationPeriods: 2,
    cooldownSeconds: 300,
  }),
  scaleIn: scalingPolicySchema(45).default({
    cpuPercent: 45,
    periodSeconds: 60,
    evaluationPeriods: 2,
    cooldownSeconds: 300,
  }),
});

const awsSchema = z.strictObject({
  /** Named profile; --profile and AWS_PROFILE take precedence. */
  profile: z.string().min(1).optional(),
  /** SDK attempts per call (adaptive retry mode) before a throttling or 5xx error is reported. */
  maxAttempts: z.number().int().min(1).max(20).default(8),
});

export const configSchema = z.strictObject({
  /** JSON Schema reference for editors; ignored by the tool. */
  $schema: z.string().optional(),
  name: deploymentName,
  region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region like eu-west-1'),
  aws: awsSchema.default({ maxAttempts: 8 }),
  /** Extra tags put on every resource (besides the gitlab-ha:* tags). */
  tags: z
    .record(
      z
        .string()
        .min(1)
        .max(128)
        .refine((k) => !k.startsWith('aws:') && !k.startsWith('gitlab-ha:'), {
          message: 'tag keys starting with aws: or gitlab-ha: are reserved',
        }),
      z.string().max(256),
    )
    .default({}),
  network: networkSchema,
  database: databaseSchema.default(databaseSchema.parse({})),
  redis: redisSchema.default(redisSchema.parse({})),
  storage: storageSchema.default(storageSchema.parse({})),
  gitlab: gitlabSchema,
  loadBalancer: loadBalancerSchema.default(loadBalancerSchema.parse({})),
  autoScaling: autoScalingSchema.default(autoScalingSchema.parse({})),
});

/** The config as written (defaults optional). */
export type ConfigInput = z.input<typeof configSchema>;
/** The config with every default filled in: what steps read. */
export type Config = z.infer<typeof configSchema>;
