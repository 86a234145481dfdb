/**
 * Where things live on the nodes. The storage node's data volume holds the NFS export (GitLab's shared
 * data) and Gitaly's repositories; Rails nodes mount the export and point gitlab.rb at its subdirectories.
 */

/** Mount point of the storage node's EBS data volume. */
export const STORAGE_DATA_MOUNT = '/var/opt/gitlab-ha/data';
/** Exported over NFS v4.1 to the private subnets. */
export const NFS_EXPORT_PATH = `${STORAGE_DATA_MOUNT}/shared`;
/** Gitaly's `default` storage (Git data may not live on NFS since GitLab 15.6). */
export const GITALY_STORAGE_PATH = `${STORAGE_DATA_MOUNT}/repositories`;
export const GITALY_PORT = 8075;

/**
 * The export's subdirectories and the gitlab.rb settings that use them on Rails nodes, with the modes
 * omnibus gives them.
 */
export const NFS_SHARED_DIRS = [
  { name: 'uploads', mode: '0700', gitlabRb: "gitlab_rails['uploads_directory']" },
  { name: 'shared', mode: '0751', gitlabRb: "gitlab_rails['shared_path']" },
  { name: 'builds', mode: '0700', gitlabRb: "gitlab_ci['builds_directory']" },
] as const;

/** Root-only directory the boot script fetches secrets into; gitlab.rb reads them from there. */
export const NODE_SECRETS_DIR = '/etc/gitlab-ha/secrets';

export function nodeSecretPath(key: string): string {
  return `${NODE_SECRETS_DIR}/${key}`;
}
