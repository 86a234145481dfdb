/**
 * The shell fragments every gitlab-ha node's first boot uses, written to the node by cloud-init:
 *
 * - a bash library (`bootstrap.sh`) the node's own script sources: logging, retries, IMDSv2 (token,
 *   instance id, region), `apt_install`, `fetch_secret KEY`, `signal ready|failed` (the protocol of
 *   bootstrap-protocol.ts) and an ERR trap that signals `failed` with the log tail on any error;
 * - `node-aws.py`, the few AWS calls behind those functions, through boto3.
 *
 * Why boto3 (Ubuntu's python3-boto3) and not the AWS CLI: Ubuntu 24.04 no longer packages the
 * `awscli`, and the snap needs snapd to finish seeding at first boot (a known hang/race in cloud-init
 * runs) and the Snap Store to be reachable. python3-boto3 comes from the same apt mirror as every
 * other package the node installs, and boto3 reads the instance profile's credentials over IMDSv2.
 * It also lets secrets go straight from the SSM response into a root-only file: a secret never sits
 * in a shell variable, on a command line (visible in `ps`) or in the log. Nothing here runs `set -x`.
 */
import {
  BOOTSTRAP_LOG_TAIL_LINES,
  BOOTSTRAP_TAG,
  bootstrapLogParameterPrefix,
} from './bootstrap-protocol.js';
import type { CloudConfigFile } from './cloud-config.js';
import { NODE_SECRETS_DIR } from './paths.js';
import { shellQuote } from './quote.js';

export const BOOTSTRAP_LIBRARY_PATH = '/usr/local/lib/gitlab-ha/bootstrap.sh';
export const NODE_AWS_HELPER_PATH = '/usr/local/lib/gitlab-ha/node-aws.py';
export const BOOTSTRAP_LOG_PATH = '/var/log/gitlab-ha/bootstrap.log';

/** SSM Standard parameters hold at most 4096 characters; the log tail is cut to fit. */
const SSM_STRING_LIMIT = 4000;

export interface BootstrapLibraryInput {
  /** The deployment's name: secrets live under /gitlab-ha/<deployment>/. */
  deployment: string;
}

/** The bash library every node script sources (after `set -Eeuo pipefail`). */
export function renderBootstrapLibrary(input: BootstrapLibraryInput): string {
  return `# gitlab-ha node bootstrap library, sourced by the node's bootstrap script.
# Secrets are fetched by node-aws.py straight into root-only files: never into a shell variable,
# a command line or the log. Do not add \`set -x\` to anything that sources this file.

GITLAB_HA_DEPLOYMENT=${shellQuote(input.deployment)}
GITLAB_HA_LOG=${BOOTSTRAP_LOG_PATH}
GITLAB_HA_SECRETS_DIR=${NODE_SECRETS_DIR}
GITLAB_HA_LOG_PARAMETER_PREFIX=${shellQuote(bootstrapLogParameterPrefix(input.deployment))}
IMDS=http://169.254.169.254/latest
INSTANCE_ID=
REGION=
export DEBIAN_FRONTEND=noninteractive

log() {
  printf '%s [gitlab-ha] %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"
}

# retry ATTEMPTS COMMAND...: runs COMMAND until it succeeds, sleeping 2, 4, 8... (at most 30) s between tries.
retry() {
  local attempts="$1" delay=2 n=1
  shift
  until "$@"; do
    if [ "$n" -ge "$attempts" ]; then
      log "giving up after $n attempts: $1"
      return 1
    fi
    log "attempt $n of $attempts failed: $1; retrying in $delay s"
    sleep "$delay"
    n=$((n + 1))
    delay=$((delay * 2 > 30 ? 30 : delay * 2))
  done
}

# imds_get PATH: one instance metadata value over IMDSv2 (the instance requires session tokens).
imds_get() {
  local token
  token="$(curl -fsS --retry 5 --retry-connrefused -X PUT "$IMDS/api/token" \\
    -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')"
  curl -fsS --retry 5 --retry-connrefused -H "X-aws-ec2-metadata-token: $token" "$IMDS/meta-data/$1"
}

apt_install() {
  retry 5 apt-get -q -o DPkg::Lock::Timeout=600 update
  retry 5 apt-get -q -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "$@"
}

node_aws() {
  GITLAB_HA_REGION="$REGION" /usr/bin/python3 ${NODE_AWS_HELPER_PATH} "$@"
}

# fetch_secret KEY: the SecureString /gitlab-ha/<deployment>/KEY into $GITLAB_HA_SECRETS_DIR/KEY (0600).
fetch_secret() {
  install -d -m 0700 "$GITLAB_HA_SECRETS_DIR"
  retry 10 node_aws fetch-secret "/gitlab-ha/$GITLAB_HA_DEPLOYMENT/$1" "$GITLAB_HA_SECRETS_DIR/$1"
  log "fetched secret $1"
}

# signal ready|failed: tags this instance ${BOOTSTRAP_TAG}=<outcome>; on failure the log tail goes to SSM first.
signal() {
  if [ "$1" = failed ]; then
    tail -n ${BOOTSTRAP_LOG_TAIL_LINES} "$GITLAB_HA_LOG" >"$GITLAB_HA_LOG.tail" || true
    retry 5 node_aws put-log "$GITLAB_HA_LOG_PARAMETER_PREFIX$INSTANCE_ID" "$GITLAB_HA_LOG.tail" ||
      log "could not write the log tail to SSM"
  fi
  retry 10 node_aws tag "$INSTANCE_ID" ${BOOTSTRAP_TAG} "$1"
  log "signalled $1"
}

# The ERR trap: any failing command ends the bootstrap with \`signal failed\`. In a command
# substitution (a subshell) it only exits: the script itself then fails and signals once.
on_error() {
  local status="$1" line="$2"
  trap - ERR
  set +e
  if [ "$BASH_SUBSHELL" -gt 0 ]; then exit "$status"; fi
  log "bootstrap failed at line $line (exit $status)"
  if [ -n "$INSTANCE_ID" ]; then
    signal failed || log "could not signal the failure; see the console output"
  fi
  exit "$status"
}

bootstrap_begin() {
  install -d -m 0700 "$(dirname "$GITLAB_HA_LOG")"
  # Everything goes to the log (for the failure tail) and to the console (GetConsoleOutput).
  exec > >(tee -a "$GITLAB_HA_LOG") 2>&1
  trap 'on_error $? $LINENO' ERR
  INSTANCE_ID="$(imds_get instance-id)"
  REGION="$(imds_get placement/region)"
  log "bootstrap of $INSTANCE_ID in $REGION started"
  # boto3 first: signalling needs it.
  apt_install python3-boto3
}

bootstrap_finish() {
  signal ready
  trap - ERR
  log "bootstrap complete"
}
`;
}

