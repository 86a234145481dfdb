/**
 * Cross-field rules checked after zod parsing (and after normalizeConfig): things one field's
 * schema cannot see, such as subnets inside the VPC or min <= desired <= max. Problems come back as
 * data so the loader can place each at its line and column. Live facts (does this AZ exist, does
 * RDS offer this minor version) are checked at apply time, not here.
 */
import { cidrContains, cidrsOverlap, parseIpv4Cidr, type Ipv4Network } from './cidr.js';
import type { ConfigIssue } from './issue-path.js';
import type { Config } from './schema.js';

export function checkConfigRules(config: Config): ConfigIssue[] {
  return [
    ...checkNetworkCidrs(config),
    ...checkAvailabilityZones(config),
    ...checkDatabase(config),
    ...checkRedis(config),
    ...checkStorage(config),
    ...checkUrlAndCertificate(config),
    ...checkLoadBalancer(config),
    ...checkAutoScaling(config),
  ];
}

// ---------------------------------------------------------------------------------------------
// network

/** AWS accepts VPC and subnet IPv4 blocks from /16 (65,536 addresses) to /28 (16 addresses). */
const AWS_PREFIX_RANGE = { min: 16, max: 28 } as const;

interface PlacedSubnet {
  path: string;
  network: Ipv4Network;
}

/** Parses a CIDR and checks the AWS size limit; pushes an issue and returns undefined when bad. */
function parseAwsBlock(text: string, path: string, what: string, issues: ConfigIssue[]) {
  const parsed = parseIpv4Cidr(text);
  if (!parsed.ok) {
    issues.push({ path, message: parsed.problem });
    return undefined;
  }
  const { prefix } = parsed.network;
  if (prefix < AWS_PREFIX_RANGE.min || prefix > AWS_PREFIX_RANGE.max) {
    issues.push({
      path,
      message: `${what} ${text} has prefix /${prefix}; AWS allows /${AWS_PREFIX_RANGE.min} to /${AWS_PREFIX_RANGE.max}`,
    });
    return undefined;
  }
  return parsed.network;
}

function checkNetworkCidrs({ network }: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const vpc = parseAwsBlock(network.vpcCidr, 'network.vpcCidr', 'the VPC CIDR', issues);
  const subnets: PlacedSubnet[] = [];
  const lists = [
    ['publicSubnetCidrs', network.publicSubnetCidrs],
    ['privateSubnetCidrs', network.privateSubnetCidrs],
  ] as const;
  for (const [key, cidrs] of lists) {
    cidrs.forEach((text, index) => {
      const path = `network.${key}[${index}]`;
      const subnet = parseAwsBlock(text, path, 'subnet', issues);
      if (subnet === undefined) return;
      if (vpc !== undefined && !cidrContains(vpc, subnet)) {
        issues.push({
          path,
          message: `subnet ${subnet.text} is outside the VPC CIDR ${vpc.text} (network.vpcCidr); every subnet must lie inside it`,
        });
      }
      subnets.push({ path, network: subnet });
    });
  }
  subnets.forEach((later, laterIndex) => {
    const earlier = subnets.slice(0, laterIndex).find((other) => cidrsOverlap(other.network, later.network));
    if (earlier !== undefined) {
      issues.push({
        path: later.path,
        message: `${later.path} (${later.network.text}) overlaps ${earlier.path} (${earlier.network.text}); subnets must not share addresses`,
      });
    }
  });
  for (const [key, cidrs] of lists) {
    const kind = key === 'publicSubnetCidrs' ? 'public' : 'private';
    if (cidrs.length !== network.availabilityZones.length) {
      issues.push({
        path: `network.${key}`,
        message: `has ${cidrs.length} entries but network.availabilityZones has ${network.availabilityZones.length}; give exactly one ${kind} subnet per availability zone, in the same order`,
      });
    }
  }
  return issues;
}

/** Zone IDs (euw1-az1) name the same physical zone in every account; the API wants names here. */
const AZ_ID = /^[a-z]{2,5}\d+-az\d+$/;

function checkAvailabilityZones({ region, network }: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const zones = network.availabilityZones;
  if (zones.length < 2) {
    issues.push({
      path: 'network.availabilityZones',
      message: `needs at least 2 availability zones for high availability, got ${zones.length}; e.g. [${region}a, ${region}b]`,
    });
  }
  const firstIndexOf = new Map<string, number>();
  zones.forEach((zone, index) => {
    const path = `network.availabilityZones[${index}]`;
    const firstIndex = firstIndexOf.get(zone);
    if (firstIndex !== undefined) {
      issues.push({
        path,
        message: `${zone} is listed twice (also network.availabilityZones[${firstIndex}]); each availability zone may appear once`,
      });
      return;
    }
    firstIndexOf.set(zone, index);
    const suffix = zone.startsWith(region) ? zone.slice(region.length) : undefined;
    if (suffix !== undefined && /^[a-z]$/.test(suffix)) return;
    issues.push({
      path,
      message: AZ_ID.test(zone)
        ? `${zone} is an availability zone ID; use the zone name instead, e.g. ${region}a`
        : `${zone} is not an availability zone of region ${region}; zone names look like ${region}a, ${region}b`,
    });
  });
  return issues;
}

