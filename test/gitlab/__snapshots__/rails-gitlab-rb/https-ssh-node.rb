# gitlab-ha GitLab Rails node of deployment demo: an Auto Scaling node (made from the image).
# Written by gitlab-ha at boot; edit the gitlab-ha config instead. Secrets are read from root-only
# files fetched from SSM at boot; none is in this file.

external_url 'https://gitlab.example.com'

## The same uid/gid for GitLab's users on every node: the NFS export is shared by uid.
user['uid'] = 9000
user['gid'] = 9000
web_server['uid'] = 9001
web_server['gid'] = 9001

## Migrations ran on the image builder: nodes never migrate (they start in parallel).
gitlab_rails['auto_migrate'] = false

## Behind the load balancer: NGINX serves plain HTTP on port 80 (the load balancer terminates TLS).
nginx['listen_port'] = 80
nginx['listen_https'] = false
letsencrypt['enable'] = false
# TLS ends at the load balancer: tell GitLab its requests arrived over HTTPS.
nginx['proxy_set_headers'] = {
  'X-Forwarded-Proto' => 'https',
  'X-Forwarded-Ssl' => 'on',
}
# Plain HTTP through the load balancer (its port 80 listener says so in X-Forwarded-Proto) is
# redirected to HTTPS; its health check, which comes without the header, is not.
nginx['custom_gitlab_server_config'] = 'if ($http_x_forwarded_proto = http) { return 301 https://$host$request_uri; }'
# Clients' addresses from X-Forwarded-For, believed only from inside the VPC (the load balancer).
nginx['real_ip_trusted_addresses'] = ['10.0.0.0/16']
nginx['real_ip_header'] = 'X-Forwarded-For'
nginx['real_ip_recursive'] = 'on'
gitlab_rails['trusted_proxies'] = ['10.0.0.0/16']
# The load balancer's health check (/-/readiness) comes from inside the VPC.
gitlab_rails['monitoring_whitelist'] = ['127.0.0.0/8', '10.0.0.0/16']

## PostgreSQL: Amazon RDS (the bundled PostgreSQL is off).
postgresql['enable'] = false
gitlab_rails['db_adapter'] = 'postgresql'
gitlab_rails['db_encoding'] = 'unicode'
gitlab_rails['db_host'] = 'demo-db.c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com'
gitlab_rails['db_port'] = 5432
gitlab_rails['db_database'] = 'gitlabhq_production'
gitlab_rails['db_username'] = 'gitlab'
gitlab_rails['db_password'] = File.read('/etc/gitlab-ha/secrets/db-password').strip
gitlab_rails['db_sslmode'] = 'require'

## Redis: Amazon ElastiCache, TLS and AUTH token (the bundled Redis is off).
redis['enable'] = false
gitlab_rails['redis_host'] = 'master.demo-redis.abc123.euw1.cache.amazonaws.com'
gitlab_rails['redis_port'] = 6379
gitlab_rails['redis_password'] = File.read('/etc/gitlab-ha/secrets/redis-auth-token').strip
gitlab_rails['redis_ssl'] = true

## Git repositories: Gitaly on the storage node (Git data on NFS is unsupported since GitLab 15.6).
gitaly['enable'] = false
gitlab_rails['repositories_storages'] = {
  'default' => { 'gitaly_address' => 'tcp://10.0.10.25:8075' },
}
gitlab_rails['gitaly_token'] = File.read('/etc/gitlab-ha/secrets/gitaly-token').strip
# Shared with the storage node, whose gitlab-shell calls back into GitLab on push.
gitlab_shell['secret_token'] = File.read('/etc/gitlab-ha/secrets/gitlab-shell-secret').strip

## Uploads, shared data (artifacts, LFS, packages...) and CI builds on the storage node's NFS export.
# GitLab services do not start until it is mounted.
high_availability['mountpoint'] = '/var/opt/gitlab-nfs'
gitlab_rails['uploads_directory'] = '/var/opt/gitlab-nfs/uploads'
gitlab_rails['shared_path'] = '/var/opt/gitlab-nfs/shared'
gitlab_ci['builds_directory'] = '/var/opt/gitlab-nfs/builds'

## Git over SSH through the load balancer's port 22, served by each node's OpenSSH and gitlab-shell.
# Every node has the image's SSH host keys, so clients see one host behind the load balancer.
gitlab_rails['gitlab_ssh_host'] = 'gitlab.example.com'
gitlab_rails['gitlab_shell_ssh_port'] = 22

## Bundled services a node of an Auto Scaling group should not run.
# Monitoring (Prometheus, Alertmanager and the node, Redis, PostgreSQL and GitLab exporters):
# each node would scrape only itself, keep its data on a disk that goes away when the group scales
# in, and poll RDS and ElastiCache once per node. Use CloudWatch, or a Prometheus of your own that
# scrapes the nodes' metrics endpoints.
prometheus_monitoring['enable'] = false
# The agent server for Kubernetes (KAS) needs WebSockets, which a classic load balancer's HTTP
# listener does not pass, and per-node private addresses to route between nodes.
gitlab_kas['enable'] = false
