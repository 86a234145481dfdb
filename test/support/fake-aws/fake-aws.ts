import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import {
  ENDPOINT_ENV_SUFFIX,
  createAwsClients,
  type AwsClientOptions,
  type AwsClients,
} from '../../../src/aws/clients.js';
import { CallLog, type FakeCall } from './core/call-log.js';
import type { FakeEnvironment } from './core/environment.js';
import { FakeCrashError, FakeNotImplementedError } from './core/errors.js';
import { Faults } from './core/faults.js';
import { IdGenerator } from './core/ids.js';
import { DEFAULT_LATENCY, type FakeLatency } from './core/latency.js';
import { sdkOutput } from './core/output.js';
import type {
  DispatchRequest,
  FakeService,
  InstalledStub,
  ServiceName,
  TaggedResource,
} from './core/service.js';
import { createAutoScalingService, type AutoScalingStore } from './services/autoscaling/index.js';
import { createCloudWatchService, type CloudWatchStore } from './services/cloudwatch/index.js';
import { createEc2Service, type Ec2Store } from './services/ec2/index.js';
import { createNotYetModelledServices } from './services/not-yet-modelled.js';
import { createElastiCacheService, type ElastiCacheStore } from './services/elasticache/index.js';
import { createAcmService, type AcmStore } from './services/acm/index.js';
import { createElbService, type ElbStore } from './services/elb/index.js';
import { createPricingService, type PricingStore } from './services/pricing/index.js';
import { createIamService, type IamStore } from './services/iam/index.js';
import { createRdsService, type RdsStore } from './services/rds/index.js';
import { createSsmService, type SsmStore } from './services/ssm/index.js';
import { createStsService } from './services/sts.js';
import { createTaggingService } from './services/tagging.js';

export interface FakeAwsOptions {
  account?: string;
  region?: string;
  availabilityZones?: string[];
  /** Seed of the id generator (ids repeat from run to run for a given seed). */
  seed?: number;
}

/** The tag the tool marks every resource of a deployment with (kept literal: the fake checks the tool). */
const DEPLOYMENT_TAG = 'gitlab-ha:deployment';

/** Attempts per call in `clientOptions()`, like the tool's default. */
const MAX_ATTEMPTS = 8;

/**
 * A stateful in-memory AWS for tests: the real SDK clients (with their real retry strategy) talk to
 * it through aws-sdk-client-mock, so calls are recorded for the vitest matchers too.
 *
 *   const fake = new FakeAws();
 *   beforeEach(() => fake.install());  afterEach(() => fake.restore());
 *   const aws = fake.clients();        // or createAwsClients(fake.clientOptions())
 */
export class FakeAws {
  readonly account: string;
  readonly region: string;
  readonly availabilityZones: readonly string[];
  /** Injected throttling, 5xx, arbitrary errors and crashes. */
  readonly faults = new Faults();
  /** The EC2 state: inspect it, or tamper with it to simulate drift. */
  readonly ec2: Ec2Store;
  /** SSM Parameter Store: the deployment's secrets and AWS's public parameters. */
  readonly ssm: SsmStore;
  readonly iam: IamStore;
  readonly rds: RdsStore;
  readonly elasticache: ElastiCacheStore;
  /** Classic load balancers; their network interfaces live in the EC2 store. */
  readonly elb: ElbStore;
  /** Auto Scaling groups (their instances live in the EC2 store), scaling policies, instance refreshes. */
  readonly autoscaling: AutoScalingStore;
  /** CloudWatch alarms (`setAlarmState` plays the metric). */
  readonly cloudwatch: CloudWatchStore;
  /** ACM certificates (init offers the region's issued ones). */
  readonly acm: AcmStore;
  /** The AWS Price List API's products (pricing:GetProducts). */
  readonly pricing: PricingStore;

  private readonly env: FakeEnvironment;
  private readonly services: ReadonlyMap<ServiceName, FakeService>;
  private readonly installed = new Map<ServiceName, InstalledStub>();
  private readonly log = new CallLog();

