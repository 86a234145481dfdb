/**
 * The storage node's NFS export as GitLab Rails nodes mount it: where, with which options (GitLab's
 * NFS guidance), and a shell function that puts it in /etc/fstab and mounts it with a bounded wait.
 */
import { NFS_SHARED_DIRS } from './paths.js';
import { shellQuote } from './quote.js';

/** Where Rails nodes mount the export; gitlab.rb points uploads, shared data and CI builds under it. */
export const NFS_CLIENT_MOUNT = '/var/opt/gitlab-nfs';

/**
 * GitLab's recommended client options (doc/administration/nfs.md): NFS v4.1, `hard` so a server hiccup
 * stalls writes instead of corrupting them, 1 MiB transfers, `lookupcache=positive` so a file another
 * node just created is seen at once; `nofail,_netdev` so a node still boots (and logs why) without it.
 */
export const NFS_MOUNT_OPTIONS =
  'vers=4.1,hard,rsize=1048576,wsize=1048576,noatime,nofail,_netdev,lookupcache=positive';

/** A shared directory of the export as a Rails node sees it, e.g. `/var/opt/gitlab-nfs/uploads`. */
export function nfsClientPath(name: (typeof NFS_SHARED_DIRS)[number]['name']): string {
  return `${NFS_CLIENT_MOUNT}/${name}`;
}

export interface NfsMountInput {
  nfsServer: string;
  nfsExportPath: string;
  /** How long to keep trying before the script fails. */
  waitSeconds: number;
}

/**
 * Shell variables and the function `ensure_nfs_mount` (needs the bootstrap library's `log`). The fstab
 * line is replaced, not appended, when the server changed (a replaced storage node gets a new address,
 * and an image carries its builder's fstab); a mount from another server is undone first.
 */
export function renderNfsMountFunction(input: NfsMountInput): string {
  const dirs = NFS_SHARED_DIRS.map((dir) => dir.name).join(' ');
  return `NFS_SOURCE=${shellQuote(`${input.nfsServer}:${input.nfsExportPath}`)}
NFS_MOUNT=${NFS_CLIENT_MOUNT}

# ensure_nfs_mount: the storage node's export in /etc/fstab and mounted (at most ${input.waitSeconds} s of retries).
ensure_nfs_mount() {
  local entry="$NFS_SOURCE $NFS_MOUNT nfs4 ${NFS_MOUNT_OPTIONS} 0 0"
  local others current deadline=$((SECONDS + ${input.waitSeconds})) dir
  install -d -m 0755 "$NFS_MOUNT"
  if ! grep -qxF "$entry" /etc/fstab; then
    others="$(awk -v mount="$NFS_MOUNT" '$2 != mount' /etc/fstab)"
    printf '%s\\n%s\\n' "$others" "$entry" >/etc/fstab
    systemctl daemon-reload
  fi
  current="$(findmnt -n -o SOURCE --mountpoint "$NFS_MOUNT" || true)"
  if [ -n "$current" ] && [ "$current" != "$NFS_SOURCE" ]; then
    log "$NFS_MOUNT is mounted from $current; remounting from $NFS_SOURCE"
    umount "$NFS_MOUNT"
  fi
  until mountpoint -q "$NFS_MOUNT" || timeout 60 mount "$NFS_MOUNT"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "could not mount $NFS_SOURCE on $NFS_MOUNT within ${input.waitSeconds} s"
      return 1
    fi
    log "NFS server $NFS_SOURCE not reachable yet; retrying in 10 s"
    sleep 10
  done
  # The storage node creates these, owned by git; a mount without them is the wrong export.
  for dir in ${dirs}; do
    if [ ! -d "$NFS_MOUNT/$dir" ]; then
      log "$NFS_SOURCE has no $dir directory: is it the storage node's export?"
      return 1
    fi
  done
  log "mounted $NFS_SOURCE on $NFS_MOUNT"
}`;
}
