/**
 * The deployment's state file: loaded and checked once, then changed only through `update`, which
 * validates the result, refuses secrets and saves atomically. Steps running in parallel may call
 * `update` at the same time; writes are serialized so the file on disk always ends up with every
 * mutation made so far.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { InvalidInputError, WrongTargetError } from '../engine/errors.js';
import type { InputIssue } from '../engine/errors.js';
import { backupPathFor, writeFileAtomic } from './atomic-write.js';
import { errorCode } from './fs-error.js';
import { STATE_SCHEMA_VERSION, deploymentStateSchema } from './schema.js';
import type { DeploymentState } from './schema.js';
import { assertNoSecrets } from './secret-guard.js';

export interface StateStoreInit {
  /** Deployment name from the config; the file must belong to it. */
  deployment: string;
  /** Region this run targets; the file must have been made in it. */
  region: string;
  /** Version of this tool, recorded in the file on every save. */
  toolVersion: string;
}

export class StateStore {
  private state: DeploymentState;
  private frozenSnapshot: DeploymentState | undefined;
  private onDisk: boolean;
  /** The most recent write; the next one starts only after it has settled. */
  private lastWrite: Promise<void> = Promise.resolve();
  /** A write that is queued but has not yet serialized the state, so later updates can join it. */
  private queuedWrite: Promise<void> | undefined;

  private constructor(
    private readonly filePath: string,
    state: DeploymentState,
    onDisk: boolean,
    private readonly toolVersion: string,
  ) {
    this.state = state;
    this.onDisk = onDisk;
  }

  /** `<dir of config>/<deployment>.state.json`: the state lives beside the config it belongs to. */
  static pathFor(configPath: string, deployment: string): string {
    if (deployment.length === 0 || deployment !== path.basename(deployment) || deployment.startsWith('.')) {
      throw new Error(`Deployment name ${JSON.stringify(deployment)} cannot be used as a file name`);
    }
    return path.join(path.dirname(path.resolve(configPath)), `${deployment}.state.json`);
  }

  /** Loads and checks the file at `filePath`, or starts a fresh state (written on the first update). */
  static async open(filePath: string, init: StateStoreInit): Promise<StateStore> {
    const text = await readIfPresent(filePath);
    if (text === undefined) return new StateStore(filePath, freshState(init), false, init.toolVersion);
    const state = await parseStateFile(filePath, text);
    assertBelongsToThisRun(filePath, state, init);
    return new StateStore(filePath, state, true, init.toolVersion);
  }

  /** True when the file was on disk at open or has been written since. */
  get exists(): boolean {
    return this.onDisk;
  }

  get path(): string {
    return this.filePath;
  }

  /** A deep-frozen copy of the current state; a new one after each update. */
  get snapshot(): Readonly<DeploymentState> {
    this.frozenSnapshot ??= deepFreeze(structuredClone(this.state));
    return this.frozenSnapshot;
  }

  /**
   * Applies `mutate` to a copy of the state, checks the result (schema, no secrets), makes it the
   * current state and saves. A mutation that throws or produces an invalid state changes nothing.
   * Resolves once a save containing this mutation is on disk.
   */
  async update(mutate: (draft: DeploymentState) => void): Promise<void> {
    // Synchronous up to the await, so concurrent callers' mutations apply in call order and none is lost.
    const draft = structuredClone(this.state);
    const returned: unknown = mutate(draft);
    if (returned instanceof Promise) {
      // Changes made after the mutator's first await would miss this save: a bug in the caller.
      throw new Error(
        'StateStore.update needs a synchronous mutator; do the async work before calling update',
      );
    }
    draft.updatedAt = new Date().toISOString();
    draft.toolVersion = this.toolVersion;
    this.state = validateForSave(draft);
    this.frozenSnapshot = undefined;
    await this.scheduleSave();
  }

  /**
   * Ties the deployment to the AWS account the credentials resolve to. The first run records it;
   * later runs must use the same account, so a wrong profile cannot touch (or duplicate) resources.
   */
  async bindAccount(account: string): Promise<void> {
    if (this.state.account === account) return;
    await this.update((draft) => {
      if (draft.account !== null && draft.account !== account) {
        throw new WrongTargetError(
          `The AWS credentials point at account ${account}, but deployment '${draft.deployment}' lives in account ` +
            `${draft.account} (recorded in ${this.filePath}).`,
          {
            code: 'WRONG_ACCOUNT',
            hint: `Select credentials for account ${draft.account} with --profile (or AWS_PROFILE) and run again.`,
          },
        );
      }
      draft.account = account;
    });
  }

  private scheduleSave(): Promise<void> {
    if (this.queuedWrite !== undefined) return this.queuedWrite;
    const write = this.lastWrite
      .catch(() => undefined) // a failed save must not block later ones; its caller has the error
      .then(() => {
        this.queuedWrite = undefined;
        // Serialized now, synchronously: this write carries every mutation applied before it started.
        return this.save(`${JSON.stringify(this.state, null, 2)}\n`);
      });
    this.queuedWrite = write;
    this.lastWrite = write;
    return write;
  }

