/**
 * `gitlab-ha init`: the wizard that writes gitlab-ha.yaml. Every question has a flag; with all of
 * them (or --defaults) it needs no terminal, and without a terminal a missing answer is an error
 * naming the flags (exit 2), never a prompt that hangs. At the end: what will be built, what it
 * costs a month, and "apply now?".
 */
import path from 'node:path';
import { Option, type Command } from 'commander';
import { parseConfig } from '../../config/index.js';
import { estimateMonthlyCost, bundledPriceSource } from '../../cost/index.js';
import { InterruptedError, InvalidInputError } from '../../engine/errors.js';
import {
  INIT_FLAGS,
  answersFromFlags,
  attributeName,
  checkOutputFile,
  createAwsLookup,
  renderConfigYaml,
  renderInitSummary,
  runWizard,
  schemaReference,
  writeConfigFile,
  type Prompts,
} from '../../init/index.js';
import { shouldUseColor } from '../../ui/index.js';
import { renderCostEstimate } from '../../ui/render/cost.js';
import type { CliIo } from '../io.js';
import type { GlobalOptions } from '../session.js';
import { applyCommand } from './apply.js';

export interface InitCommandOptions extends GlobalOptions {
  /** Where to write; the global --config when not given. */
  output?: string;
  force: boolean;
  defaults: boolean;
  /** --apply / --no-apply; undefined: ask (with a terminal) or not (without). */
  apply?: boolean;
  /** Commander's values of the question flags (see INIT_FLAGS). */
  answerFlags: Readonly<Record<string, unknown>>;
}

export const INIT_DESCRIPTION =
  'write gitlab-ha.yaml by answering questions (or from flags), then optionally apply it';

const INIT_EXAMPLES = `
Every question has a flag; with all of them, or --defaults, init runs without a terminal.
--region and --profile are the global options.

Examples:
  gitlab-ha init
  gitlab-ha init --region eu-west-1 --name acme-gitlab --external-url https://gitlab.acme.example \\
      --certificate-arn arn:aws:acm:eu-west-1:123456789012:certificate/... --defaults --no-apply`;

/** Adds init's options to its commander command. */
export function addInitOptions(command: Command): Command {
  for (const flag of INIT_FLAGS) {
    if (flag.global) continue;
    const option = new Option(flag.flags, flag.description);
    command.addOption(flag.choices ? option.choices([...flag.choices]) : option);
    if (flag.kind === 'boolean') command.addOption(new Option(`--no-${flag.flags.slice(2)}`).hideHelp());
  }
  return command
    .option('-o, --output <file>', 'where to write the config (default: --config, i.e. gitlab-ha.yaml)')
    .option('--force', 'replace an existing file without asking (it is kept as <file>.bak)', false)
    .option('--defaults', 'take the default for every question not given by a flag', false)
    .option('--apply', 'apply the new config right away')
    .option('--no-apply', 'do not offer to apply')
    .addHelpText('after', INIT_EXAMPLES);
}

/** init's options from its parsed command (the global options included). */
export function initOptionsFrom(command: Command): InitCommandOptions {
  const all = command.optsWithGlobals<Record<string, unknown>>();
  const answerFlags = Object.fromEntries(
    INIT_FLAGS.map((flag) => [attributeName(flag), all[attributeName(flag)]]),
  );
  return {
    ...(all as unknown as GlobalOptions),
    ...(typeof all['output'] === 'string' ? { output: all['output'] } : {}),
    force: all['force'] === true,
    defaults: all['defaults'] === true,
    ...(typeof all['apply'] === 'boolean' ? { apply: all['apply'] } : {}),
    answerFlags,
  };
}

export async function initCommand(options: InitCommandOptions, io: CliIo): Promise<number> {
  const flags = answersFromFlags(options.answerFlags);
  if (flags.issues.length > 0) {
    throw new InvalidInputError('Some init flags are not valid', {
      code: 'INIT_INPUT',
      issues: flags.issues,
      hint: 'Fix the flags listed and run again.',
    });
  }
  const prompts: Prompts | undefined = io.isTTY ? io.prompts : undefined;
  const shownAs = options.output ?? options.config;
  const target = path.resolve(io.cwd, shownAs);
  const note = (text: string) => io.stderr.write(`${text}\n`);

  const { answers, config } = await nothingWrittenIfCancelled(async () => {
    await checkOutputFile(target, { force: options.force, prompts, shownAs });
    return runWizard({
      prompts,
      flags: flags.answers,
      useDefaults: options.defaults,
      env: io.env,
      note,
      lookupFor: (profile, homeRegion) =>
        createAwsLookup({
          homeRegion,
          // Two attempts: a wizard waiting on retries helps nobody; the lookups are optional.
          clientsFor: (region) =>
            io.createAws({ region, maxAttempts: 2, env: io.env, ...(profile ? { profile } : {}) }),
        }),
    });
  });

  const text = renderConfigYaml(answers, { schemaReference: schemaReference(target) });
  // The file must load exactly as `apply` will read it; anything else is a bug here, not bad input.
  parseConfig(text, shownAs);
  await writeConfigFile(target, text);

  const color = shouldUseColor({ isTTY: io.isTTY, env: io.env });
  io.stdout.write(`Wrote ${shownAs}\n\n${renderInitSummary(config)}\n`);
  io.stdout.write(`Estimated monthly cost (on-demand, bundled prices):\n\n`);
  io.stdout.write(renderCostEstimate(estimateMonthlyCost(config, bundledPriceSource()), { color }));
  io.stdout.write(`\nFor current prices: gitlab-ha cost${configFlag(shownAs)} --live-prices\n`);

  if (!(await shouldApply(options, prompts, shownAs))) {
    io.stdout.write(
      `\nNext: gitlab-ha plan${configFlag(shownAs)}, then gitlab-ha apply${configFlag(shownAs)}\n`,
    );
    return 0;
  }
  io.stdout.write('\n');
  return applyCommand({ ...options, config: shownAs }, io);
}

async function shouldApply(options: InitCommandOptions, prompts: Prompts | undefined, shownAs: string) {
  if (options.apply !== undefined) return options.apply;
  if (!prompts) return false;
  try {
    return await prompts.confirm({
      message: 'Apply now? (creates the AWS resources above; resumable if interrupted)',
      default: false,
    });
  } catch (error) {
    if (error instanceof InterruptedError) {
      throw new InterruptedError(`Cancelled: ${shownAs} was written, nothing was applied`, { cause: error });
    }
    throw error;
  }
}

/** Ctrl-C at a prompt before the file is written: say that nothing was written. */
async function nothingWrittenIfCancelled<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof InterruptedError) {
      throw new InterruptedError('Cancelled, nothing written', { cause: error });
    }
    throw error;
  }
}

function configFlag(shownAs: string): string {
  return shownAs === 'gitlab-ha.yaml' || shownAs === './gitlab-ha.yaml' ? '' : ` --config ${shownAs}`;
}
