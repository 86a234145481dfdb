/**
 * Everything the CLI takes from its surroundings, injectable so tests drive the real commands with
 * captured streams, the fake AWS and fast waits.
 */
import type { EventEmitter } from 'node:events';
import type { AwsClientOptions, AwsClients } from '../aws/clients.js';
import type { HttpProbe, Timing } from '../engine/step.js';
import type { Prompts } from '../init/prompts.js';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Whether stderr/stdin are a terminal (spinners, colours, confirmation prompts). */
  isTTY: boolean;
  cwd: string;
  /** Builds the AWS clients; tests pass the fake's. */
  createAws(options: AwsClientOptions): AwsClients;
  timing: Timing;
  /** Where SIGINT/SIGTERM arrive (the process, or an emitter in tests). */
  signals: Pick<EventEmitter, 'on' | 'off'>;
  /** Asks the user to type `expected` to confirm; resolves to what was typed. */
  askToType(message: string, expected: string): Promise<string>;
  /** Steps that run at once. */
  concurrency: number;
  /** HTTP GET used for GitLab's readiness URL; tests inject a fake. */
  httpProbe: HttpProbe;
  /** The init wizard's questions (asked only when isTTY); tests inject scripted answers. */
  prompts: Prompts;
}
