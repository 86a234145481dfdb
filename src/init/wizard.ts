/**
 * `gitlab-ha init`'s questions, in the order of the guide's sections: deployment, AWS, network,
 * database, Redis and storage, GitLab, auto scaling. Each answer comes from its flag, its default
 * (--defaults) or the terminal, and is validated with the config's own rules as it is given; the
 * whole config is checked once more at the end.
 */
import type { Config } from '../config/schema.js';
import type { WizardAnswers } from './answers.js';
import { Asker } from './asker.js';
import type { AwsLookup } from './aws-lookup.js';
import { askRegion, type AwsQuestionContext } from './aws-questions.js';
import { DEFAULT_NAME, DEFAULT_REGION } from './defaults.js';
import type { Prompts } from './prompts.js';
import { optionalTextQuestion, textQuestion } from './question-kinds.js';
import { askAutoScaling, askDatabase, askGitlab, askNetwork, askRedisAndStorage } from './sections.js';

export interface WizardOptions {
  /** The terminal; undefined when there is none (every answer must then come from a flag or default). */
  prompts: Prompts | undefined;
  flags: Partial<WizardAnswers>;
  /** --defaults: take the default of every question that has one. */
  useDefaults: boolean;
  /** AWS_PROFILE, AWS_REGION and AWS_DEFAULT_REGION are read for defaults. */
  env: Readonly<Record<string, string | undefined>>;
  /** Read-only AWS lookups with the chosen profile; `homeRegion` is asked for the region list. */
  lookupFor(profile: string | undefined, homeRegion: string): AwsLookup;
  /** A line for the person, on stderr. */
  note(text: string): void;
}

export interface WizardResult {
  answers: WizardAnswers;
  config: Config;
}

export async function runWizard(options: WizardOptions): Promise<WizardResult> {
  const asker = new Asker(options);
  const section = (title: string) => {
    if (asker.interactive) options.note(`\n${title}`);
  };

  section('Deployment');
  await asker.ask(textQuestion('name', 'Deployment name (prefixes every AWS resource)', DEFAULT_NAME));

  section('AWS');
  const profile = await asker.ask({
    ...optionalTextQuestion('profile', 'AWS profile', 'the default credential chain'),
    default: options.env['AWS_PROFILE'] || undefined,
  });
  const homeRegion = options.env['AWS_REGION'] || options.env['AWS_DEFAULT_REGION'] || DEFAULT_REGION;
  const lookup = options.lookupFor(profile, homeRegion);
  let offlineNoted = false;
  const context: AwsQuestionContext = {
    asker,
    lookup,
    noteOffline: (reason, fallback) => {
      if (offlineNoted) return;
      offlineNoted = true;
      options.note(
        `Cannot ask AWS: ${reason}.\nUsing ${fallback}; the availability zones will be checked at apply.`,
      );
    },
  };
  try {
    const region = await askRegion(context, homeRegion);
    section('Network');
    await askNetwork(context, region);
    section('Database (RDS PostgreSQL)');
    await askDatabase(asker);
    section('Redis (ElastiCache) and storage node');
    await askRedisAndStorage(asker);
    section('GitLab');
    await askGitlab(context, region);
    section('Auto Scaling');
    await askAutoScaling(asker);
    return await asker.finish();
  } finally {
    lookup.close();
  }
}
