import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateLoadBalancerCommand,
  DescribeLoadBalancerPoliciesCommand,
} from '@aws-sdk/client-elastic-load-balancing';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { deploymentTags } from '../../src/aws/tags.js';
import type { Config, ConfigInput } from '../../src/config/schema.js';
import { loadBalancerStep } from '../../src/steps/load-balancer/index.js';
import {
  baseConfig,
  expectCrash,
  inputsOf,
  mutatingCommands,
  openTestState,
  stepRun,
  useFakeAws,
  useStatePaths,
} from '../support/step-harness.js';

// A fresh fake AWS per test: every test starts from an empty account.
const fake = useFakeAws();
const newStatePath = useStatePaths();

const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const POLICY = 'gitlab-ha-ELBSecurityPolicy-TLS-1-2-2017-01';
const HTTP = { Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 80 };
const HTTPS = {
  Protocol: 'HTTPS',
  LoadBalancerPort: 443,
  InstanceProtocol: 'HTTP',
  InstancePort: 80,
  SSLCertificateId: CERT,
};
const SSH = { Protocol: 'TCP', LoadBalancerPort: 22, InstanceProtocol: 'TCP', InstancePort: 22 };
const HEALTH_CHECK = {
  Target: 'HTTP:80/-/readiness',
  Interval: 10,
  Timeout: 5,
  HealthyThreshold: 2,
  UnhealthyThreshold: 3,
};
const ATTRIBUTES = {
  CrossZoneLoadBalancing: { Enabled: true },
  ConnectionDraining: { Enabled: true, Timeout: 300 },
  ConnectionSettings: { IdleTimeout: 300 },
};
/** Every mutating call a first apply with a certificate makes, in order. */
const CREATES = [
  'CreateLoadBalancer',
  'CreateLoadBalancerPolicy',
  'SetLoadBalancerPoliciesOfListener',
  'ConfigureHealthCheck',
  'ModifyLoadBalancerAttributes',
];

function config(overrides: { loadBalancer?: ConfigInput['loadBalancer']; gitSsh?: boolean } = {}): Config {
  return baseConfig({
    gitlab: { externalUrl: 'http://gitlab.example.com', gitSsh: overrides.gitSsh ?? true },
    loadBalancer: overrides.loadBalancer ?? {},
  });
}

const withCertificate = (): Config => config({ loadBalancer: { certificateArn: CERT } });

interface Deployment {
  aws: AwsClients;
  cfg: Config;
  statePath: string;
  vpcId: string;
  publicSubnetIds: string[];
  lbGroupId: string;
}

/** A VPC with a public subnet per zone and the lb security group, in the fake. */
async function deployment(cfg: Config = config()): Promise<Deployment> {
  const aws = fake().clients();
  const vpcId = (await aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  const publicSubnetIds: string[] = [];
  for (const [i, az] of cfg.network.availabilityZones.entries()) {
    const { Subnet } = await aws.ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: cfg.network.publicSubnetCidrs[i],
        AvailabilityZone: az,
      }),
    );
    publicSubnetIds.push(Subnet!.SubnetId!);
  }
  const { GroupId } = await aws.ec2.send(
    new CreateSecurityGroupCommand({ GroupName: 'demo-sg-lb', Description: 'lb', VpcId: vpcId }),
  );
  const d = { aws, cfg, statePath: '', vpcId, publicSubnetIds, lbGroupId: GroupId! };
  d.statePath = await prerequisitesDone(d);
  fake().resetCalls();
  return d;
}

/** A state file on disk in which network and security are done (a fresh one each call). */
async function prerequisitesDone(d: Omit<Deployment, 'statePath'>): Promise<string> {
  const statePath = await newStatePath();
  const store = await openTestState(statePath);
  await store.update((draft) => {
    draft.steps.network = {
      status: 'done',
      resources: {},
      outputs: {
        vpcId: d.vpcId,
        vpcCidr: '10.0.0.0/16',
        availabilityZones: d.cfg.network.availabilityZones,
        publicSubnetIds: d.publicSubnetIds,
        privateSubnetIds: [],
      },
    };
    draft.steps.security = {
      status: 'done',
      resources: {},
      outputs: { securityGroupIds: { lb: d.lbGroupId, app: 'sg-0aaaaaaaaaaaaaaaa' } },
    };
  });
  return statePath;
}

