/** A `#cloud-config` user-data document from files to write and commands to run, and its encoding for EC2. */
import { gunzipSync, gzipSync } from 'node:zlib';
import { stringify } from 'yaml';

/** EC2 limits user data to 16 KB before base64 encoding. */
export const USER_DATA_LIMIT_BYTES = 16384;

export interface CloudConfigFile {
  path: string;
  /** Octal, as cloud-init wants it: '0644'. */
  permissions: string;
  content: string;
  owner?: string;
}

export interface CloudConfigDocument {
  /** Comment lines under the `#cloud-config` header (without `#`). */
  comment: string[];
  writeFiles: CloudConfigFile[];
  /** Shell commands cloud-init runs once, in order, at the end of the first boot. */
  runcmd: string[];
  /** Other top-level cloud-config keys (e.g. `ssh_deletekeys`), rendered before `write_files`. */
  settings?: Record<string, string | number | boolean>;
}

export function renderCloudConfig(document: CloudConfigDocument): string {
  const body = stringify(
    {
      ...document.settings,
      write_files: document.writeFiles.map((file) => ({
        path: file.path,
        owner: file.owner ?? 'root:root',
        permissions: file.permissions,
        content: file.content,
      })),
      runcmd: document.runcmd,
    },
    // Literal blocks keep scripts readable (and extractable) exactly as written; no line folding.
    { blockQuote: 'literal', lineWidth: 0 },
  );
  const header = ['#cloud-config', ...document.comment.map((line) => `# ${line}`.trimEnd())];
  return `${header.join('\n')}\n${body}`;
}

/**
 * RunInstances' UserData for a document: base64 of it, readable as is in the console. A document over
 * EC2's 16 KB limit is gzipped first (cloud-init unpacks gzip itself); gzip output is deterministic
 * here (no timestamp), so a retried launch sends identical parameters with its ClientToken.
 */
export function encodeUserData(document: string): string {
  const raw = Buffer.from(document, 'utf8');
  const payload = raw.length <= USER_DATA_LIMIT_BYTES ? raw : gzipSync(raw, { level: 9 });
  if (payload.length > USER_DATA_LIMIT_BYTES) {
    throw new Error(`user data is ${payload.length} bytes even gzipped; EC2 allows ${USER_DATA_LIMIT_BYTES}`);
  }
  return payload.toString('base64');
}

/** The document behind UserData as EC2 stores it (base64, possibly gzipped). */
export function decodeUserData(userData: string): string {
  const payload = Buffer.from(userData, 'base64');
  const gzipped = payload[0] === 0x1f && payload[1] === 0x8b;
  return (gzipped ? gunzipSync(payload) : payload).toString('utf8');
}
