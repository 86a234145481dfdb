/**
 * GitLab Rails nodes (the image builder and the Auto Scaling nodes made from its image): the rendering
 * contract the image and auto-scaling steps use. The pieces live in small sibling modules:
 * rails-node-input.ts (config + step outputs -> RailsNodeInput), rails-gitlab-rb.ts (gitlab.rb),
 * rails-cloud-init.ts (user data), nfs-client.ts (the NFS mount).
 */
export {
  BUILDER_SECRET_KEYS,
  RAILS_NODE_PLACEHOLDERS,
  RAILS_SECRET_KEYS,
  railsNodeInput,
} from './rails-node-input.js';
export type { RailsNodeInput } from './rails-node-input.js';
export { renderRailsGitlabRb } from './rails-gitlab-rb.js';
export type { RailsRole } from './rails-gitlab-rb.js';
export {
  BUILDER_BOOTSTRAP_PATH,
  NODE_BOOTSTRAP_PATH,
  NODE_LOG_PATH,
  renderBuilderCloudInit,
  renderNodeCloudInit,
} from './rails-cloud-init.js';
