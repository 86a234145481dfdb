/**
 * Step `auto-scaling` (guide: "Auto Scaling Group" and "Policies"): the GitLab nodes. A launch
 * template (the image step's AMI, IMDSv2, encrypted root volume, the node instance profile, the
 * rendered node cloud-init), an Auto Scaling group over the private subnets behind the classic load
 * balancer (ELB health checks), +1 / -1 simple scaling policies on CloudWatch CPU alarms, rolling
 * instance refreshes when the image or the settings change, and a bounded wait until `min` nodes
 * serve. apply ends with the URL and the load balancer name to point its DNS at.
 */
import type { Step } from '../../engine/step.js';
import { destroyAutoScaling } from './destroy.js';
import { ensureAutoScaling } from './ensure.js';
import { inspectAutoScaling } from './inspect.js';
import { planAutoScaling } from './plan.js';

export type { AutoScalingOutputs } from './ensure.js';

export const autoScalingStep: Step = {
  id: 'auto-scaling',
  title: 'GitLab nodes (launch template, Auto Scaling group, CPU scaling policies)',
  dependsOn: ['network', 'security', 'identity', 'storage', 'image', 'load-balancer'],
  plan: planAutoScaling,
  ensure: ensureAutoScaling,
  inspect: inspectAutoScaling,
  destroy: destroyAutoScaling,
};
