/**
 * Fixed numeric ids for GitLab's system users, the same on every node. The storage node's NFS export
 * is shared by uid, so `git` (who owns uploads, shared data and CI builds) must be the same user on
 * the storage node, the image builder and every Rails node; otherwise files written by one node are
 * unreadable on the next (omnibus-gitlab#2138). 9000/9001 are what GitLab's Environment Toolkit uses:
 * well above Ubuntu's dynamic system range (below 1000) and the first login user (1000).
 */
export const GIT_UID = 9000;
export const GIT_GID = 9000;
/** `gitlab-www` (NGINX and Workhorse). */
export const WEB_SERVER_UID = 9001;
export const WEB_SERVER_GID = 9001;

/** The gitlab.rb lines that pin those ids (omnibus creates the users with them on reconfigure). */
export function renderUserIdsGitlabRb(): string {
  return [
    `user['uid'] = ${GIT_UID}`,
    `user['gid'] = ${GIT_GID}`,
    `web_server['uid'] = ${WEB_SERVER_UID}`,
    `web_server['gid'] = ${WEB_SERVER_GID}`,
  ].join('\n');
}
