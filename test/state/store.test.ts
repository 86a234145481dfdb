import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidInputError, WrongTargetError } from '../../src/engine/errors.js';
import {
  STATE_SCHEMA_VERSION,
  StateStore,
  deploymentStateSchema,
  emptyStepState,
} from '../../src/state/index.js';
import type { DeploymentState } from '../../src/state/index.js';
import { useTempDirs } from './temp-dir.js';

const init = { deployment: 'demo', region: 'eu-west-1', toolVersion: '0.1.0' };
const makeTempDir = useTempDirs();

afterEach(() => {
  vi.restoreAllMocks();
});

function statePathIn(dir: string): string {
  return StateStore.pathFor(path.join(dir, 'gitlab-ha.yaml'), init.deployment);
}

async function readState(filePath: string): Promise<DeploymentState> {
  return deploymentStateSchema.parse(JSON.parse(await fs.readFile(filePath, 'utf8')));
}

function modeOf(stats: { mode: number }): number {
  return stats.mode & 0o777;
}

function validStateFile(overrides: Partial<DeploymentState> = {}): DeploymentState {
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    deployment: init.deployment,
    account: '123456789012',
    region: init.region,
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    toolVersion: '0.1.0',
    steps: { network: { status: 'done', resources: {}, outputs: { vpcId: 'vpc-0123' } } },
    ...overrides,
  };
}

/** Writes `content` as the state file and returns a function that asserts it is byte-for-byte unchanged. */
async function plantStateFile(filePath: string, content: string): Promise<() => Promise<void>> {
  await fs.writeFile(filePath, content, { mode: 0o600 });
  const before = await fs.stat(filePath);
  return async () => {
    expect(await fs.readFile(filePath, 'utf8')).toBe(content);
    expect((await fs.stat(filePath)).mtimeMs).toBe(before.mtimeMs);
    expect(await fs.readdir(path.dirname(filePath))).toEqual([path.basename(filePath)]);
  };
}

async function openError(filePath: string, options = init): Promise<InvalidInputError> {
  const error = await StateStore.open(filePath, options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InvalidInputError);
  return error as InvalidInputError;
}

describe('StateStore.pathFor', () => {
  it('puts the state beside the config, named after the deployment', () => {
    // GIVEN a config path in some directory
    // WHEN the state path is derived
    const statePath = StateStore.pathFor('/srv/gitlab/gitlab-ha.yaml', 'prod-gitlab');
    // THEN it is <dir of config>/<deployment>.state.json
    expect(statePath).toBe('/srv/gitlab/prod-gitlab.state.json');
  });

  it('refuses a deployment name that would escape the directory', () => {
    // GIVEN a name with a path separator WHEN deriving THEN it is rejected as a bug
    expect(() => StateStore.pathFor('/srv/gitlab-ha.yaml', '../evil')).toThrow(
      /cannot be used as a file name/,
    );
  });
});