  constructor(options: FakeAwsOptions = {}) {
    this.account = options.account ?? '123456789012';
    this.region = options.region ?? 'eu-west-1';
    this.availabilityZones =
      options.availabilityZones ?? ['a', 'b', 'c'].map((zone) => `${this.region}${zone}`);
    this.env = {
      account: this.account,
      region: this.region,
      availabilityZones: this.availabilityZones,
      ids: new IdGenerator(options.seed ?? 20240601),
      latency: { ...DEFAULT_LATENCY },
    };
    const ec2 = createEc2Service(this.env);
    this.ec2 = ec2.store;
    const ssm = createSsmService(this.env);
    this.ssm = ssm.store;
    const iam = createIamService(this.env);
    this.iam = iam.store;
    // RunInstances refuses an instance profile until IAM has propagated it.
    this.ec2.isInstanceProfileUsable = (nameOrArn) => this.iam.isInstanceProfileUsable(nameOrArn);
    // A node whose bootstrap fails leaves the tail of its log in SSM, as the real cloud-init does.
    this.ec2.onBootFailure = (_instance, logTail, parameterName) =>
      this.ssm.parameters.set(parameterName, {
        name: parameterName,
        type: 'String',
        value: logTail,
        version: 1,
        tags: {},
        lastModified: new Date(),
      });
    const rds = createRdsService(this.env, (subnetId) => this.ec2.subnets.get(subnetId));
    this.rds = rds.store;
    const elasticache = createElastiCacheService(this.env, (subnetId) => this.ec2.subnets.get(subnetId));
    this.elasticache = elasticache.store;
    // Registered instances' health reads the EC2 store's instance states (ElbStore.instanceState).
    const elb = createElbService(this.env, this.ec2);
    this.elb = elb.store;
    const autoscaling = createAutoScalingService(this.env, this.ec2);
    this.autoscaling = autoscaling.store;
    const cloudwatch = createCloudWatchService(this.env);
    this.cloudwatch = cloudwatch.store;
    // A group registers the instances it launches with its classic load balancers and deregisters the
    // ones it terminates; a load balancer deleted meanwhile is skipped (AWS logs a failed activity).
    this.autoscaling.onLaunch = (_group, ids, names) => {
      for (const name of names) if (this.elb.loadBalancers.has(name)) this.elb.registerInstances(name, ids);
    };
    this.autoscaling.onTerminate = (_group, ids, names) => {
      for (const name of names) if (this.elb.loadBalancers.has(name)) this.elb.deregisterInstances(name, ids);
    };
    this.autoscaling.loadBalancerExists = (name) => this.elb.loadBalancers.has(name);
    // An alarm that enters ALARM runs its actions: the scaling policies.
    this.cloudwatch.onAlarmAction = (arn) => this.autoscaling.executePolicy(arn);
    const acm = createAcmService(this.env);
    this.acm = acm.store;
    const pricing = createPricingService();
    this.pricing = pricing.store;
    const services: FakeService[] = [
      ec2.service,
      ssm.service,
      iam.service,
      rds.service,
      elasticache.service,
      elb.service,
      autoscaling.service,
      cloudwatch.service,
      pricing.service,
      acm.service,
      createStsService(this.env),
      ...createNotYetModelledServices(),
    ];
    services.push(createTaggingService(() => services.flatMap((service) => service.listTagged())));
    this.services = new Map(services.map((service) => [service.name, service]));
    // Every client the tool can build must be intercepted, or a test could reach real AWS.
    const missing = Object.keys(ENDPOINT_ENV_SUFFIX).filter(
      (name) => !this.services.has(name as ServiceName),
    );
    if (missing.length > 0) throw new Error(`FakeAws intercepts no client for: ${missing.join(', ')}`);
  }

  /** Polls a pending resource needs per kind; read when a resource starts changing state. */
  get latency(): FakeLatency {
    return this.env.latency;
  }
  set latency(value: FakeLatency) {
    Object.assign(this.env.latency, value);
  }

