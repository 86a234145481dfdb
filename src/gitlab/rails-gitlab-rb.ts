/**
 * /etc/gitlab/gitlab.rb for GitLab Rails nodes (Puma, Sidekiq, Workhorse, NGINX) behind the load
 * balancer, for today's GitLab: PostgreSQL on RDS, Redis on ElastiCache, repositories on the storage
 * node's Gitaly, uploads / shared data / CI builds on its NFS export. The image builder and every
 * Auto Scaling node get the same file but for `auto_migrate`: migrations run once, on the builder.
 * No secret is in it: each is read from the root-only file the node fetched from SSM at boot.
 */
import { renderUserIdsGitlabRb } from './ids.js';
import { NFS_CLIENT_MOUNT, nfsClientPath } from './nfs-client.js';
import { NFS_SHARED_DIRS, nodeSecretPath } from './paths.js';
import { rubyString } from './quote.js';
import { BUILDER_SECRET_KEYS, RAILS_SECRET_KEYS } from './rails-node-input.js';
import type { RailsNodeInput } from './rails-node-input.js';

/** `builder` bakes the image and runs the migrations; `node` is an Auto Scaling node made from it. */
export type RailsRole = 'builder' | 'node';

const LOCALHOST_CIDR = '127.0.0.0/8';
export const GIT_SSH_PORT = 22;

function secretFromFile(key: string): string {
  return `File.read(${rubyString(nodeSecretPath(key))}).strip`;
}

function rubyArray(values: string[]): string {
  return `[${values.map(rubyString).join(', ')}]`;
}

export function renderRailsGitlabRb(input: RailsNodeInput, role: RailsRole): string {
  return (
    [
      header(input, role),
      `external_url ${rubyString(input.gitlab.externalUrl)}`,
      section("The same uid/gid for GitLab's users on every node: the NFS export is shared by uid.", [
        renderUserIdsGitlabRb(),
      ]),
      migrations(role),
      frontEnd(input),
      database(input),
      redis(input),
      gitaly(input),
      sharedData(),
      gitSsh(input),
      bundledServicesOff(),
    ].join('\n\n') + '\n'
  );
}

function header(input: RailsNodeInput, role: RailsRole): string {
  const what =
    role === 'builder'
      ? 'the image builder (its reconfigure runs the database migrations)'
      : 'an Auto Scaling node (made from the image)';
  return [
    `# gitlab-ha GitLab Rails node of deployment ${input.deployment}: ${what}.`,
    '# Written by gitlab-ha at boot; edit the gitlab-ha config instead. Secrets are read from root-only',
    '# files fetched from SSM at boot; none is in this file.',
  ].join('\n');
}

function section(title: string, lines: string[]): string {
  return [`## ${title}`, ...lines].join('\n');
}

function migrations(role: RailsRole): string {
  return role === 'builder'
    ? section('Migrations run here, once per GitLab version, before the image is made.', [
        "gitlab_rails['auto_migrate'] = true",
        '# Used only when the migrations seed an empty database; kept in SSM for the first sign-in.',
        `gitlab_rails['initial_root_password'] = ${secretFromFile(BUILDER_SECRET_KEYS.rootPassword)}`,
      ])
    : section('Migrations ran on the image builder: nodes never migrate (they start in parallel).', [
        "gitlab_rails['auto_migrate'] = false",
      ]);
}

function frontEnd(input: RailsNodeInput): string {
  const vpc = rubyArray([input.vpcCidr]);
  const lines = [
    "nginx['listen_port'] = 80",
    "nginx['listen_https'] = false",
    "letsencrypt['enable'] = false",
  ];
  if (input.https) {
    lines.push(
      '# TLS ends at the load balancer: tell GitLab its requests arrived over HTTPS.',
      "nginx['proxy_set_headers'] = {",
      "  'X-Forwarded-Proto' => 'https',",
      "  'X-Forwarded-Ssl' => 'on',",
      '}',
      '# Plain HTTP through the load balancer (its port 80 listener says so in X-Forwarded-Proto) is',
      '# redirected to HTTPS; its health check, which comes without the header, is not.',
      `nginx['custom_gitlab_server_config'] = ${rubyString(
        'if ($http_x_forwarded_proto = http) { return 301 https://$host$request_uri; }',
      )}`,
    );
  }
  lines.push(
    "# Clients' addresses from X-Forwarded-For, believed only from inside the VPC (the load balancer).",
    `nginx['real_ip_trusted_addresses'] = ${vpc}`,
    "nginx['real_ip_header'] = 'X-Forwarded-For'",
    "nginx['real_ip_recursive'] = 'on'",
    `gitlab_rails['trusted_proxies'] = ${vpc}`,
    "# The load balancer's health check (/-/readiness) comes from inside the VPC.",
    `gitlab_rails['monitoring_whitelist'] = ${rubyArray([LOCALHOST_CIDR, input.vpcCidr])}`,
  );
  return section(
    `Behind the load balancer: NGINX serves plain HTTP on port 80${input.https ? ' (the load balancer terminates TLS)' : ''}.`,
    lines,
  );
}

