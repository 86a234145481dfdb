/**
 * Step `image` (guide: "Initiate AMI"): a builder instance installs GitLab (edition and version from
 * the config, from GitLab's package repository), fetches the deployment's secrets from SSM at boot,
 * writes gitlab.rb for RDS, ElastiCache and the storage node, ensures the PostgreSQL extensions, runs
 * `gitlab-ctl reconfigure` once (migrations, gitlab-secrets.json), checks /-/readiness and signals
 * through the bootstrap protocol (src/gitlab/rails-node.ts renders its cloud-config). It is then
 * stopped and imaged; the image (AMI) is what the auto-scaling step launches. See ensure.ts for the
 * life cycle and recipe.ts for what makes a new image.
 */
import type { Step } from '../../engine/step.js';
import { destroyImage } from './destroy.js';
import { ensureImage } from './ensure.js';
import { inspectImage } from './inspect.js';
import { planImage } from './plan.js';

export type { ImageOutputs } from './ensure.js';

export const imageStep: Step = {
  id: 'image',
  title: 'GitLab image (AMI)',
  dependsOn: ['network', 'security', 'identity', 'database', 'redis', 'storage'],
  plan: planImage,
  ensure: ensureImage,
  inspect: inspectImage,
  destroy: destroyImage,
};