/** Fresh contexts over the state file on disk, as a new run of the tool would build them. */
function run(d: Deployment, cfg: Config = d.cfg) {
  return stepRun({ step: 'load-balancer', aws: d.aws, config: cfg, statePath: d.statePath });
}

function elbInterfaces(): string[] {
  return [...fake().ec2.networkInterfaces.values()]
    .filter((e) => e.description === 'ELB demo-elb')
    .map((e) => e.subnetId);
}

/** The enabled attributes of the SSL policy on the load balancer, as AWS reports them. */
async function enabledInPolicy(d: Deployment, name: string): Promise<string[]> {
  const out = await d.aws.elb.send(
    new DescribeLoadBalancerPoliciesCommand({ LoadBalancerName: 'demo-elb', PolicyNames: [name] }),
  );
  return out
    .PolicyDescriptions![0]!.PolicyAttributeDescriptions!.filter((a) => a.AttributeValue === 'true')
    .map((a) => a.AttributeName!);
}

describe('load-balancer ensure', () => {
  it('creates an internet-facing classic ELB in the public subnets with HTTP 80 and git SSH, health check and attributes', async () => {
    // GIVEN a deployment whose network and security groups are done, without a certificate
    const d = await deployment();
    const { step, store } = await run(d);

    // WHEN the step is ensured
    const result = await loadBalancerStep.ensure(step);

    // THEN the load balancer is created with exact parameters, tagged in the call
    expect(mutatingCommands(fake())).toEqual([
      'CreateLoadBalancer',
      'ConfigureHealthCheck',
      'ModifyLoadBalancerAttributes',
    ]);
    expect(inputsOf(fake(), 'CreateLoadBalancer')).toEqual([
      {
        LoadBalancerName: 'demo-elb',
        Listeners: [HTTP, SSH],
        Subnets: d.publicSubnetIds,
        SecurityGroups: [d.lbGroupId],
        Scheme: 'internet-facing',
        Tags: deploymentTags(d.cfg, 'load-balancer', 'load-balancer'),
      },
    ]);
    // AND the health check probes GitLab's readiness endpoint with the configured thresholds
    expect(inputsOf(fake(), 'ConfigureHealthCheck')).toEqual([
      { LoadBalancerName: 'demo-elb', HealthCheck: HEALTH_CHECK },
    ]);
    // AND cross-zone load balancing, 300 s connection draining and a 300 s idle timeout are set
    expect(inputsOf(fake(), 'ModifyLoadBalancerAttributes')).toEqual([
      { LoadBalancerName: 'demo-elb', LoadBalancerAttributes: ATTRIBUTES },
    ]);
    // AND no SSL policy is made without an HTTPS listener
    expect(inputsOf(fake(), 'CreateLoadBalancerPolicy')).toEqual([]);
    // AND in AWS it sits in both public subnets, one interface each, behind the lb group
    const lb = fake().elb.loadBalancers.get('demo-elb')!;
    expect([lb.subnets, lb.securityGroups, lb.scheme]).toEqual([
      d.publicSubnetIds,
      [d.lbGroupId],
      'internet-facing',
    ]);
    expect(elbInterfaces()).toEqual(d.publicSubnetIds);
    // AND its outputs are its name, DNS name, hosted zone and listeners; it is recorded as the tool's
    expect(result.outputs).toEqual({
      name: 'demo-elb',
      dnsName: 'demo-elb-1234567890.eu-west-1.elb.amazonaws.com',
      canonicalHostedZoneId: 'Z32O12XQLNTSW2',
      listeners: ['HTTP:80->HTTP:80', 'TCP:22->TCP:22'],
    });
    expect(store.snapshot.steps['load-balancer']!.resources['load-balancer']).toMatchObject({
      type: 'elb:load-balancer',
      id: 'demo-elb',
      origin: 'tool',
      attributes: {
        dnsName: 'demo-elb-1234567890.eu-west-1.elb.amazonaws.com',
        canonicalHostedZoneId: 'Z32O12XQLNTSW2',
      },
    });
  });

  it('adds HTTPS 443 -> HTTP 80 with the certificate and an SSL policy that enables AES256-GCM-SHA384', async () => {
    // GIVEN a deployment with a certificate configured
    const d = await deployment(withCertificate());

    // WHEN the step is ensured
    const result = await loadBalancerStep.ensure((await run(d)).step);

    // THEN the listeners are HTTP 80, HTTPS 443 (TLS ends at the load balancer) and TCP 22
    expect(mutatingCommands(fake())).toEqual(CREATES);
    expect(inputsOf(fake(), 'CreateLoadBalancer')[0]!.Listeners).toEqual([HTTP, HTTPS, SSH]);
    // AND an SSL negotiation policy based on the TLS 1.2 predefined policy is made and put on 443
    expect(inputsOf(fake(), 'CreateLoadBalancerPolicy')).toEqual([
      {
        LoadBalancerName: 'demo-elb',
        PolicyName: POLICY,
        PolicyTypeName: 'SSLNegotiationPolicyType',
        PolicyAttributes: [
          { AttributeName: 'Reference-Security-Policy', AttributeValue: 'ELBSecurityPolicy-TLS-1-2-2017-01' },
        ],
      },
    ]);
    expect(inputsOf(fake(), 'SetLoadBalancerPoliciesOfListener')).toEqual([
      { LoadBalancerName: 'demo-elb', LoadBalancerPort: 443, PolicyNames: [POLICY] },
    ]);
    // AND the policy AWS made enables the ciphers GitLab 15+ needs behind a classic ELB, TLS 1.2 only
    const enabled = await enabledInPolicy(d, POLICY);
    expect(enabled).toEqual(
      expect.arrayContaining(['ECDHE-RSA-AES256-GCM-SHA384', 'AES256-GCM-SHA384', 'Protocol-TLSv1.2']),
    );
    expect(enabled).not.toContain('Protocol-TLSv1');
    expect(
      fake()
        .elb.loadBalancers.get('demo-elb')!
        .listeners.map((l) => [l.loadBalancerPort, l.policyNames]),
    ).toEqual([
      [80, []],
      [443, [POLICY]],
      [22, []],
    ]);
    expect(result.outputs.listeners).toEqual(['HTTP:80->HTTP:80', 'HTTPS:443->HTTP:80', 'TCP:22->TCP:22']);
  });

  it('has no TCP 22 listener when git over SSH is off', async () => {
    // GIVEN a deployment with gitlab.gitSsh off
    const d = await deployment(config({ gitSsh: false }));

    // WHEN the step is ensured
    const result = await loadBalancerStep.ensure((await run(d)).step);

    // THEN only HTTP 80 listens
    expect(inputsOf(fake(), 'CreateLoadBalancer')[0]!.Listeners).toEqual([HTTP]);
    expect(result.outputs.listeners).toEqual(['HTTP:80->HTTP:80']);
  });

  it('uses the configured health check path, interval and thresholds', async () => {
    // GIVEN a health check configured away from the defaults
    const cfg = config({
      loadBalancer: {
        healthCheck: {
          path: '/-/health',
          intervalSeconds: 30,
          timeoutSeconds: 10,
          healthyThreshold: 3,
          unhealthyThreshold: 5,
        },
      },
    });
    const d = await deployment(cfg);

    // WHEN the step is ensured
    await loadBalancerStep.ensure((await run(d)).step);

    // THEN the load balancer checks exactly that
    expect(fake().elb.loadBalancers.get('demo-elb')!.healthCheck).toEqual({
      target: 'HTTP:80/-/health',
      interval: 30,
      timeout: 10,
      healthyThreshold: 3,
      unhealthyThreshold: 5,
    });
  });

  it('makes no mutating call when run again on an unchanged deployment', async () => {
    // GIVEN a deployment with a certificate, ensured once
    const d = await deployment(withCertificate());
    const first = await loadBalancerStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN a new run ensures it again
    const { step, reporter } = await run(d);
    const second = await loadBalancerStep.ensure(step);

    // THEN nothing is changed or waited for, and the outputs are the same
    expect(fake().mutatingCalls()).toEqual([]);
    expect(reporter.withCode('wait.start')).toEqual([]);
    expect(second.outputs).toEqual(first.outputs);
  });

  it('adds the HTTPS listener and its SSL policy when a certificate is configured later', async () => {
    // GIVEN a deployment ensured without a certificate
    const d = await deployment();
    await loadBalancerStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN it is ensured with a certificate in the config
    const { step, reporter } = await run(d, withCertificate());
    const result = await loadBalancerStep.ensure(step);

    // THEN exactly the 443 listener and its policy are added
    expect(mutatingCommands(fake())).toEqual([
      'CreateLoadBalancerListeners',
      'CreateLoadBalancerPolicy',
      'SetLoadBalancerPoliciesOfListener',
    ]);
    expect(inputsOf(fake(), 'CreateLoadBalancerListeners')).toEqual([
      { LoadBalancerName: 'demo-elb', Listeners: [HTTPS] },
    ]);
    expect(
      fake()
        .elb.loadBalancers.get('demo-elb')!
        .listeners.find((l) => l.loadBalancerPort === 443)!.policyNames,
    ).toEqual([POLICY]);
    expect(result.outputs.listeners).toEqual(['HTTP:80->HTTP:80', 'HTTPS:443->HTTP:80', 'TCP:22->TCP:22']);
    // AND each correction is reported
    expect(reporter.withCode('resource.update').map((e) => e.message)).toEqual([
      'corrected: load balancer demo-elb has no listener HTTPS:443->HTTP:80',
      `corrected: load balancer demo-elb has no SSL negotiation policy ${POLICY}`,
    ]);
  });

  it('puts back what was changed by hand: health check, attributes, listeners, subnets and security group', async () => {
    // GIVEN a deployment ensured once, then changed by hand in AWS
    const d = await deployment();
    await loadBalancerStep.ensure((await run(d)).step);
    const lb = fake().elb.loadBalancers.get('demo-elb')!;
    lb.healthCheck.target = 'TCP:80';
    lb.attributes.crossZone = false;
    lb.listeners = lb.listeners.filter((l) => l.loadBalancerPort !== 22);
    lb.securityGroups = [d.lbGroupId, 'sg-0ffffffffffffffff'];
    lb.subnets = [d.publicSubnetIds[0]!];
    fake().resetCalls();

    // WHEN it is ensured again
    await loadBalancerStep.ensure((await run(d)).step);

    // THEN exactly what differs is put back, with only the differing attribute
    expect(mutatingCommands(fake())).toEqual([
      'AttachLoadBalancerToSubnets',
      'ApplySecurityGroupsToLoadBalancer',
      'CreateLoadBalancerListeners',
      'ConfigureHealthCheck',
      'ModifyLoadBalancerAttributes',
    ]);
    expect(inputsOf(fake(), 'AttachLoadBalancerToSubnets')).toEqual([
      { LoadBalancerName: 'demo-elb', Subnets: [d.publicSubnetIds[1]] },
    ]);
    expect(inputsOf(fake(), 'ApplySecurityGroupsToLoadBalancer')).toEqual([
      { LoadBalancerName: 'demo-elb', SecurityGroups: [d.lbGroupId] },
    ]);
    expect(inputsOf(fake(), 'CreateLoadBalancerListeners')).toEqual([
      { LoadBalancerName: 'demo-elb', Listeners: [SSH] },
    ]);
    expect(inputsOf(fake(), 'ModifyLoadBalancerAttributes')).toEqual([
      { LoadBalancerName: 'demo-elb', LoadBalancerAttributes: { CrossZoneLoadBalancing: { Enabled: true } } },
    ]);
    // AND a further run changes nothing
    fake().resetCalls();
    await loadBalancerStep.ensure((await run(d)).step);
    expect(fake().mutatingCalls()).toEqual([]);
  });

  it('adopts its load balancer by name and tags after the state was lost', async () => {
    // GIVEN a deployment ensured once, then a new state file that knows nothing of it
    const d = await deployment();
    const first = await loadBalancerStep.ensure((await run(d)).step);
    const lost = { ...d, statePath: await prerequisitesDone(d) };
    fake().resetCalls();

    // WHEN the step is ensured with the new state
    const { step, store, reporter } = await run(lost);
    const second = await loadBalancerStep.ensure(step);

    // THEN it is found and recorded as the tool's; nothing is created or changed
    expect(fake().mutatingCalls()).toEqual([]);
    expect(second.outputs).toEqual(first.outputs);
    expect(reporter.withCode('resource.adopt').map((e) => e.message)).toEqual([
      'found classic load balancer demo-elb by its tags',
    ]);
    expect(store.snapshot.steps['load-balancer']!.resources['load-balancer']).toMatchObject({
      id: 'demo-elb',
      origin: 'tool',
    });
  });

  it('adopts a load balancer a user tagged for it, configures it, and destroy keeps it', async () => {
    // GIVEN a load balancer made by hand under another name, tagged for the role (no created-by tag)
    const d = await deployment();
    const userTags = deploymentTags(d.cfg, 'load-balancer', 'load-balancer').filter(
      (t) => t.Key !== 'gitlab-ha:created-by',
    );
    await d.aws.elb.send(
      new CreateLoadBalancerCommand({
        LoadBalancerName: 'handmade-lb',
        Listeners: [HTTP],
        Subnets: d.publicSubnetIds,
        SecurityGroups: [d.lbGroupId],
        Tags: userTags,
      }),
    );
    fake().resetCalls();

    // WHEN the step is ensured
    const { step, store } = await run(d);
    const result = await loadBalancerStep.ensure(step);

    // THEN no load balancer is created; the user's is adopted and brought to the config
    expect(mutatingCommands(fake())).toEqual([
      'CreateLoadBalancerListeners',
      'ConfigureHealthCheck',
      'ModifyLoadBalancerAttributes',
    ]);
    expect(result.outputs).toMatchObject({
      name: 'handmade-lb',
      dnsName: 'handmade-lb-1234567890.eu-west-1.elb.amazonaws.com',
    });
    expect(store.snapshot.steps['load-balancer']!.resources['load-balancer']).toMatchObject({
      id: 'handmade-lb',
      origin: 'adopted',
    });

    // WHEN the deployment is destroyed without --force
    fake().resetCalls();
    const destroyRun = await run(d);
    await loadBalancerStep.destroy(destroyRun.destroy());

    // THEN it is kept, forgotten, and nothing is waited for
    expect(fake().mutatingCalls()).toEqual([]);
    expect(destroyRun.reporter.withCode('resource.keep').map((e) => e.data?.id)).toEqual(['handmade-lb']);
    expect(destroyRun.reporter.withCode('wait.start')).toEqual([]);
    expect(fake().elb.loadBalancers.has('handmade-lb')).toBe(true);
  });

  it('refuses a name held by a load balancer without its tags, saying how to adopt it', async () => {
    // GIVEN a load balancer named demo-elb made by someone else
    const d = await deployment();
    await d.aws.elb.send(
      new CreateLoadBalancerCommand({
        LoadBalancerName: 'demo-elb',
        Listeners: [HTTP],
        Subnets: d.publicSubnetIds,
      }),
    );
    fake().resetCalls();

    // WHEN the step is ensured
    const outcome = loadBalancerStep.ensure((await run(d)).step);

    // THEN it fails naming the load balancer and the tags that would adopt it; nothing is changed
    await expect(outcome).rejects.toMatchObject({
      code: 'NAME_TAKEN',
      resourceId: 'demo-elb',
      awsCode: 'DuplicateLoadBalancerName',
      message:
        "A classic load balancer named demo-elb already exists but does not carry this deployment's tags for load-balancer",
      hint: 'Delete demo-elb, or tag it gitlab-ha:deployment=demo and gitlab-ha:resource=load-balancer/load-balancer to adopt it, and run again.',
    });
    expect(mutatingCommands(fake())).toEqual(['CreateLoadBalancer']);
    expect(fake().elb.loadBalancers.get('demo-elb')!.tags).toEqual({});
  });

  it('re-creates a load balancer deleted behind its back', async () => {
    // GIVEN a deployment ensured once whose load balancer was then deleted
    const d = await deployment();
    await loadBalancerStep.ensure((await run(d)).step);
    fake().elb.loadBalancers.delete('demo-elb');
    fake().resetCalls();

    // WHEN the step is ensured again
    const { step, reporter } = await run(d);
    await loadBalancerStep.ensure(step);

    // THEN the drift is reported and the load balancer is made and configured again
    expect(reporter.withCode('resource.drift').map((e) => e.message)).toEqual([
      'classic load balancer demo-elb is gone; it will be found by tags or created again',
    ]);
    expect(mutatingCommands(fake())).toEqual([
      'CreateLoadBalancer',
      'ConfigureHealthCheck',
      'ModifyLoadBalancerAttributes',
    ]);
  });

  it('fails clearly when the SSL policy AWS made lacks the AES256-GCM ciphers GitLab needs', async () => {
    // GIVEN a predefined TLS 1.2 policy that (hypothetically) no longer enables AES256-GCM-SHA384
    const d = await deployment(withCertificate());
    const reference = fake().elb.predefinedPolicies.get('ELBSecurityPolicy-TLS-1-2-2017-01')!;
    reference.attributes.find((a) => a.name === 'AES256-GCM-SHA384')!.value = 'false';

    // WHEN the step is ensured
    const outcome = loadBalancerStep.ensure((await run(d)).step);

    // THEN it stops before putting the policy on the listener, naming the missing cipher
    await expect(outcome).rejects.toMatchObject({
      code: 'SSL_POLICY_WITHOUT_CIPHER',
      resourceId: 'demo-elb',
      message: `The SSL negotiation policy ${POLICY} of load balancer demo-elb does not enable AES256-GCM-SHA384; GitLab 15+ answers 408 through a classic load balancer without them`,
    });
    expect(inputsOf(fake(), 'SetLoadBalancerPoliciesOfListener')).toEqual([]);
  });
});