describe('StateStore.open and update', () => {
  it('starts a fresh state without writing anything', async () => {
    // GIVEN an empty directory
    const dir = await makeTempDir();
    const statePath = statePathIn(dir);
    // WHEN the store is opened
    const store = await StateStore.open(statePath, init);
    // THEN it holds a fresh state in memory only
    expect(store.exists).toBe(false);
    expect(store.path).toBe(statePath);
    expect(store.snapshot).toMatchObject({
      schemaVersion: STATE_SCHEMA_VERSION,
      deployment: 'demo',
      region: 'eu-west-1',
      account: null,
      toolVersion: '0.1.0',
      steps: {},
    });
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('writes a valid 0600 file on update even under a permissive umask, keeping the previous one as .bak', async () => {
    // GIVEN a fresh store and a umask that would make new files world-readable
    const dir = await makeTempDir();
    const statePath = statePathIn(dir);
    const store = await StateStore.open(statePath, init);
    const previousUmask = process.umask(0o000);
    try {
      // WHEN two updates are made
      await store.update((draft) => {
        draft.steps.network = { ...emptyStepState(), status: 'in-progress' };
      });
      const firstVersion = await fs.readFile(statePath, 'utf8');
      await store.update((draft) => {
        draft.steps.network = { ...emptyStepState(), status: 'done', outputs: { vpcId: 'vpc-1' } };
      });

      // THEN the file is valid, owner-only and holds the latest state
      expect(store.exists).toBe(true);
      const saved = await readState(statePath);
      expect(saved.steps.network).toEqual({ status: 'done', resources: {}, outputs: { vpcId: 'vpc-1' } });
      expect(saved.updatedAt >= saved.createdAt).toBe(true);
      expect(modeOf(await fs.stat(statePath))).toBe(0o600);
      // AND the previous version is kept, also owner-only
      expect(await fs.readFile(`${statePath}.bak`, 'utf8')).toBe(firstVersion);
      expect(modeOf(await fs.stat(`${statePath}.bak`))).toBe(0o600);
      // AND no temp file is left behind
      expect((await fs.readdir(dir)).sort()).toEqual(['demo.state.json', 'demo.state.json.bak']);
    } finally {
      process.umask(previousUmask);
    }
  });

  it('loads what it saved', async () => {
    // GIVEN a state saved by one store
    const dir = await makeTempDir();
    const statePath = statePathIn(dir);
    const first = await StateStore.open(statePath, init);
    await first.update((draft) => {
      draft.steps.security = { ...emptyStepState(), status: 'done', outputs: { appSgId: 'sg-1' } };
    });
    // WHEN a second store opens the file
    const second = await StateStore.open(statePath, init);
    // THEN it sees the same state
    expect(second.exists).toBe(true);
    expect(second.snapshot).toEqual(first.snapshot);
  });

  it('hands out a frozen snapshot that later updates do not change', async () => {
    // GIVEN a snapshot taken before an update
    const dir = await makeTempDir();
    const store = await StateStore.open(statePathIn(dir), init);
    const before = store.snapshot;
    // WHEN the state is updated
    await store.update((draft) => {
      draft.steps.identity = emptyStepState();
    });
    // THEN the old snapshot is unchanged and cannot be changed
    expect(before.steps.identity).toBeUndefined();
    expect(store.snapshot.steps.identity).toEqual(emptyStepState());
    expect(Object.isFrozen(before)).toBe(true);
    expect(Object.isFrozen(store.snapshot.steps.identity?.resources)).toBe(true);
    expect(() => {
      (before as DeploymentState).region = 'us-east-1';
    }).toThrow(TypeError);
  });

  it('lands all 50 concurrent updates in the final file', async () => {
    // GIVEN a fresh store
    const dir = await makeTempDir();
    const statePath = statePathIn(dir);
    const store = await StateStore.open(statePath, init);
    // WHEN 50 updates arrive at once, as from steps running in parallel
    await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        store.update((draft) => {
          const step = (draft.steps.network ??= emptyStepState());
          step.outputs[`key${index}`] = index;
        }),
      ),
    );
    // THEN the file on disk has every one of them
    const saved = await readState(statePath);
    const expected = Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`key${index}`, index]));
    expect(saved.steps.network?.outputs).toEqual(expected);
    expect(await fs.readdir(dir)).not.toContainEqual(expect.stringContaining('.tmp-'));
  });

  it('changes nothing when a mutation throws', async () => {
    // GIVEN a saved state
    const dir = await makeTempDir();
    const statePath = statePathIn(dir);
    const store = await StateStore.open(statePath, init);
    await store.update((draft) => {
      draft.steps.network = emptyStepState();
    });
    const onDisk = await fs.readFile(statePath, 'utf8');
    // WHEN a mutation changes the draft and then throws
    const failing = store.update((draft) => {
      draft.steps.network = { ...emptyStepState(), status: 'failed' };
      throw new Error('step bug');
    });
    // THEN the update rejects and neither memory nor disk saw the partial change
    await expect(failing).rejects.toThrow('step bug');
    expect(store.snapshot.steps.network?.status).toBe('pending');
    expect(await fs.readFile(statePath, 'utf8')).toBe(onDisk);
  });

  it('rejects an async mutator, whose later changes would miss the save', async () => {
    // GIVEN a fresh store
    const dir = await makeTempDir();
    const store = await StateStore.open(statePathIn(dir), init);
    // WHEN update is given an async mutator
    const asyncUpdate = store.update(async (draft) => {
      draft.steps.network = emptyStepState();
      await Promise.resolve();
    });
    // THEN it is rejected as a bug and nothing is written
    await expect(asyncUpdate).rejects.toThrow('StateStore.update needs a synchronous mutator');
    expect(store.snapshot.steps.network).toBeUndefined();
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('refuses to save a state that breaks the schema', async () => {
    // GIVEN a fresh store
    const dir = await makeTempDir();
    const store = await StateStore.open(statePathIn(dir), init);
    // WHEN a mutation sets an unknown step status
    const invalid = store.update((draft) => {
      draft.steps.network = { ...emptyStepState(), status: 'sideways' as 'done' };
    });
    // THEN it is rejected as a bug naming the field, and nothing is written
    await expect(invalid).rejects.toThrow(/Refusing to save an invalid state: steps\.network\.status/);
    expect(await fs.readdir(dir)).toEqual([]);
  });
});

