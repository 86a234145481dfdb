/**
 * What every command sets up before it works: the config (with --region applied), the state file,
 * the lock, the AWS clients bound to the right account, the event bus with its reporter, and
 * SIGINT handling. Each piece is made only when the command needs it.
 */
import path from 'node:path';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from '../aws/clients.js';
import { awsCall } from '../aws/errors.js';
import { checkConfigRules, loadConfig } from '../config/index.js';
import type { Config } from '../config/index.js';
import { EventBus } from '../engine/events.js';
import type { EngineEnv } from '../engine/context.js';
import { ExitCode, InvalidInputError, WrongTargetError } from '../engine/errors.js';
import type { RunResult } from '../engine/runner.js';
import { StateStore, acquireLock } from '../state/index.js';
import type { StateLock } from '../state/index.js';
import { chooseReporterMode, createReporter, renderSummary, shouldUseColor } from '../ui/index.js';
import { exitCodeForFailures } from './errors.js';
import type { Reporter } from '../ui/index.js';
import type { CliIo } from './io.js';
import { TOOL_VERSION } from './version.js';

export interface GlobalOptions {
  config: string;
  profile?: string;
  region?: string;
  json: boolean;
  yes: boolean;
  debug: boolean;
}

export interface LoadedDeployment {
  config: Config;
  configPath: string;
  state: StateStore;
}

/** Loads the config and opens (without locking) its state file. */
export async function loadDeployment(options: GlobalOptions, io: CliIo): Promise<LoadedDeployment> {
  const configPath = path.resolve(io.cwd, options.config);
  const loaded = await loadConfig(configPath);
  const config = withRegionOverride(loaded.config, options.region, options.config);
  const state = await StateStore.open(StateStore.pathFor(configPath, config.name), {
    deployment: config.name,
    region: config.region,
    toolVersion: TOOL_VERSION,
  });
  return { config, configPath, state };
}

/** --region replaces the config's region; the config's rules (AZs belong to the region) apply again. */
function withRegionOverride(config: Config, region: string | undefined, source: string): Config {
  if (!region || region === config.region) return config;
  const changed = { ...config, region };
  const issues = checkConfigRules(changed);
  if (issues.length > 0) {
    throw new InvalidInputError(`--region ${region} does not fit ${source}`, {
      code: 'CONFIG_INVALID',
      issues: issues.map((i) => ({ path: i.path, message: i.message })),
      hint: `Change the availability zones in ${source} as well, or drop --region.`,
    });
  }
  return changed;
}

export function makeAws(config: Config, options: GlobalOptions, io: CliIo): AwsClients {
  const profile = options.profile ?? io.env.AWS_PROFILE ?? config.aws.profile;
  return io.createAws({
    region: config.region,
    maxAttempts: config.aws.maxAttempts,
    env: io.env,
    ...(profile ? { profile } : {}),
  });
}

/** Asks STS who we are and checks it against the account the state is bound to (binding it on apply). */
export async function checkAccount(
  aws: AwsClients,
  state: StateStore,
  mode: 'bind' | 'check',
): Promise<string> {
  const identity = await awsCall('checking AWS credentials (sts:GetCallerIdentity)', () =>
    aws.sts.send(new GetCallerIdentityCommand({})),
  );
  const account = identity.Account;
  if (!account) throw new WrongTargetError('STS did not return an account id for these credentials');
  if (mode === 'bind') await state.bindAccount(account);
  else if (state.snapshot.account && state.snapshot.account !== account) {
    throw new WrongTargetError(
      `The credentials belong to AWS account ${account}, but deployment ${state.snapshot.deployment} lives in account ${state.snapshot.account}`,
      { code: 'WRONG_ACCOUNT', hint: 'Select the right account with --profile or AWS_PROFILE.' },
    );
  }
  return account;
}

export async function lockState(state: StateStore, command: string, configPath: string): Promise<StateLock> {
  return acquireLock(state.path, { command, toolVersion: TOOL_VERSION, configPath });
}

export interface Reporting {
  bus: EventBus;
  reporter: Reporter;
  color: boolean;
}

export function startReporting(options: GlobalOptions, io: CliIo): Reporting {
  const color = shouldUseColor({ isTTY: io.isTTY, env: io.env });
  const mode = chooseReporterMode({ json: options.json, isTTY: io.isTTY, env: io.env });
  const reporter = createReporter(mode, {
    stderr: io.stderr,
    stdout: io.stdout,
    color,
    debug: options.debug,
  });
  const bus = new EventBus();
  bus.subscribe((event) => reporter.handle(event));
  return { bus, reporter, color };
}

/**
 * First SIGINT/SIGTERM: stop starting new work, let running calls finish, save state. A second one
 * exits at once (state is saved after every recorded resource, so nothing is lost).
 */
export function interruptOnSignals(io: CliIo, bus: EventBus): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: string) => {
    if (controller.signal.aborted) {
      process.exit(130);
    }
    bus.emit({
      level: 'warn',
      code: 'run.interrupt',
      message: `${name} received: finishing the calls in flight and saving state (press Ctrl-C again to quit at once)`,
    });
    controller.abort();
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  io.signals.on('SIGINT', onInt);
  io.signals.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    dispose: () => {
      io.signals.off('SIGINT', onInt);
      io.signals.off('SIGTERM', onTerm);
    },
  };
}

/** The command line that resumes or repeats a command for this config. */
export function commandLine(command: string, options: GlobalOptions, extra = ''): string {
  const config =
    options.config === 'gitlab-ha.yaml' || options.config === './gitlab-ha.yaml'
      ? ''
      : ` --config ${options.config}`;
  const profile = options.profile ? ` --profile ${options.profile}` : '';
  return `gitlab-ha ${command}${config}${profile}${extra}`;
}

export interface LockedDeployment extends LoadedDeployment {
  aws: AwsClients;
}

/** Loads the deployment, takes the state lock and builds the AWS clients around `body`. */
export async function withLockedDeployment(
  options: GlobalOptions,
  io: CliIo,
  command: string,
  body: (deployment: LockedDeployment) => Promise<number>,
): Promise<number> {
  const deployment = await loadDeployment(options, io);
  const lock = await lockState(deployment.state, commandLine(command, options), deployment.configPath);
  const aws = makeAws(deployment.config, options, io);
  try {
    return await body({ ...deployment, aws });
  } finally {
    aws.destroy();
    await lock.release();
  }
}

/**
 * Runs apply or destroy with a reporter and SIGINT handling, prints the summary on stdout and turns
 * the outcome into the exit code.
 */
export async function reportRun(
  options: GlobalOptions,
  io: CliIo,
  deployment: Pick<LoadedDeployment, 'config' | 'state'>,
  run: (env: EngineEnv) => Promise<RunResult>,
): Promise<number> {
  const { bus, reporter, color } = startReporting(options, io);
  const interrupt = interruptOnSignals(io, bus);
  try {
    const { summary, failures } = await run({
      config: deployment.config,
      state: deployment.state,
      bus,
      signal: interrupt.signal,
      timing: io.timing,
      env: io.env,
      httpProbe: io.httpProbe,
    });
    reporter.close();
    io.stdout.write(
      options.json ? `${JSON.stringify(summary, null, 2)}\n` : renderSummary(summary, { color }),
    );
    if (summary.outcome === 'interrupted') return ExitCode.interrupted;
    return exitCodeForFailures(failures);
  } finally {
    reporter.close();
    interrupt.dispose();
  }
}