describe('load-balancer crash and resume', () => {
  it.each(CREATES)('resumes after a crash right after %s without duplicates', async (command) => {
    // GIVEN a run with a certificate that dies right after this call took effect in AWS
    const d = await deployment(withCertificate());
    fake().faults.crashAfter({ command });
    await expectCrash(loadBalancerStep.ensure((await run(d)).step));

    // WHEN a fresh run resumes from the state on disk
    fake().faults.clear();
    const result = await loadBalancerStep.ensure((await run(d)).step);

    // THEN there is one load balancer with one SSL policy of ours, configured, and the outputs are complete
    expect([...fake().elb.loadBalancers.keys()]).toEqual(['demo-elb']);
    const lb = fake().elb.loadBalancers.get('demo-elb')!;
    expect(lb.policies.filter((p) => p.name === POLICY)).toHaveLength(1);
    expect(lb.listeners.find((l) => l.loadBalancerPort === 443)!.policyNames).toEqual([POLICY]);
    expect(lb.attributes.crossZone).toBe(true);
    expect(lb.healthCheck.target).toBe('HTTP:80/-/readiness');
    expect(inputsOf(fake(), 'CreateLoadBalancer')).toHaveLength(1);
    expect(inputsOf(fake(), 'CreateLoadBalancerPolicy')).toHaveLength(1);
    expect(elbInterfaces()).toEqual(d.publicSubnetIds);
    expect(result.outputs.dnsName).toBe('demo-elb-1234567890.eu-west-1.elb.amazonaws.com');
    // AND a further run changes nothing
    fake().resetCalls();
    await loadBalancerStep.ensure((await run(d)).step);
    expect(fake().mutatingCalls()).toEqual([]);
  });
});

