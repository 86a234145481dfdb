/**
 * The command line: commander wiring only. Each command lives in commands/; this file parses,
 * dispatches, and is the one top-level catch that turns errors into messages and exit codes.
 */
import { Command, CommanderError, Option } from 'commander';
import { createAwsClients } from '../aws/clients.js';
import { ExitCode } from '../engine/errors.js';
import { PRODUCTION_TIMING } from '../engine/step.js';
import { askToType, createTerminalPrompts } from '../ui/prompts.js';
import { fetchProbe } from './http-probe.js';
import { applyCommand } from './commands/apply.js';
import { costCommand } from './commands/cost.js';
import { destroyCommand } from './commands/destroy.js';
import { addInitOptions, INIT_DESCRIPTION, initCommand, initOptionsFrom } from './commands/init.js';
import { DETAILED_EXIT_CODE, planCommand } from './commands/plan.js';
import type { PlanOptions } from './commands/plan.js';
import { schemaCommand } from './commands/schema.js';
import { statusCommand } from './commands/status.js';
import { unlockCommand } from './commands/unlock.js';
import { describeError } from './errors.js';
import type { CliIo } from './io.js';
import type { GlobalOptions } from './session.js';
import { TOOL_VERSION } from './version.js';

const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    internal error (a bug; rerun with --debug and report it)
  2    invalid input: config file, flags or state file (nothing was changed)
  3    provisioning failed: AWS refused, or a bounded wait timed out (progress is saved; rerun to resume)
  4    another run holds the state lock (see "gitlab-ha unlock")
  5    credentials missing, or they point at another AWS account than the deployment
  6    cancelled at a confirmation prompt
  130  interrupted (SIGINT/SIGTERM); state was saved, rerun the same command to resume
"gitlab-ha plan --detailed-exitcode" exits 0 (no changes), 2 (changes) or 1 (any error) instead.`;

const PLAN_HELP = `
Shows per step what apply would create, adopt, update or leave; the waves the steps run in (the
steps of a wave run concurrently); the estimated time from typical AWS creation times along the
critical path; and the monthly cost (per resource: gitlab-ha cost).

Exit codes with --detailed-exitcode (as terraform plan):
  0    no changes: AWS matches the config
  1    error, of any kind (invalid input included)
  2    changes: apply would create, adopt, update or delete something
Without it, plan exits 0 and errors keep the codes listed in "gitlab-ha --help".