/**
 * The AWS calls a node makes at boot (fetch a secret, write the log tail, tag itself), with the
 * instance profile's credentials. The secret's value is written only to the file, with mode 0600.
 */
export const NODE_AWS_HELPER = `#!/usr/bin/python3
"""gitlab-ha node helper: the AWS calls a node makes while it boots (boto3, instance profile)."""
import os
import sys

import boto3
from botocore.config import Config

CONFIG = Config(retries={"max_attempts": 10, "mode": "standard"})
LOG_LIMIT = ${SSM_STRING_LIMIT}


def client(service):
    return boto3.client(service, region_name=os.environ["GITLAB_HA_REGION"], config=CONFIG)


def fetch_secret(name, path):
    """Writes the decrypted SecureString to path (0600); the value is never printed."""
    value = client("ssm").get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    partial = path + ".partial"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(value)
    os.replace(partial, path)


def put_log(name, path):
    """Writes the end of a log file to an SSM String parameter (Standard tier: 4 KB)."""
    with open(path, encoding="utf-8", errors="replace") as log:
        text = log.read()[-LOG_LIMIT:]
    client("ssm").put_parameter(Name=name, Value=text or "(empty log)", Type="String", Overwrite=True)


def tag(instance_id, key, value):
    client("ec2").create_tags(Resources=[instance_id], Tags=[{"Key": key, "Value": value}])


COMMANDS = {"fetch-secret": fetch_secret, "put-log": put_log, "tag": tag}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit("usage: node-aws.py fetch-secret NAME PATH | put-log NAME PATH | tag INSTANCE_ID KEY VALUE")
    try:
        COMMANDS[sys.argv[1]](*sys.argv[2:])
    except Exception as error:  # one line, no traceback
        sys.exit(f"node-aws.py {sys.argv[1]}: {type(error).__name__}: {error}")
`;

/** The files every node needs for its bootstrap script to source the library. */
export function bootstrapFiles(input: BootstrapLibraryInput): CloudConfigFile[] {
  return [
    { path: BOOTSTRAP_LIBRARY_PATH, permissions: '0644', content: renderBootstrapLibrary(input) },
    { path: NODE_AWS_HELPER_PATH, permissions: '0755', content: NODE_AWS_HELPER },
  ];
}

/** The opening lines of a node's bootstrap script: strict mode, the library, the ERR trap. */
export function bootstrapScriptHeader(description: string[]): string {
  return [
    '#!/bin/bash',
    ...description.map((line) => `# ${line}`.trimEnd()),
    'set -Eeuo pipefail',
    `# shellcheck source=/dev/null`,
    `. ${BOOTSTRAP_LIBRARY_PATH}`,
    'bootstrap_begin',
  ].join('\n');
}