  private async save(content: string): Promise<void> {
    try {
      await writeFileAtomic(this.filePath, content, { backup: true });
    } catch (error) {
      throw new Error(`Could not save state file ${this.filePath}: ${describe(error)}`, { cause: error });
    }
    this.onDisk = true;
  }
}

function freshState(init: StateStoreInit): DeploymentState {
  const now = new Date().toISOString();
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    deployment: init.deployment,
    account: null,
    region: init.region,
    createdAt: now,
    updatedAt: now,
    toolVersion: init.toolVersion,
    steps: {},
  };
}

async function readIfPresent(filePath: string): Promise<string | undefined> {
  try {
    return await fs.readFile(filePath, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new InvalidInputError(`Cannot read state file ${filePath}: ${describe(error)}`, {
      code: 'STATE_INVALID',
      source: filePath,
      hint: 'Check that it is a regular file readable by you (it should be mode 0600 and owned by you).',
      cause: error,
    });
  }
}

async function parseStateFile(filePath: string, text: string): Promise<DeploymentState> {
  const restoreHint = await restoreHintFor(filePath);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`State file ${filePath} is not valid JSON (${describe(error)}).`, {
      code: 'STATE_INVALID',
      source: filePath,
      issues: [{ path: '', message: `not valid JSON: ${describe(error)}` }],
      hint: restoreHint,
      cause: error,
    });
  }

  const version = isRecord(json) ? json.schemaVersion : undefined;
  if (typeof version === 'number' && version > STATE_SCHEMA_VERSION) {
    const writer =
      isRecord(json) && typeof json.toolVersion === 'string' ? ` (gitlab-ha ${json.toolVersion})` : '';
    throw new InvalidInputError(
      `State file ${filePath} has schema version ${version}, written by a newer gitlab-ha${writer}; ` +
        `this gitlab-ha understands up to version ${STATE_SCHEMA_VERSION}.`,
      {
        code: 'STATE_INVALID',
        source: filePath,
        issues: [{ path: 'schemaVersion', message: `${version} is newer than ${STATE_SCHEMA_VERSION}` }],
        hint: 'Upgrade gitlab-ha to the version that wrote this file (or newer) and run again.',
      },
    );
  }

  const parsed = deploymentStateSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(toInputIssue);
    const listed = issues.map((issue) => `${issue.path || '(document)'}: ${issue.message}`).join('; ');
    throw new InvalidInputError(`State file ${filePath} is not a valid gitlab-ha state: ${listed}.`, {
      code: 'STATE_INVALID',
      source: filePath,
      issues,
      hint: restoreHint,
    });
  }
  return parsed.data;
}

async function restoreHintFor(filePath: string): Promise<string> {
  const backupPath = backupPathFor(filePath);
  const fixByHand = `fix the file by hand; never delete it while the deployment still has AWS resources`;
  try {
    await fs.access(backupPath);
    return `Restore the previous version (cp ${backupPath} ${filePath}) or ${fixByHand}.`;
  } catch {
    return `No backup (${backupPath}) exists: ${fixByHand}.`;
  }
}

function assertBelongsToThisRun(filePath: string, state: DeploymentState, init: StateStoreInit): void {
  if (state.deployment !== init.deployment) {
    throw new InvalidInputError(
      `State file ${filePath} belongs to deployment '${state.deployment}', but the config names deployment '${init.deployment}'.`,
      {
        code: 'STATE_MISMATCH',
        source: filePath,
        issues: [
          {
            path: 'deployment',
            message: `'${state.deployment}' does not match the config's '${init.deployment}'`,
          },
        ],
        hint:
          `To manage '${state.deployment}', point --config at its config file. ` +
          `If this file was copied from another deployment, move it away from ${path.dirname(filePath)}.`,
      },
    );
  }
  if (state.region !== init.region) {
    throw new InvalidInputError(
      `State file ${filePath} records region ${state.region} for deployment '${state.deployment}', ` +
        `but this run targets ${init.region}.`,
      {
        code: 'STATE_MISMATCH',
        source: filePath,
        issues: [
          { path: 'region', message: `${state.region} does not match the target region ${init.region}` },
        ],
        hint:
          `Target ${state.region} again (config region, --region, AWS_REGION or AWS_DEFAULT_REGION), ` +
          `or use a new deployment name to build in ${init.region}.`,
      },
    );
  }
}

/** A state that fails the schema here was produced by our own code: a bug, hence a plain Error. */
function validateForSave(draft: DeploymentState): DeploymentState {
  const parsed = deploymentStateSchema.safeParse(draft);
  if (!parsed.success) {
    const listed = parsed.error.issues
      .map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`)
      .join('; ');
    throw new Error(`Refusing to save an invalid state: ${listed}`);
  }
  assertNoSecrets(parsed.data);
  return parsed.data;
}

function toInputIssue(issue: z.core.$ZodIssue): InputIssue {
  return { path: formatIssuePath(issue.path), message: issue.message };
}

function formatIssuePath(issuePath: readonly PropertyKey[]): string {
  return issuePath.reduce<string>((joined, key) => {
    if (typeof key === 'number') return `${joined}[${key}]`;
    return joined === '' ? String(key) : `${joined}.${String(key)}`;
  }, '');
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