Examples:
  gitlab-ha plan --config examples/gitlab-ha.yaml
  gitlab-ha plan --live --json
  gitlab-ha plan --detailed-exitcode || [ $? -eq 2 ]   # CI: fail on errors only
  gitlab-ha plan --show-user-data auto-scaling`;

let pipeHandlerInstalled = false;

/** `gitlab-ha plan | head`: a closed pipe ends output quietly instead of crashing with EPIPE. */
function quietOnClosedPipe(): void {
  if (pipeHandlerInstalled) return;
  pipeHandlerInstalled = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
}

function defaultIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    isTTY: Boolean(process.stderr.isTTY && process.stdin.isTTY),
    cwd: process.cwd(),
    createAws: createAwsClients,
    timing: PRODUCTION_TIMING,
    signals: process,
    askToType,
    concurrency: 4,
    httpProbe: fetchProbe,
    prompts: createTerminalPrompts({ input: process.stdin, output: process.stderr }),
  };
}

function buildProgram(io: CliIo, run: (action: () => Promise<number> | number) => Promise<void>): Command {
  const program = new Command()
    .name('gitlab-ha')
    .description('Provision a highly available GitLab on AWS: idempotent, resumable, and safe to re-run.')
    .version(TOOL_VERSION, '-V, --version', 'print the version')
    .option('-c, --config <file>', 'deployment config', 'gitlab-ha.yaml')
    .option('--profile <name>', 'AWS profile (default: AWS_PROFILE, then the config, then the default chain)')
    .option('--region <region>', "AWS region (overrides the config's region)")
    .option('--json', 'machine-readable output: results as JSON on stdout, events as NDJSON on stderr', false)
    .option('-y, --yes', 'answer yes to confirmations (destroy)', false)
    .option('--debug', 'show debug events and stack traces', false)
    .showHelpAfterError()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride()
    .addHelpText('after', EXIT_CODES_HELP);

  const globals = (command: Command) => command.optsWithGlobals() as GlobalOptions;

  addInitOptions(program.command('init').description(INIT_DESCRIPTION)).action((_opts, command: Command) =>
    run(() => initCommand(initOptionsFrom(command), io)),
  );

  program
    .command('plan')
    .description('show what apply would do; offline (no credentials) unless --live or a state file exists')
    .option('--live', 'read AWS to show create / adopt / noop per resource', false)
    .option('--verbose', 'also list the resources of steps with nothing to do', false)
    .option(
      '--detailed-exitcode',
      'for CI: exit 0 when there is nothing to change, 2 when there are changes, 1 on any error',
      false,
    )
    .option(
      '--show-user-data <step>',
      "print the cloud-init user data and gitlab.rb of a step's instances (storage, image, auto-scaling); offline",
    )
    .addHelpText('after', PLAN_HELP)
    .action((_opts, command: Command) => {
      const opts = command.opts<PlanOptions & { live: boolean }>();
      return run(() => planCommand({ ...globals(command), ...opts }, io));
    });

  program
    .command('cost')
    .description('monthly on-demand cost per resource; offline (bundled prices) unless --live-prices')
    .option('--live-prices', 'ask the AWS Price List API for current prices (needs credentials)', false)
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  gitlab-ha cost --config examples/gitlab-ha.yaml',
        '  gitlab-ha cost --config gitlab-ha.yaml --live-prices --json',
      ].join('\n'),
    )
    .action((_opts, command: Command) =>
      run(() => costCommand({ ...globals(command), livePrices: command.opts().livePrices as boolean }, io)),
    );

  program
    .command('apply')
    .description('create or converge the deployment; resumes from the state file after an interruption')
    .addHelpText('after', '\nExample:\n  gitlab-ha apply --config gitlab-ha.yaml --profile prod')
    .action((_opts, command: Command) => run(() => applyCommand(globals(command), io)));

  program
    .command('status')
    .description("each step's recorded and live state, endpoints, health and drift")
    .addHelpText('after', '\nExample:\n  gitlab-ha status --config gitlab-ha.yaml --json')
    .action((_opts, command: Command) => run(() => statusCommand(globals(command), io)));

  program
    .command('destroy')
    .description('delete the deployment in reverse dependency order, after typing its name (or --yes)')
    .addOption(
      new Option('--force', 'also delete resources that were adopted (not created by gitlab-ha)').default(
        false,
      ),
    )
    .addOption(
      new Option(
        '--skip-final-snapshots',
        'do not snapshot the database, the storage volume and Redis before deleting them (their data is lost)',
      ).default(false),
    )
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  gitlab-ha destroy --config gitlab-ha.yaml',
        '  gitlab-ha destroy --config test.yaml --yes --skip-final-snapshots   # a throw-away test deployment',
      ].join('\n'),
    )
    .action((_opts, command: Command) => {
      const opts = command.opts<{ force: boolean; skipFinalSnapshots: boolean }>();
      return run(() =>
        destroyCommand(
          { ...globals(command), force: opts.force, skipFinalSnapshots: opts.skipFinalSnapshots },
          io,
        ),
      );
    });

  program
    .command('unlock')
    .description('remove a stale state lock left by a run that died')
    .addOption(new Option('--force', 'also remove a lock taken on another host').default(false))
    .addHelpText('after', '\nExample:\n  gitlab-ha unlock --config gitlab-ha.yaml')
    .action((_opts, command: Command) =>
      run(() => unlockCommand({ ...globals(command), force: command.opts().force as boolean }, io)),
    );

  program
    .command('schema')
    .description("print the config's JSON Schema (for editors' YAML language servers)")
    .addHelpText('after', '\nExample:\n  gitlab-ha schema > gitlab-ha.schema.json')
    .action(() => run(() => schemaCommand(io)));

  return program;
}

/** Runs the CLI and resolves to the exit code; never throws. */
export async function main(argv: readonly string[], overrides: Partial<CliIo> = {}): Promise<number> {
  if (overrides.stdout === undefined) quietOnClosedPipe();
  const io: CliIo = { ...defaultIo(), ...overrides };
  let exitCode: number = ExitCode.ok;
  let debug = argv.includes('--debug');
  const run = async (action: () => Promise<number> | number) => {
    exitCode = await action();
  };
  const program = buildProgram(io, run);
  let subcommand: string | undefined;
  program.hook('preSubcommand', (_program, chosen) => {
    subcommand = chosen.name();
  });
  // Read from argv, not the parsed options: a usage error stops parsing before the flag is seen.
  const errorCode = (code: number) =>
    subcommand === 'plan' && argv.includes('--detailed-exitcode') ? DETAILED_EXIT_CODE.error : code;
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with code 0; usage errors are invalid input.
      return error.exitCode === 0 ? ExitCode.ok : errorCode(ExitCode.invalidInput);
    }
    debug ||= Boolean((program.opts() as Partial<GlobalOptions>).debug);
    const { text, exitCode: code } = describeError(error, { debug });
    io.stderr.write(`${text}\n`);
    return errorCode(code);
  }
  return exitCode;
}