describe('load-balancer inspect', () => {
  it('shows the DNS name, listeners, health check, attributes and the health of registered instances', async () => {
    // GIVEN a deployment with a certificate, ensured, with two instances registered (one still starting)
    const d = await deployment(withCertificate());
    await loadBalancerStep.ensure((await run(d)).step);
    fake().elb.instanceState = (id) => (id === 'i-0aaaaaaaaaaaaaaaa' ? 'running' : 'pending');
    fake().latency.elbInService = 0;
    fake().elb.registerInstances('demo-elb', ['i-0aaaaaaaaaaaaaaaa', 'i-0bbbbbbbbbbbbbbbb']);

    // WHEN it is inspected
    const status = await loadBalancerStep.inspect((await run(d)).step);

    // THEN it is healthy, with what AWS has
    expect(status).toEqual({
      step: 'load-balancer',
      health: 'healthy',
      resources: [
        { role: 'load-balancer', type: 'elb:load-balancer', id: 'demo-elb', state: 'active', healthy: true },
      ],
      outputs: {
        name: 'demo-elb',
        dnsName: 'demo-elb-1234567890.eu-west-1.elb.amazonaws.com',
        canonicalHostedZoneId: 'Z32O12XQLNTSW2',
        scheme: 'internet-facing',
        listeners: ['HTTP:80->HTTP:80', `HTTPS:443->HTTP:80 (${POLICY})`, 'TCP:22->TCP:22'],
        healthCheck: 'HTTP:80/-/readiness every 10 s (timeout 5 s), healthy after 2, unhealthy after 3',
        crossZone: true,
        connectionDraining: '300 s',
        idleTimeout: '300 s',
        instancesInService: '1/2',
        instances: [
          'i-0aaaaaaaaaaaaaaaa: InService',
          'i-0bbbbbbbbbbbbbbbb: OutOfService: Instance is in pending state.',
        ],
      },
      drift: [],
    });
  });

  it('reports what differs from the config, and a load balancer that is gone', async () => {
    // GIVEN a deployment ensured, then changed by hand
    const d = await deployment();
    await loadBalancerStep.ensure((await run(d)).step);
    const lb = fake().elb.loadBalancers.get('demo-elb')!;
    lb.attributes.connectionDraining = { enabled: false, timeout: 300 };
    lb.listeners = lb.listeners.filter((l) => l.loadBalancerPort !== 22);

    // WHEN it is inspected
    const status = await loadBalancerStep.inspect((await run(d)).step);

    // THEN it is degraded, saying exactly what differs
    expect(status.health).toBe('degraded');
    expect(status.drift).toEqual([
      'load balancer demo-elb has no listener TCP:22->TCP:22',
      'load balancer demo-elb: connection draining is off',
    ]);

    // WHEN the load balancer is deleted and it is inspected again
    fake().elb.loadBalancers.delete('demo-elb');
    const gone = await loadBalancerStep.inspect((await run(d)).step);

    // THEN it is missing
    expect(gone).toMatchObject({ health: 'missing', drift: ['load balancer demo-elb no longer exists'] });
  });
});

