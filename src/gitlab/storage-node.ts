/**
 * The storage node's first boot, rendered as a `#cloud-config` document. The node serves GitLab's
 * shared data (uploads, shared, CI builds) over NFS v4.1 to the private subnets, and Git repositories
 * through Gitaly (NFS for Git data is unsupported since GitLab 15.6), both from its encrypted EBS data
 * volume. Its script:
 *   waits for the data volume (attached by gitlab-ha after the instance runs) by its EBS serial,
 *   creates a filesystem only when the volume has none (a volume with data is never reformatted),
 *   mounts it by UUID (nofail), prepares the export and Gitaly's storage, configures NFS, installs the
 *   pinned GitLab package with a Gitaly-only gitlab.rb, reconfigures, checks Gitaly, and signals.
 * No secret is in the document: the node fetches the Gitaly token and the gitlab-shell secret from
 * SSM at boot into root-only files, and gitlab.rb reads those files.
 */
import type { Config } from '../config/schema.js';
import { bootstrapFiles, bootstrapScriptHeader } from './bootstrap-shell.js';
import { renderCloudConfig } from './cloud-config.js';
import { gitlabPackage, renderInstallGitlabFunction } from './gitlab-package.js';
import { GIT_GID, GIT_UID, renderUserIdsGitlabRb } from './ids.js';
import {
  GITALY_PORT,
  GITALY_STORAGE_PATH,
  NFS_EXPORT_PATH,
  NFS_SHARED_DIRS,
  STORAGE_DATA_MOUNT,
  nodeSecretPath,
} from './paths.js';
import { rubyString, shellQuote } from './quote.js';

/** SSM keys (under /gitlab-ha/<deployment>/) of the storage node's secrets. */
export const STORAGE_SECRET_KEYS = {
  gitalyToken: 'gitaly-token',
  gitlabShellSecret: 'gitlab-shell-secret',
} as const;

export const STORAGE_BOOTSTRAP_PATH = '/usr/local/sbin/gitlab-ha-storage-bootstrap';
export const EXPORTS_FILE_PATH = '/etc/exports.d/gitlab-ha.exports';
export const GITLAB_RB_PATH = '/etc/gitlab/gitlab.rb';

/** The device name the data volume is attached as (Xen instance types show it as /dev/xvdf). */
export const DATA_VOLUME_DEVICE = '/dev/sdf';

/** Bounds, in seconds, of the node's own waits. */
const DATA_VOLUME_WAIT_SECONDS = 900;
const GITALY_LISTEN_WAIT_SECONDS = 120;

export interface StorageNodeInput {
  deployment: string;
  gitlab: Pick<Config['gitlab'], 'edition' | 'version' | 'externalUrl'>;
  /** The EBS data volume (`vol-...`), found on the node by its NVMe serial. */
  dataVolumeId: string;
  /** NFS clients: the private subnets, where the GitLab nodes and the image builder run. */
  nfsClientCidrs: string[];
}

export function storageNodeInput(config: Config, dataVolumeId: string): StorageNodeInput {
  return {
    deployment: config.name,
    gitlab: config.gitlab,
    dataVolumeId,
    nfsClientCidrs: config.network.privateSubnetCidrs,
  };
}

/** gitlab.rb for a Gitaly-only node: every other bundled service off, secrets read from files. */
export function renderGitalyGitlabRb(input: Pick<StorageNodeInput, 'deployment' | 'gitlab'>): string {
  return `# gitlab-ha storage node of deployment ${input.deployment}: Gitaly only. Written by gitlab-ha at
# first boot; a replaced node gets a fresh copy. Secrets are read from root-only files fetched from SSM.

## The same uid/gid for GitLab's users on every node: the NFS export is shared by uid.
${renderUserIdsGitlabRb()}

## Everything but Gitaly off.
postgresql['enable'] = false
redis['enable'] = false
nginx['enable'] = false
puma['enable'] = false
sidekiq['enable'] = false
gitlab_workhorse['enable'] = false
gitlab_kas['enable'] = false
prometheus_monitoring['enable'] = false
letsencrypt['enable'] = false

## No database here: reconfigure must not try to migrate one.
gitlab_rails['auto_migrate'] = false

## gitlab-shell (run by Gitaly on push) calls GitLab's internal API here, authenticated by the shared secret.
gitlab_rails['internal_api_url'] = ${rubyString(input.gitlab.externalUrl)}
gitlab_shell['secret_token'] = File.read(${rubyString(nodeSecretPath(STORAGE_SECRET_KEYS.gitlabShellSecret))}).strip

gitaly['configuration'] = {
  listen_addr: ${rubyString(`0.0.0.0:${GITALY_PORT}`)},
  auth: {
    token: File.read(${rubyString(nodeSecretPath(STORAGE_SECRET_KEYS.gitalyToken))}).strip,
  },
  storage: [
    { name: 'default', path: ${rubyString(GITALY_STORAGE_PATH)} },
  ],
}
`;
}

