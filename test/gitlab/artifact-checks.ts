/**
 * Checks of generated node artifacts by their own tools (ruby -c, cloud-init schema, bash -n,
 * shellcheck), and the pieces of a `#cloud-config` document, for the Rails node tests.
 */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';

export interface WrittenFile {
  path: string;
  owner: string;
  permissions: string;
  content: string;
}

export interface ParsedCloudConfig {
  write_files: WrittenFile[];
  runcmd: string[];
  [key: string]: unknown;
}

export function parseCloudConfig(document: string): ParsedCloudConfig {
  return parse(document) as ParsedCloudConfig;
}

export function fileIn(document: string, filePath: string): string {
  const file = parseCloudConfig(document).write_files.find((f) => f.path === filePath);
  if (!file) throw new Error(`no ${filePath} in the document`);
  return file.content;
}

export interface RunResult {
  status: number | null;
  output: string;
}

export function run(command: string, args: string[], env?: NodeJS.ProcessEnv): RunResult {
  const result = spawnSync(command, args, { encoding: 'utf8', env: env ?? process.env });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export async function rubyCheck(dir: string, name: string, gitlabRb: string): Promise<RunResult> {
  const file = path.join(dir, name);
  await writeFile(file, gitlabRb);
  return run('ruby', ['-c', file]);
}

export async function cloudInitSchema(dir: string, name: string, document: string): Promise<RunResult> {
  const file = path.join(dir, name);
  await writeFile(file, document);
  return run('cloud-init', ['schema', '--config-file', file]);
}

/** The shell scripts a document carries (bash files and runcmd), written to `dir`. */
export async function extractScripts(
  dir: string,
  document: string,
): Promise<{ name: string; file: string }[]> {
  const parsed = parseCloudConfig(document);
  const scripts = parsed.write_files
    .filter((f) => f.content.startsWith('#!/bin/bash') || f.path.endsWith('.sh'))
    .map((f) => ({ name: path.basename(f.path), content: f.content }));
  scripts.push({ name: 'runcmd', content: `${parsed.runcmd.join('\n')}\n` });
  const written = [];
  for (const script of scripts) {
    const file = path.join(dir, script.name);
    await writeFile(file, script.content);
    written.push({ name: script.name, file });
  }
  return written;
}