// ---------------------------------------------------------------------------------------------
// database (RDS PostgreSQL)

/** PostgreSQL below 14 is out of support for every GitLab this tool installs. */
const OLDEST_POSTGRES = 14;

/**
 * Minimum PostgreSQL major per GitLab major (GitLab's installation requirements). Newer GitLab
 * majors than the last row are assumed to need at least that row's PostgreSQL.
 */
const POSTGRES_MINIMUM_BY_GITLAB_MAJOR: readonly (readonly [gitlabMajor: number, postgresMajor: number])[] = [
  [17, 14],
  [18, 16],
  [19, 17],
];

function postgresMinimumFor(gitlabMajor: number): number {
  let minimum = OLDEST_POSTGRES;
  for (const [major, postgres] of POSTGRES_MINIMUM_BY_GITLAB_MAJOR) {
    if (gitlabMajor >= major) minimum = postgres;
  }
  return minimum;
}

function majorOf(version: string): number {
  return Number.parseInt(version, 10);
}

/** RDS: IOPS may be at most this many times the allocated GB. */
const RDS_MAX_IOPS_PER_GB = { io1: 50, io2: 1000 } as const;
/** RDS Provisioned IOPS storage starts at 100 GB. */
const RDS_PROVISIONED_IOPS_MIN_GB = 100;
/** Below 400 GB, RDS gp3 for PostgreSQL has a fixed 3000 IOPS baseline that cannot be changed. */
const RDS_GP3_CONFIGURABLE_IOPS_MIN_GB = 400;