describe('load-balancer destroy', () => {
  it('deletes the load balancer and waits until its lingering network interfaces are released', async () => {
    // GIVEN a deployment ensured, whose interfaces AWS keeps for a few polls after the delete
    const d = await deployment();
    await loadBalancerStep.ensure((await run(d)).step);
    fake().latency.elbEniRelease = 3;
    fake().resetCalls();

    // WHEN it is destroyed
    const { destroy, store, reporter } = await run(d);
    await loadBalancerStep.destroy(destroy());

    // THEN the load balancer is deleted and forgotten, and destroy returned only once the interfaces were gone
    expect(mutatingCommands(fake())).toEqual(['DeleteLoadBalancer']);
    expect(fake().elb.loadBalancers.size).toBe(0);
    expect(elbInterfaces()).toEqual([]);
    expect(store.snapshot.steps['load-balancer']?.resources ?? {}).toEqual({});
    expect(reporter.withCode('wait.start').map((e) => e.message)).toEqual([
      'waiting for the network interfaces of load balancer demo-elb to be released',
    ]);
    expect(
      inputsOf(fake(), 'DescribeNetworkInterfaces').every(
        (i) =>
          JSON.stringify(i.Filters) === JSON.stringify([{ Name: 'description', Values: ['ELB demo-elb'] }]),
      ),
    ).toBe(true);
    expect(inputsOf(fake(), 'DescribeNetworkInterfaces').length).toBeGreaterThanOrEqual(3);
    // AND the subnets and the lb security group can go now
    for (const subnetId of d.publicSubnetIds)
      await d.aws.ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId }));
    await d.aws.ec2.send(new DeleteSecurityGroupCommand({ GroupId: d.lbGroupId }));
  });

  it('succeeds when there is nothing to delete, and resumes the wait after a crash right after the delete', async () => {
    // GIVEN a deployment ensured, and a destroy that died right after DeleteLoadBalancer
    const d = await deployment();
    await loadBalancerStep.ensure((await run(d)).step);
    fake().latency.elbEniRelease = 2;
    fake().faults.crashAfter({ command: 'DeleteLoadBalancer' });
    await expectCrash(loadBalancerStep.destroy((await run(d)).destroy()));
    fake().faults.clear();
    fake().resetCalls();

    // WHEN destroy runs again
    const { destroy, store } = await run(d);
    await loadBalancerStep.destroy(destroy());

    // THEN nothing is deleted again, the interfaces are waited for, and the state is clean
    expect(fake().mutatingCalls()).toEqual([]);
    expect(elbInterfaces()).toEqual([]);
    expect(store.snapshot.steps['load-balancer']?.resources ?? {}).toEqual({});

    // WHEN destroy runs once more
    fake().resetCalls();
    await loadBalancerStep.destroy((await run(d)).destroy());

    // THEN it only looks
    expect(fake().mutatingCalls()).toEqual([]);
  });
});

