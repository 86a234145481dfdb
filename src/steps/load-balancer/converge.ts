/**
 * Reads a load balancer's live settings and makes the changes drift.ts finds, each only when it is
 * needed, so a second apply makes no mutating call.
 */
import {
  ApplySecurityGroupsToLoadBalancerCommand,
  AttachLoadBalancerToSubnetsCommand,
  ConfigureHealthCheckCommand,
  CreateLoadBalancerListenersCommand,
  CreateLoadBalancerPolicyCommand,
  DeleteLoadBalancerListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancerPoliciesCommand,
  DetachLoadBalancerFromSubnetsCommand,
  ModifyLoadBalancerAttributesCommand,
  SetLoadBalancerListenerSSLCertificateCommand,
  SetLoadBalancerPoliciesOfListenerCommand,
} from '@aws-sdk/client-elastic-load-balancing';
import type { LoadBalancerDescription, PolicyDescription } from '@aws-sdk/client-elastic-load-balancing';
import { awsCall } from '../../aws/errors.js';
import { ProvisioningError } from '../../engine/errors.js';
import type { StepContext } from '../../engine/step.js';
import type { Change, LiveSettings } from './drift.js';
import { missingCiphers } from './drift.js';
import type { LoadBalancerLayout } from './layout.js';
import { HTTPS_PORT, ROLES, SSL_NEGOTIATION_POLICY_TYPE, TYPES, toSdkListener } from './layout.js';

type ReadCtx = Pick<StepContext, 'aws'>;

async function readPolicy(
  ctx: ReadCtx,
  lbName: string,
  policyName: string,
): Promise<PolicyDescription | undefined> {
  const out = await awsCall(
    'describing the SSL negotiation policy of classic load balancer',
    () =>
      ctx.aws.elb.send(
        new DescribeLoadBalancerPoliciesCommand({ LoadBalancerName: lbName, PolicyNames: [policyName] }),
      ),
    lbName,
  );
  return out.PolicyDescriptions?.[0];
}

/** The attributes, and this tool's SSL policy when the load balancer lists it. */
export async function readSettings(
  ctx: ReadCtx,
  layout: LoadBalancerLayout,
  lb: LoadBalancerDescription,
): Promise<LiveSettings> {
  const name = lb.LoadBalancerName!;
  const attributes = await awsCall(
    'describing the attributes of classic load balancer',
    () => ctx.aws.elb.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerName: name })),
    name,
  );
  const policyName = layout.sslPolicy?.name;
  const listed = policyName !== undefined && (lb.Policies?.OtherPolicies ?? []).includes(policyName);
  return {
    lb,
    attributes: attributes.LoadBalancerAttributes ?? {},
    sslPolicy: listed ? await readPolicy(ctx, name, policyName) : undefined,
  };
}

/** The error for a policy AWS made without the ciphers GitLab needs. */
function cipherError(lbName: string, policyName: string, missing: string[]): ProvisioningError {
  return new ProvisioningError(
    `The SSL negotiation policy ${policyName} of load balancer ${lbName} does not enable ${missing.join(' and ')}; GitLab 15+ answers 408 through a classic load balancer without them`,
    {
      code: 'SSL_POLICY_WITHOUT_CIPHER',
      resourceId: lbName,
      hint: `Check the policy with \`aws elb describe-load-balancer-policies --load-balancer-name ${lbName} --policy-names ${policyName}\`; delete it from the load balancer and run again, or report this as a bug.`,
    },
  );
}

async function ensureSslPolicy(
  ctx: StepContext,
  layout: LoadBalancerLayout,
  lbName: string,
  create: boolean,
): Promise<void> {
  const policy = layout.sslPolicy!;
  if (create) {
    await awsCall(
      `creating SSL negotiation policy ${policy.name} (based on ${policy.reference}) on classic load balancer`,
      () =>
        ctx.aws.elb.send(
          new CreateLoadBalancerPolicyCommand({
            LoadBalancerName: lbName,
            PolicyName: policy.name,
            PolicyTypeName: SSL_NEGOTIATION_POLICY_TYPE,
            PolicyAttributes: [
              { AttributeName: 'Reference-Security-Policy', AttributeValue: policy.reference },
            ],
          }),
        ),
      lbName,
    );
  }
  // What AWS made of the reference is what counts: GitLab needs these ciphers enabled.
  const made = await readPolicy(ctx, lbName, policy.name);
  const missing = made ? missingCiphers(made, policy.requiredCiphers) : [...policy.requiredCiphers];
  if (missing.length > 0) throw cipherError(lbName, policy.name, missing);
  await awsCall(
    `setting SSL negotiation policy ${policy.name} on port ${HTTPS_PORT} of classic load balancer`,
    () =>
      ctx.aws.elb.send(
        new SetLoadBalancerPoliciesOfListenerCommand({
          LoadBalancerName: lbName,
          LoadBalancerPort: HTTPS_PORT,
          PolicyNames: [policy.name],
        }),
      ),
    lbName,
  );
}