  /** Stubs every AWS client class (aws-sdk-client-mock) and routes their calls here. Idempotent. */
  install(): this {
    if (this.installed.size > 0) return this;
    const dispatch = (request: DispatchRequest) => this.dispatch(request);
    for (const service of this.services.values()) this.installed.set(service.name, service.install(dispatch));
    return this;
  }

  /** Puts the real clients back. */
  restore(): void {
    for (const stub of this.installed.values()) stub.restore();
    this.installed.clear();
  }

  /** The aws-sdk-client-mock stub of a service's client, for `expect(fake.mock('ec2')).toHaveReceivedCommand...`. */
  mock<S extends ServiceName>(service: S): AwsClientStub<AwsClients[S]> {
    const installed = this.installed.get(service);
    if (!installed) throw new Error(`fake-aws: call fake.install() before fake.mock('${service}')`);
    // Each service module stubbed exactly this client class, so the stub has this type.
    return installed.stub as AwsClientStub<AwsClients[S]>;
  }

  /** Every attempt that reached the fake, in order (SDK retries included, with `attempt` > 1). */
  calls(): FakeCall[] {
    return this.log.all();
  }

  /** The calls other than Describe*, Get* and List*. */
  mutatingCalls(): FakeCall[] {
    return this.calls().filter((call) => call.mutating);
  }

  /** Forgets the call log and the stubs' recorded calls. */
  resetCalls(): void {
    this.log.clear();
    for (const stub of this.installed.values()) stub.resetHistory();
  }

  /**
   * Options for `createAwsClients`: this fake's region and the SDK's real retry path with 1 ms
   * back-off, so fault tests stay fast.
   */
  clientOptions(): AwsClientOptions {
    return { region: this.region, maxAttempts: MAX_ATTEMPTS, retryStrategy: () => fastRetry(MAX_ATTEMPTS) };
  }

  /**
   * Clients talking to this fake. Given the tool's own options (as the CLI builds them), keeps them
   * but swaps in the 1 ms back-off retry strategy unless one is set, and drops `profile`: the SDK
   * resolves credentials before the fake answers, and the test environment's fake keys are the
   * ones to use (a named profile would send it looking through ~/.aws).
   */
  clients(options?: AwsClientOptions): AwsClients {
    const { profile: _ignored, ...base } = options ?? this.clientOptions();
    return createAwsClients({
      ...base,
      retryStrategy: base.retryStrategy ?? (() => fastRetry(base.maxAttempts)),
    });
  }

  /** Every live resource, across services, still tagged `gitlab-ha:deployment=<deployment>`. */
  taggedResources(deployment: string): TaggedResource[] {
    return [...this.services.values()]
      .flatMap((service) => service.listTagged())
      .filter((resource) => resource.tags[DEPLOYMENT_TAG] === deployment);
  }

  private async dispatch({ service, command, input, attempt }: DispatchRequest): Promise<object> {
    const call = this.log.record({ service, command, input: structuredClone({ ...input }), attempt });
    try {
      const fake = this.services.get(service);
      if (!fake) throw new FakeNotImplementedError(service, command);
      const injected = this.faults.errorBefore({ service, command }, fake.faultCodes);
      if (injected) throw fake.error(injected);
      fake.precheck?.(command, input);
      const handler = fake.handlers[command];
      if (!handler) throw new FakeNotImplementedError(service, command);
      // The SDK command carried the input type this command's handler declares.
      const output = sdkOutput((handler as (input: object) => object)(input));
      const crash = this.faults.crashAfterSuccess({ service, command });
      if (crash) {
        crash.onCrash?.();
        throw new FakeCrashError(service, command);
      }
      return output;
    } catch (error) {
      call.error = error instanceof Error ? error.name : String(error);
      throw error;
    }
  }
}

function fastRetry(maxAttempts: number): ConfiguredRetryStrategy {
  return new ConfiguredRetryStrategy(maxAttempts, () => 1);
}
