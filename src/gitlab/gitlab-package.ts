/**
 * Installing the GitLab Linux package from packages.gitlab.com, pinned to the config's edition and
 * version (`gitlab-ee=18.5.1-ee.0`), as a shell function for node scripts. The repository is set up
 * the way GitLab's docs describe (a keyring file and a `signed-by` apt source) instead of piping the
 * repository script into bash; the downloaded key must be GitLab's repository signing key.
 */
import type { Config } from '../config/schema.js';
import { shellQuote } from './quote.js';

/** GitLab B.V. package repository signing key (docs.gitlab.com/omnibus/update/package_signatures). */
export const GITLAB_REPOSITORY_KEY_FINGERPRINT = 'F6403F6544A38863DAA0B6E03F01618A51312F3F';
export const GITLAB_REPOSITORY_KEY_URL = 'https://packages.gitlab.com/gpg.key';

export interface GitlabPackage {
  /** `gitlab-ee` or `gitlab-ce`. */
  name: string;
  /** The Debian version, e.g. `18.5.1-ee.0`. */
  version: string;
}

export function gitlabPackage(gitlab: Pick<Config['gitlab'], 'edition' | 'version'>): GitlabPackage {
  return { name: `gitlab-${gitlab.edition}`, version: `${gitlab.version}-${gitlab.edition}.0` };
}

/** A shell function `install_gitlab` (needs the bootstrap library's log, retry and apt_install). */
export function renderInstallGitlabFunction(pkg: GitlabPackage): string {
  return `# install_gitlab: GitLab's apt repository (its signing key checked), then ${pkg.name}=${pkg.version}.
install_gitlab() {
  local keyring=/etc/apt/keyrings/gitlab.asc codename fingerprints
  install -d -m 0755 /etc/apt/keyrings
  retry 5 curl -fsSL ${GITLAB_REPOSITORY_KEY_URL} -o "$keyring.new"
  fingerprints="$(gpg --show-keys --with-colons "$keyring.new" | awk -F: '$1 == "fpr" { print $10 }')"
  case "$fingerprints" in
    *${GITLAB_REPOSITORY_KEY_FINGERPRINT}*) mv "$keyring.new" "$keyring" ;;
    *)
      log "${GITLAB_REPOSITORY_KEY_URL} is not GitLab's signing key ${GITLAB_REPOSITORY_KEY_FINGERPRINT}"
      return 1
      ;;
  esac
  codename="$(awk -F= '$1 == "VERSION_CODENAME" { print $2 }' /etc/os-release)"
  echo "deb [signed-by=$keyring] https://packages.gitlab.com/gitlab/${pkg.name}/ubuntu/ $codename main" \\
    >/etc/apt/sources.list.d/gitlab.list
  apt_install ${shellQuote(`${pkg.name}=${pkg.version}`)}
}`;
}