function checkDatabase({ database, gitlab }: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const postgresMajor = majorOf(database.engineVersion);
  const gitlabMajor = majorOf(gitlab.version);
  const minimum = postgresMinimumFor(gitlabMajor);
  if (postgresMajor < minimum) {
    issues.push({
      path: 'database.engineVersion',
      message:
        minimum > OLDEST_POSTGRES
          ? `PostgreSQL ${database.engineVersion} is not supported by GitLab ${gitlab.version}: GitLab ${gitlabMajor}.x needs PostgreSQL ${minimum} or newer; set engineVersion to "${minimum}" or a later major`
          : `PostgreSQL ${database.engineVersion} is too old: GitLab needs PostgreSQL ${OLDEST_POSTGRES} or newer; set engineVersion to "${OLDEST_POSTGRES}" or a later major`,
    });
  }

  const { type, sizeGb, iops } = database.storage;
  if (type === 'io1' || type === 'io2') {
    if (sizeGb < RDS_PROVISIONED_IOPS_MIN_GB) {
      issues.push({
        path: 'database.storage.sizeGb',
        message: `RDS ${type} storage must be at least ${RDS_PROVISIONED_IOPS_MIN_GB} GB, got ${sizeGb}; raise sizeGb or use type gp3`,
      });
    }
    const maxIops = RDS_MAX_IOPS_PER_GB[type] * sizeGb;
    if (iops === undefined) {
      issues.push({ path: 'database.storage.iops', message: `RDS ${type} storage needs iops (e.g. 1000)` });
    } else if (iops > maxIops) {
      const neededGb = Math.max(RDS_PROVISIONED_IOPS_MIN_GB, Math.ceil(iops / RDS_MAX_IOPS_PER_GB[type]));
      issues.push({
        path: 'database.storage.iops',
        message: `${iops} IOPS is too many for ${sizeGb} GB of RDS ${type}: at most ${RDS_MAX_IOPS_PER_GB[type]} IOPS per GB, so ${maxIops}; lower iops or raise sizeGb to ${neededGb}`,
      });
    }
  } else if (iops !== undefined && sizeGb < RDS_GP3_CONFIGURABLE_IOPS_MIN_GB) {
    issues.push({
      path: 'database.storage.iops',
      message: `RDS gp3 storage under ${RDS_GP3_CONFIGURABLE_IOPS_MIN_GB} GB has a fixed 3000 IOPS baseline; remove iops or set sizeGb to ${RDS_GP3_CONFIGURABLE_IOPS_MIN_GB} or more`,
    });
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// redis, storage node

const OLDEST_REDIS = 6;

function checkRedis({ redis }: Config): ConfigIssue[] {
  if (majorOf(redis.engineVersion) >= OLDEST_REDIS) return [];
  return [
    {
      path: 'redis.engineVersion',
      message: `Redis ${redis.engineVersion} is too old: GitLab needs Redis ${OLDEST_REDIS} or newer; use e.g. "7.1"`,
    },
  ];
}

/** EBS: IOPS may be at most this many times the volume's GB. */
const EBS_MAX_IOPS_PER_GB = { io1: 50, io2: 1000 } as const;
const EBS_GP3_IOPS = { min: 3000, max: 16000 } as const;

function checkStorage({ storage }: Config): ConfigIssue[] {
  const { type, sizeGb, iops } = storage.dataVolume;
  const path = 'storage.dataVolume.iops';
  if (type === 'gp3') {
    if (iops === undefined || (iops >= EBS_GP3_IOPS.min && iops <= EBS_GP3_IOPS.max)) return [];
    return [
      {
        path,
        message: `gp3 volumes support ${EBS_GP3_IOPS.min} to ${EBS_GP3_IOPS.max} IOPS, got ${iops}; use io2 for more`,
      },
    ];
  }
  if (iops === undefined) {
    return [
      { path, message: `${type} volumes need provisioned IOPS: set iops (e.g. 3000), or use type gp3` },
    ];
  }
  const maxIops = EBS_MAX_IOPS_PER_GB[type] * sizeGb;
  if (iops <= maxIops) return [];
  return [
    {
      path,
      message: `${iops} IOPS is too many for a ${sizeGb} GB ${type} volume: at most ${EBS_MAX_IOPS_PER_GB[type]} IOPS per GB, so ${maxIops}; lower iops or raise sizeGb to ${Math.ceil(iops / EBS_MAX_IOPS_PER_GB[type])}`,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// gitlab URL, load balancer, auto scaling

function checkUrlAndCertificate({ region, gitlab, loadBalancer }: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const url = new URL(gitlab.externalUrl);
  if (url.protocol === 'https:' && loadBalancer.certificateArn === undefined) {
    issues.push({
      path: 'gitlab.externalUrl',
      message: `${gitlab.externalUrl} is https, but loadBalancer.certificateArn is not set: TLS terminates at the load balancer, so an https URL needs an ACM certificate ARN there (or use http://)`,
    });
  }
  if (url.port !== '') {
    issues.push({
      path: 'gitlab.externalUrl',
      message: `must not name a port (:${url.port}): the load balancer listens on 80 (http) and 443 (https) only`,
    });
  }
  // arn:aws:acm:<region>:<account>:certificate/<id>; IAM server certificates have no region.
  const [, , service, certificateRegion] = loadBalancer.certificateArn?.split(':') ?? [];
  if (service === 'acm' && certificateRegion !== region) {
    issues.push({
      path: 'loadBalancer.certificateArn',
      message: `the certificate is in ${certificateRegion} but the deployment is in ${region}; a load balancer can only use ACM certificates from its own region`,
    });
  }
  if (gitlab.sshAccessCidr !== undefined) {
    const parsed = parseIpv4Cidr(gitlab.sshAccessCidr);
    if (!parsed.ok) issues.push({ path: 'gitlab.sshAccessCidr', message: parsed.problem });
  }
  return issues;
}

function checkLoadBalancer({ loadBalancer }: Config): ConfigIssue[] {
  const { timeoutSeconds, intervalSeconds } = loadBalancer.healthCheck;
  if (timeoutSeconds < intervalSeconds) return [];
  return [
    {
      path: 'loadBalancer.healthCheck.timeoutSeconds',
      message: `timeoutSeconds (${timeoutSeconds}) must be less than intervalSeconds (${intervalSeconds}); the load balancer refuses otherwise`,
    },
  ];
}

function checkAutoScaling({ autoScaling }: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { min, desired, max, scaleIn, scaleOut } = autoScaling;
  if (min > max) {
    issues.push({
      path: 'autoScaling.min',
      message: `min (${min}) is greater than max (${max}); need min <= desired <= max`,
    });
  } else if (desired < min) {
    issues.push({
      path: 'autoScaling.desired',
      message: `desired (${desired}) is less than min (${min}); need min <= desired <= max`,
    });
  } else if (desired > max) {
    issues.push({
      path: 'autoScaling.desired',
      message: `desired (${desired}) is greater than max (${max}); need min <= desired <= max`,
    });
  }
  if (scaleIn.cpuPercent >= scaleOut.cpuPercent) {
    issues.push({
      path: 'autoScaling.scaleIn.cpuPercent',
      message: `scale-in CPU threshold (${scaleIn.cpuPercent} %) must be below the scale-out threshold (${scaleOut.cpuPercent} %), or the two alarms keep undoing each other`,
    });
  }
  return issues;
}