describe('StateStore crash safety', () => {
  it('ignores a temp file left by a crash mid-write and keeps the previous complete file', async () => {
    // GIVEN a saved state and a half-written temp file from a run that crashed before its rename
    const dir = await makeTempDir();
    const statePath = statePathIn(dir);
    const store = await StateStore.open(statePath, init);
    await store.update((draft) => {
      draft.steps.network = { ...emptyStepState(), status: 'done' };
    });
    const complete = await fs.readFile(statePath, 'utf8');
    await fs.writeFile(`${statePath}.tmp-999999-abcdef`, complete.slice(0, complete.length / 2));
    // WHEN the state is opened again and updated
    const reopened = await StateStore.open(statePath, init);
    // THEN the previous complete state is what is loaded
    expect(reopened.snapshot.steps.network?.status).toBe('done');
    await reopened.update((draft) => {
      draft.steps.security = emptyStepState();
    });
    expect((await readState(statePath)).steps.security).toEqual(emptyStepState());
  });

  it('keeps the previous file when the rename fails, and the next save carries every mutation', async () => {
    // GIVEN a saved state
    const dir = await makeTempDir();
    const statePath = statePathIn(dir);
    const store = await StateStore.open(statePath, init);
    await store.update((draft) => {
      draft.steps.network = { ...emptyStepState(), status: 'done' };
    });
    const previous = await fs.readFile(statePath, 'utf8');
    // WHEN the rename over the state file fails (as if the process died right before it)
    const rename = vi
      .spyOn(fs, 'rename')
      .mockRejectedValueOnce(Object.assign(new Error('EIO'), { code: 'EIO' }));
    const failed = store.update((draft) => {
      draft.steps.security = { ...emptyStepState(), status: 'done' };
    });
    // THEN the update rejects naming the file, the previous file is intact and the temp file is gone
    await expect(failed).rejects.toThrow(`Could not save state file ${statePath}: EIO`);
    expect(rename).toHaveBeenCalledTimes(1);
    expect(await fs.readFile(statePath, 'utf8')).toBe(previous);
    expect(await fs.readdir(dir)).not.toContainEqual(expect.stringContaining('.tmp-'));

    // AND WHEN the next update succeeds
    await store.update((draft) => {
      draft.steps.identity = { ...emptyStepState(), status: 'done' };
    });
    // THEN the file holds the mutation whose save failed as well as the new one
    const saved = await readState(statePath);
    expect(saved.steps.security?.status).toBe('done');
    expect(saved.steps.identity?.status).toBe('done');
  });
});

describe('StateStore.open rejects a state file it cannot trust, leaving it untouched', () => {
  it('rejects a file that is not JSON', async () => {
    // GIVEN a truncated state file and a backup beside it
    const dir = await makeTempDir();
    const statePath = statePathIn(dir);
    await fs.writeFile(`${statePath}.bak`, JSON.stringify(validStateFile()), { mode: 0o600 });
    await fs.writeFile(statePath, '{"schemaVersion": 1, "deploy', { mode: 0o600 });
    // WHEN it is opened
    const error = await openError(statePath);
    // THEN the error names the file and suggests restoring the backup
    expect(error.code).toBe('STATE_INVALID');
    expect(error.message).toContain(`State file ${statePath} is not valid JSON`);
    expect(error.hint).toContain(`cp ${statePath}.bak ${statePath}`);
    expect(error.source).toBe(statePath);
    expect(await fs.readFile(statePath, 'utf8')).toBe('{"schemaVersion": 1, "deploy');
  });

  it('rejects a file that breaks the schema, naming the path and the problem', async () => {
    // GIVEN a state file with an unknown step status and no backup
    const dir = await makeTempDir();
    const statePath = statePathIn(dir);
    const bad = {
      ...validStateFile(),
      steps: { network: { status: 'sideways', resources: {}, outputs: {} } },
    };
    const assertUntouched = await plantStateFile(statePath, JSON.stringify(bad));
    // WHEN it is opened
    const error = await openError(statePath);
    // THEN the error locates the bad field and says there is no backup to restore
    expect(error.code).toBe('STATE_INVALID');
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toBe('steps.network.status');
    expect(error.message).toContain(
      `State file ${statePath} is not a valid gitlab-ha state: steps.network.status:`,
    );
    expect(error.hint).toContain(`No backup (${statePath}.bak) exists`);
    await assertUntouched();
  });

  it('rejects a file written by a newer gitlab-ha', async () => {
    // GIVEN a state file with a schema version from the future
    const dir = await makeTempDir();
    const statePath = statePathIn(dir);
    const future = { ...validStateFile(), schemaVersion: STATE_SCHEMA_VERSION + 1, toolVersion: '9.0.0' };
    const assertUntouched = await plantStateFile(statePath, JSON.stringify(future));
    // WHEN it is opened
    const error = await openError(statePath);
    // THEN the error says to upgrade gitlab-ha
    expect(error.code).toBe('STATE_INVALID');
    expect(error.message).toContain(
      `schema version ${STATE_SCHEMA_VERSION + 1}, written by a newer gitlab-ha (gitlab-ha 9.0.0)`,
    );
    expect(error.hint).toMatch(/^Upgrade gitlab-ha/);
    await assertUntouched();
  });

  it('rejects a file that belongs to another deployment', async () => {
    // GIVEN a state file of deployment "other"
    const dir = await makeTempDir();
    const statePath = statePathIn(dir);
    const assertUntouched = await plantStateFile(
      statePath,
      JSON.stringify(validStateFile({ deployment: 'other' })),
    );
    // WHEN it is opened for deployment "demo"
    const error = await openError(statePath);
    // THEN the error names both deployments and points at --config
    expect(error.code).toBe('STATE_MISMATCH');
    expect(error.message).toContain(`belongs to deployment 'other', but the config names deployment 'demo'`);
    expect(error.hint).toContain('point --config at its config file');
    await assertUntouched();
  });

  it('rejects a file made in another region', async () => {
    // GIVEN a state file for us-east-1
    const dir = await makeTempDir();
    const statePath = statePathIn(dir);
    const assertUntouched = await plantStateFile(
      statePath,
      JSON.stringify(validStateFile({ region: 'us-east-1' })),
    );
    // WHEN it is opened for a run targeting eu-west-1
    const error = await openError(statePath);
    // THEN the error names both regions
    expect(error.code).toBe('STATE_MISMATCH');
    expect(error.message).toContain('records region us-east-1');
    expect(error.message).toContain('this run targets eu-west-1');
    expect(error.issues[0]?.path).toBe('region');
    await assertUntouched();
  });
});