/** /etc/exports.d entry: the shared directory, to each private subnet. */
export function renderNfsExports(input: Pick<StorageNodeInput, 'nfsClientCidrs'>): string {
  // no_root_squash: root on GitLab nodes (reconfigure) must be able to chown what it creates there.
  const clients = input.nfsClientCidrs.map((cidr) => `${cidr}(rw,sync,no_subtree_check,no_root_squash)`);
  return `${NFS_EXPORT_PATH} ${clients.join(' ')}\n`;
}

/** Keeps a service from starting when the data volume is not mounted (nofail lets boot go on without it). */
function requiresDataMount(unit: string): string {
  return `# gitlab-ha: ${unit} serves data from the EBS data volume; never start it on the empty mount point.
[Unit]
RequiresMountsFor=${STORAGE_DATA_MOUNT}
`;
}

/** The node's bootstrap script. */
export function renderStorageBootstrapScript(input: StorageNodeInput): string {
  const sharedDirs = NFS_SHARED_DIRS.map(
    (dir) => `  install -d -m ${dir.mode} -o "$GIT_UID" -g "$GIT_GID" "$NFS_EXPORT/${dir.name}"`,
  ).join('\n');
  return `${bootstrapScriptHeader([
    `gitlab-ha storage node bootstrap (deployment ${input.deployment}): NFS for GitLab's shared data and`,
    `Gitaly for repositories, on the EBS data volume ${input.dataVolumeId}. Run once by cloud-init; safe to re-run.`,
  ])}

DATA_VOLUME_ID=${shellQuote(input.dataVolumeId)}
DATA_MOUNT=${STORAGE_DATA_MOUNT}
NFS_EXPORT=${NFS_EXPORT_PATH}
REPOSITORIES=${GITALY_STORAGE_PATH}
GIT_UID=${GIT_UID}
GIT_GID=${GIT_GID}
DATA_DEVICE=

# Nitro instances show an EBS volume as an NVMe device whose serial is the volume id without its dash;
# older (Xen) types as /dev/xvdf. gitlab-ha attaches the volume once the instance runs.
wait_for_data_volume() {
  local by_id="/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_\${DATA_VOLUME_ID//-/}" waited=0
  until [ -b "$by_id" ] || [ -b /dev/xvdf ]; do
    if [ "$waited" -ge ${DATA_VOLUME_WAIT_SECONDS} ]; then
      log "data volume $DATA_VOLUME_ID did not appear within ${DATA_VOLUME_WAIT_SECONDS} s"
      return 1
    fi
    sleep 5
    waited=$((waited + 5))
  done
  if [ -b "$by_id" ]; then DATA_DEVICE="$(readlink -f "$by_id")"; else DATA_DEVICE=/dev/xvdf; fi
  log "data volume $DATA_VOLUME_ID is $DATA_DEVICE"
}

# A filesystem is created only when blkid finds no signature at all (exit 2): a volume holding data
# (a replaced node, a restored snapshot) is never reformatted, and a probe error stops the bootstrap.
format_if_empty() {
  local probe=0
  blkid -p "$DATA_DEVICE" >/dev/null 2>&1 || probe=$?
  case "$probe" in
    0) log "data volume $DATA_VOLUME_ID has a filesystem: keeping its data" ;;
    2)
      log "data volume $DATA_VOLUME_ID is empty: creating an XFS filesystem"
      mkfs.xfs -q -L gitlab-ha-data "$DATA_DEVICE"
      ;;
    *)
      log "blkid could not probe $DATA_DEVICE (exit $probe): refusing to format it"
      return 1
      ;;
  esac
}