async function apply(
  ctx: StepContext,
  layout: LoadBalancerLayout,
  lbName: string,
  change: Change,
): Promise<void> {
  const elb = ctx.aws.elb;
  const what = (action: string) => `${action} classic load balancer`;
  switch (change.kind) {
    case 'subnets': {
      const attach = async () => {
        if (change.attach.length === 0) return;
        await awsCall(
          what('attaching subnets to'),
          () =>
            elb.send(
              new AttachLoadBalancerToSubnetsCommand({ LoadBalancerName: lbName, Subnets: change.attach }),
            ),
          lbName,
        );
      };
      const detach = async () => {
        if (change.detach.length === 0) return;
        await awsCall(
          what('detaching subnets from'),
          () =>
            elb.send(
              new DetachLoadBalancerFromSubnetsCommand({ LoadBalancerName: lbName, Subnets: change.detach }),
            ),
          lbName,
        );
      };
      // One subnet per zone: a subnet replacing another in its zone goes in after the old one is out.
      // But a load balancer must keep a subnet, so when none would be left, the new ones go in first.
      if (change.kept.length > 0) {
        await detach();
        await attach();
      } else {
        await attach();
        await detach();
      }
      return;
    }
    case 'security-groups':
      await awsCall(
        what('setting the security groups of'),
        () =>
          elb.send(
            new ApplySecurityGroupsToLoadBalancerCommand({
              LoadBalancerName: lbName,
              SecurityGroups: change.groups,
            }),
          ),
        lbName,
      );
      return;
    case 'listeners':
      if (change.remove.length > 0) {
        await awsCall(
          what('deleting listeners of'),
          () =>
            elb.send(
              new DeleteLoadBalancerListenersCommand({
                LoadBalancerName: lbName,
                LoadBalancerPorts: change.remove,
              }),
            ),
          lbName,
        );
      }
      if (change.add.length > 0) {
        await awsCall(
          what('creating listeners on'),
          () =>
            elb.send(
              new CreateLoadBalancerListenersCommand({
                LoadBalancerName: lbName,
                Listeners: change.add.map(toSdkListener),
              }),
            ),
          lbName,
        );
      }
      return;
    case 'certificate':
      await awsCall(
        what(`setting the certificate on port ${change.port} of`),
        () =>
          elb.send(
            new SetLoadBalancerListenerSSLCertificateCommand({
              LoadBalancerName: lbName,
              LoadBalancerPort: change.port,
              SSLCertificateId: change.certificateArn,
            }),
          ),
        lbName,
      );
      return;
    case 'ssl-policy':
      await ensureSslPolicy(ctx, layout, lbName, change.create);
      return;
    case 'health-check':
      await awsCall(
        what('configuring the health check of'),
        () =>
          elb.send(
            new ConfigureHealthCheckCommand({ LoadBalancerName: lbName, HealthCheck: layout.healthCheck }),
          ),
        lbName,
      );
      return;
    case 'attributes':
      await awsCall(
        what('setting the attributes of'),
        () =>
          elb.send(
            new ModifyLoadBalancerAttributesCommand({
              LoadBalancerName: lbName,
              LoadBalancerAttributes: change.attributes,
            }),
          ),
        lbName,
      );
      return;
  }
}

/** Makes each change in turn, reporting it; a new load balancer's first settings are reported quietly. */
export async function applyChanges(
  ctx: StepContext,
  layout: LoadBalancerLayout,
  lbName: string,
  changes: readonly Change[],
  isNew: boolean,
): Promise<void> {
  for (const change of changes) {
    await apply(ctx, layout, lbName, change);
    const data = { type: TYPES.loadBalancer, role: ROLES.loadBalancer, id: lbName, change: change.kind };
    if (isNew)
      ctx.events.debug('resource.update', `configured ${change.kind} of load balancer ${lbName}`, data);
    else ctx.events.info('resource.update', `corrected: ${change.description}`, data);
  }
}