describe('load-balancer plan', () => {
  it('plans a create offline, with listeners, health check target, cross-zone and draining', async () => {
    // GIVEN a deployment with a certificate
    const d = await deployment(withCertificate());

    // WHEN planned offline
    const plan = await loadBalancerStep.plan((await run(d)).offlinePlan);

    // THEN the load balancer is a create with its key parameters, and AWS was not asked
    expect(plan).toEqual({
      step: 'load-balancer',
      action: 'create',
      live: false,
      resources: [
        {
          role: 'load-balancer',
          type: 'elb:load-balancer',
          action: 'create',
          details: {
            name: 'demo-elb',
            scheme: 'internet-facing',
            subnets: 'public subnets in eu-west-1a, eu-west-1b',
            securityGroup: 'lb',
            listeners: 'HTTP:80->HTTP:80, HTTPS:443->HTTP:80, TCP:22->TCP:22',
            certificate: CERT,
            sslPolicy:
              'ELBSecurityPolicy-TLS-1-2-2017-01 (ECDHE-RSA-AES256-GCM-SHA384, AES256-GCM-SHA384 enabled)',
            healthCheck: 'HTTP:80/-/readiness every 10 s (timeout 5 s), healthy after 2, unhealthy after 3',
            crossZone: true,
            connectionDraining: '300 s',
            idleTimeout: '300 s',
          },
        },
      ],
    });
    expect(fake().calls()).toEqual([]);
  });

  it('plans live: a noop when in step, an update per difference otherwise, without changing anything', async () => {
    // GIVEN a deployment ensured once
    const d = await deployment();
    await loadBalancerStep.ensure((await run(d)).step);
    fake().resetCalls();

    // WHEN planned live
    const unchanged = await loadBalancerStep.plan((await run(d)).plan);

    // THEN it is a noop
    expect(unchanged.action).toBe('noop');
    expect(unchanged.resources.map((r) => [r.role, r.action, r.id])).toEqual([
      ['load-balancer', 'noop', 'demo-elb'],
    ]);

    // WHEN a certificate is added to the config and it is planned again
    const withCert = await loadBalancerStep.plan((await run(d, withCertificate())).plan);

    // THEN the listener and the SSL policy are updates, and nothing was changed in AWS
    expect(withCert.action).toBe('update');
    expect(withCert.resources.map((r) => [r.role, r.action, r.reason])).toEqual([
      ['load-balancer', 'noop', 'recorded in state and present'],
      ['load-balancer/listeners', 'update', 'load balancer demo-elb has no listener HTTPS:443->HTTP:80'],
      [
        'load-balancer/ssl-policy',
        'update',
        `load balancer demo-elb has no SSL negotiation policy ${POLICY}`,
      ],
    ]);
    expect(fake().mutatingCalls()).toEqual([]);
  });
});