function database(input: RailsNodeInput): string {
  const db = input.database;
  return section('PostgreSQL: Amazon RDS (the bundled PostgreSQL is off).', [
    "postgresql['enable'] = false",
    "gitlab_rails['db_adapter'] = 'postgresql'",
    "gitlab_rails['db_encoding'] = 'unicode'",
    `gitlab_rails['db_host'] = ${rubyString(db.address)}`,
    `gitlab_rails['db_port'] = ${db.port}`,
    `gitlab_rails['db_database'] = ${rubyString(db.databaseName)}`,
    `gitlab_rails['db_username'] = ${rubyString(db.username)}`,
    `gitlab_rails['db_password'] = ${secretFromFile(RAILS_SECRET_KEYS.dbPassword)}`,
    "gitlab_rails['db_sslmode'] = 'require'",
  ]);
}

function redis(input: RailsNodeInput): string {
  return section('Redis: Amazon ElastiCache, TLS and AUTH token (the bundled Redis is off).', [
    "redis['enable'] = false",
    `gitlab_rails['redis_host'] = ${rubyString(input.redis.primaryAddress)}`,
    `gitlab_rails['redis_port'] = ${input.redis.port}`,
    `gitlab_rails['redis_password'] = ${secretFromFile(RAILS_SECRET_KEYS.redisAuthToken)}`,
    "gitlab_rails['redis_ssl'] = true",
  ]);
}

function gitaly(input: RailsNodeInput): string {
  return section(
    'Git repositories: Gitaly on the storage node (Git data on NFS is unsupported since GitLab 15.6).',
    [
      "gitaly['enable'] = false",
      "gitlab_rails['repositories_storages'] = {",
      `  'default' => { 'gitaly_address' => ${rubyString(input.storage.gitalyAddress)} },`,
      '}',
      `gitlab_rails['gitaly_token'] = ${secretFromFile(RAILS_SECRET_KEYS.gitalyToken)}`,
      '# Shared with the storage node, whose gitlab-shell calls back into GitLab on push.',
      `gitlab_shell['secret_token'] = ${secretFromFile(RAILS_SECRET_KEYS.gitlabShellSecret)}`,
    ],
  );
}

function sharedData(): string {
  return section(
    "Uploads, shared data (artifacts, LFS, packages...) and CI builds on the storage node's NFS export.",
    [
      '# GitLab services do not start until it is mounted.',
      `high_availability['mountpoint'] = ${rubyString(NFS_CLIENT_MOUNT)}`,
      ...NFS_SHARED_DIRS.map((dir) => `${dir.gitlabRb} = ${rubyString(nfsClientPath(dir.name))}`),
    ],
  );
}

function gitSsh(input: RailsNodeInput): string {
  if (!input.gitlab.gitSsh) {
    return section('Git over SSH is off (gitlab.gitSsh: false): the load balancer has no port 22 listener.', [
      '# Clone over HTTP(S). To hide the SSH clone URLs as well, choose "HTTP(S)" under Admin area >',
      '# Settings > General > Visibility and access controls > Enabled Git access protocols.',
    ]);
  }
  return section(
    "Git over SSH through the load balancer's port 22, served by each node's OpenSSH and gitlab-shell.",
    [
      "# Every node has the image's SSH host keys, so clients see one host behind the load balancer.",
      `gitlab_rails['gitlab_ssh_host'] = ${rubyString(new URL(input.gitlab.externalUrl).hostname)}`,
      `gitlab_rails['gitlab_shell_ssh_port'] = ${GIT_SSH_PORT}`,
    ],
  );
}

function bundledServicesOff(): string {
  return section('Bundled services a node of an Auto Scaling group should not run.', [
    '# Monitoring (Prometheus, Alertmanager and the node, Redis, PostgreSQL and GitLab exporters):',
    '# each node would scrape only itself, keep its data on a disk that goes away when the group scales',
    '# in, and poll RDS and ElastiCache once per node. Use CloudWatch, or a Prometheus of your own that',
    "# scrapes the nodes' metrics endpoints.",
    "prometheus_monitoring['enable'] = false",
    "# The agent server for Kubernetes (KAS) needs WebSockets, which a classic load balancer's HTTP",
    '# listener does not pass, and per-node private addresses to route between nodes.',
    "gitlab_kas['enable'] = false",
  ]);
}
