/**
 * The only place that constructs AWS SDK clients. Clients are created lazily, on first use, so an
 * offline `plan` never builds one (and never resolves credentials).
 */
import { ACMClient } from '@aws-sdk/client-acm';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { IAMClient } from '@aws-sdk/client-iam';
import { PricingClient } from '@aws-sdk/client-pricing';
import { RDSClient } from '@aws-sdk/client-rds';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import type { RetryStrategyV2 } from '@smithy/types';

export interface AwsClientOptions {
  region: string;
  profile?: string;
  /** Attempts per call under the adaptive retry strategy (throttling and 5xx are retried). */
  maxAttempts: number;
  /** Environment to read AWS_ENDPOINT_URL* from (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
  /**
   * Makes the retry strategy of each client instead of the adaptive one. Only tests set this, to keep
   * the SDK's retry path but with millisecond back-off instead of the real (seconds-long) throttling
   * delays. A factory, because a strategy holds a retry-token budget that must not be shared.
   */
  retryStrategy?: () => RetryStrategyV2;
}

export interface AwsClients {
  readonly region: string;
  readonly ec2: EC2Client;
  readonly sts: STSClient;
  readonly rds: RDSClient;
  readonly elasticache: ElastiCacheClient;
  readonly elb: ElasticLoadBalancingClient;
  readonly autoscaling: AutoScalingClient;
  readonly cloudwatch: CloudWatchClient;
  readonly iam: IAMClient;
  readonly ssm: SSMClient;
  readonly tagging: ResourceGroupsTaggingAPIClient;
  /** ACM, to offer the region's certificates in `init`. */
  readonly acm: ACMClient;
  /** The AWS Price List API (served from us-east-1 whatever the deployment's region). */
  readonly pricing: PricingClient;
  /** Destroy every client that was built (closes sockets so the process can exit). */
  destroy(): void;
}

/** The suffix of AWS_ENDPOINT_URL_<SERVICE> for each client, as the AWS SDKs name them. */
export const ENDPOINT_ENV_SUFFIX = {
  ec2: 'EC2',
  sts: 'STS',
  rds: 'RDS',
  elasticache: 'ELASTICACHE',
  elb: 'ELASTIC_LOAD_BALANCING',
  autoscaling: 'AUTO_SCALING',
  cloudwatch: 'CLOUDWATCH',
  iam: 'IAM',
  ssm: 'SSM',
  tagging: 'RESOURCE_GROUPS_TAGGING_API',
  acm: 'ACM',
  pricing: 'PRICING',
} as const;
type ServiceKey = keyof typeof ENDPOINT_ENV_SUFFIX;

/** AWS_ENDPOINT_URL_<SERVICE> wins over AWS_ENDPOINT_URL (LocalStack, moto). */
export function endpointFor(service: ServiceKey, env: NodeJS.ProcessEnv): string | undefined {
  return env[`AWS_ENDPOINT_URL_${ENDPOINT_ENV_SUFFIX[service]}`] || env.AWS_ENDPOINT_URL || undefined;
}

export function createAwsClients(options: AwsClientOptions): AwsClients {
  const env = options.env ?? process.env;
  const common = (service: ServiceKey) => {
    const endpoint = endpointFor(service, env);
    return {
      region: options.region,
      maxAttempts: options.maxAttempts,
      retryMode: 'adaptive',
      ...(options.retryStrategy ? { retryStrategy: options.retryStrategy() } : {}),
      ...(options.profile ? { profile: options.profile } : {}),
      ...(endpoint ? { endpoint } : {}),
    };
  };
  const built = new Map<ServiceKey, { destroy(): void }>();
  function lazy<T extends { destroy(): void }>(service: ServiceKey, make: () => T): T {
    let client = built.get(service) as T | undefined;
    if (!client) {
      client = make();
      built.set(service, client);
    }
    return client;
  }
  return {
    region: options.region,
    get ec2() {
      return lazy('ec2', () => new EC2Client(common('ec2')));
    },
    get sts() {
      return lazy('sts', () => new STSClient(common('sts')));
    },
    get rds() {
      return lazy('rds', () => new RDSClient(common('rds')));
    },
    get elasticache() {
      return lazy('elasticache', () => new ElastiCacheClient(common('elasticache')));
    },
    get elb() {
      return lazy('elb', () => new ElasticLoadBalancingClient(common('elb')));
    },
    get autoscaling() {
      return lazy('autoscaling', () => new AutoScalingClient(common('autoscaling')));
    },
    get cloudwatch() {
      return lazy('cloudwatch', () => new CloudWatchClient(common('cloudwatch')));
    },
    get iam() {
      // IAM is global; the SDK resolves its endpoint from any region.
      return lazy('iam', () => new IAMClient(common('iam')));
    },
    get ssm() {
      return lazy('ssm', () => new SSMClient(common('ssm')));
    },
    get tagging() {
      return lazy('tagging', () => new ResourceGroupsTaggingAPIClient(common('tagging')));
    },
    get acm() {
      return lazy('acm', () => new ACMClient(common('acm')));
    },
    get pricing() {
      // The Price List API has endpoints in us-east-1 (and ap-south-1) only.
      return lazy('pricing', () => new PricingClient({ ...common('pricing'), region: 'us-east-1' }));
    },
    destroy() {
      for (const client of built.values()) client.destroy();
      built.clear();
    },
  };
}