# Mounted by UUID (device names change between boots); nofail so the node still boots without it.
mount_data_volume() {
  local uuid fstype
  uuid="$(blkid -p -s UUID -o value "$DATA_DEVICE")"
  fstype="$(blkid -p -s TYPE -o value "$DATA_DEVICE")"
  install -d -m 0755 "$DATA_MOUNT"
  if ! grep -q "^UUID=$uuid " /etc/fstab; then
    echo "UUID=$uuid $DATA_MOUNT $fstype defaults,noatime,nofail,x-systemd.device-timeout=300 0 0" >>/etc/fstab
  fi
  systemctl daemon-reload
  mountpoint -q "$DATA_MOUNT" || mount "$DATA_MOUNT"
  log "data volume mounted at $DATA_MOUNT"
}

# The NFS export (written by GitLab nodes as git) and Gitaly's storage, owned by the fixed git ids.
prepare_directories() {
  install -d -m 0755 -o "$GIT_UID" -g "$GIT_GID" "$NFS_EXPORT"
${sharedDirs}
  install -d -m 2770 -o "$GIT_UID" -g "$GIT_GID" "$REPOSITORIES"
}

# NFS v4.1/4.2 only: v3 needs rpcbind and mountd ports, which the storage security group does not open.
configure_nfs() {
  apt_install nfs-kernel-server
  nfsconf --set nfsd vers3 n
  nfsconf --set nfsd vers4 y
  nfsconf --set nfsd vers4.1 y
  nfsconf --set nfsd vers4.2 y
  systemctl enable nfs-server
  systemctl restart nfs-server
  exportfs -ra
  log "exported $NFS_EXPORT: $(exportfs -s | tr '\\n' ' ')"
}

${renderInstallGitlabFunction(gitlabPackage(input.gitlab))}

# \`gitaly check\` would also call GitLab's internal API, which only answers once the GitLab nodes run:
# check that the service is up and listening instead.
check_gitaly() {
  local waited=0
  gitlab-ctl status gitaly
  until [ -n "$(ss -Hltn 'sport = :${GITALY_PORT}')" ]; do
    if [ "$waited" -ge ${GITALY_LISTEN_WAIT_SECONDS} ]; then
      log "Gitaly is not listening on ${GITALY_PORT} after ${GITALY_LISTEN_WAIT_SECONDS} s"
      return 1
    fi
    sleep 2
    waited=$((waited + 2))
  done
  log "Gitaly listens on ${GITALY_PORT}"
}

apt_install xfsprogs curl gnupg ca-certificates
fetch_secret ${STORAGE_SECRET_KEYS.gitalyToken}
fetch_secret ${STORAGE_SECRET_KEYS.gitlabShellSecret}
wait_for_data_volume
format_if_empty
mount_data_volume
prepare_directories
configure_nfs
install_gitlab
gitlab-ctl reconfigure
check_gitaly
bootstrap_finish
`;
}

/** The storage node's user data: a `#cloud-config` document (write_files + runcmd). */
export function renderStorageCloudInit(input: StorageNodeInput): string {
  return renderCloudConfig({
    comment: [
      `gitlab-ha storage node of deployment ${input.deployment} (NFS + Gitaly on ${input.dataVolumeId}).`,
      'No secret is in this document: the node fetches its secrets from SSM at boot.',
    ],
    writeFiles: [
      ...bootstrapFiles({ deployment: input.deployment }),
      { path: GITLAB_RB_PATH, permissions: '0600', content: renderGitalyGitlabRb(input) },
      { path: EXPORTS_FILE_PATH, permissions: '0644', content: renderNfsExports(input) },
      {
        path: '/etc/systemd/system/nfs-server.service.d/gitlab-ha.conf',
        permissions: '0644',
        content: requiresDataMount('nfs-server'),
      },
      {
        path: '/etc/systemd/system/gitlab-runsvdir.service.d/gitlab-ha.conf',
        permissions: '0644',
        content: requiresDataMount('GitLab (Gitaly)'),
      },
      { path: STORAGE_BOOTSTRAP_PATH, permissions: '0700', content: renderStorageBootstrapScript(input) },
    ],
    runcmd: [STORAGE_BOOTSTRAP_PATH],
  });
}