describe('StateStore.bindAccount', () => {
  it('records the account on first use and accepts it again', async () => {
    // GIVEN a fresh store
    const dir = await makeTempDir();
    const statePath = statePathIn(dir);
    const store = await StateStore.open(statePath, init);
    const rename = vi.spyOn(fs, 'rename');
    // WHEN the account is bound, twice
    await store.bindAccount('123456789012');
    await store.bindAccount('123456789012');
    // THEN it is saved once and the second call changes nothing
    expect((await readState(statePath)).account).toBe('123456789012');
    expect(rename).toHaveBeenCalledTimes(1);
  });

  it('refuses credentials for another account', async () => {
    // GIVEN a state bound to one account
    const dir = await makeTempDir();
    const statePath = statePathIn(dir);
    await plantStateFile(statePath, JSON.stringify(validStateFile({ account: '123456789012' })));
    const store = await StateStore.open(statePath, init);
    // WHEN credentials of another account are bound
    const error = await store.bindAccount('210987654321').catch((caught: unknown) => caught);
    // THEN a WrongTargetError names both accounts and how to pick the right profile
    expect(error).toBeInstanceOf(WrongTargetError);
    const wrongTarget = error as WrongTargetError;
    expect(wrongTarget.message).toContain('The AWS credentials point at account 210987654321');
    expect(wrongTarget.message).toContain(`deployment 'demo' lives in account 123456789012`);
    expect(wrongTarget.hint).toContain('--profile');
    expect(store.snapshot.account).toBe('123456789012');
    expect((await readState(statePath)).account).toBe('123456789012');
  });
});

describe('StateStore secret guard', () => {
  it('refuses to save a password value and writes nothing', async () => {
    // GIVEN a fresh store
    const dir = await makeTempDir();
    const store = await StateStore.open(statePathIn(dir), init);
    // WHEN a step records a password as an output
    const leaking = store.update((draft) => {
      draft.steps.database = { ...emptyStepState(), outputs: { dbPassword: 'x' } };
    });
    // THEN the save is refused, naming the key but not the value
    await expect(leaking).rejects.toThrow(
      /^Refusing to save state: steps\.database\.outputs\.dbPassword looks like a secret/,
    );
    expect(store.snapshot.steps.database).toBeUndefined();
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('saves the SSM parameter name of a password', async () => {
    // GIVEN a fresh store
    const dir = await makeTempDir();
    const statePath = statePathIn(dir);
    const store = await StateStore.open(statePath, init);
    // WHEN a step records where the password lives
    await store.update((draft) => {
      draft.steps.database = {
        ...emptyStepState(),
        outputs: { dbPasswordParameterName: '/gitlab-ha/x/db-password' },
      };
    });
    // THEN it is saved
    expect((await readState(statePath)).steps.database?.outputs).toEqual({
      dbPasswordParameterName: '/gitlab-ha/x/db-password',
    });
  });
});
