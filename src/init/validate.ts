/**
 * Validation of one answer with exactly the rules gitlab-ha.yaml is loaded with: the answer is put
 * into a whole draft config (the answers so far, defaults for the questions still to come), that
 * draft goes through the config schema, normalizeConfig and checkConfigRules, and the problems
 * at this answer's path come back as the reason to ask again. Problems with questions still to
 * come are left to those questions.
 */
import { parseWithIssues } from '../config/zod-issues.js';
import type { ConfigIssue } from '../config/issue-path.js';
import { normalizeConfig } from '../config/normalize.js';
import { checkConfigRules } from '../config/rules.js';
import { configSchema, type Config } from '../config/schema.js';
import {
  ANSWER_KEYS,
  ANSWER_PATHS,
  pathIsWithin,
  toConfigInput,
  type AnswerKey,
  type WizardAnswers,
} from './answers.js';
import { DEFAULT_REGION, defaultFor } from './defaults.js';

/** Stands in for the external URL while it is not answered yet (it has no default). */
const PLACEHOLDER_URL = 'http://gitlab.example.com';

/**
 * The answers known so far completed with defaults, in question order so each default sees the
 * answers before it. Never mutates `known`.
 */
export function completeAnswers(known: Partial<WizardAnswers>): WizardAnswers {
  const draft: Partial<WizardAnswers> = {};
  for (const key of ANSWER_KEYS) {
    const value = key in known ? known[key] : defaultFor(key, draft);
    (draft as Record<AnswerKey, unknown>)[key] = value;
  }
  draft.externalUrl ??= PLACEHOLDER_URL;
  draft.publicSubnetCidrs ??= [];
  draft.privateSubnetCidrs ??= [];
  if (!('certificateArn' in known) && draft.externalUrl.startsWith('https:')) {
    // The certificate question comes after the URL: until it is answered, an https URL is fine.
    draft.certificateArn = `arn:aws:acm:${draft.region ?? DEFAULT_REGION}:000000000000:certificate/to-be-chosen`;
  }
  return draft as WizardAnswers;
}

export type ConfigOutcome = { ok: true; config: Config } | { ok: false; issues: ConfigIssue[] };

/** The config the answers make, or every problem with it, as `loadConfig` would report them. */
export function buildConfig(answers: WizardAnswers): ConfigOutcome {
  const parsed = parseWithIssues(configSchema, toConfigInput(answers));
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  const config = normalizeConfig(parsed.value);
  const issues = checkConfigRules(config);
  return issues.length === 0 ? { ok: true, config } : { ok: false, issues };
}

/**
 * The problems with `value` as the answer to `key`, given the answers so far (`known`; the values
 * of flags for later questions may be included, so later defaults do not hide a conflict with
 * them). Only problems at this answer's own path count: when it contradicts an earlier answer, the
 * rules place the problem on one of the two, and the wizard's final check asks that one again.
 */
export function answerIssues<K extends AnswerKey>(
  key: K,
  value: WizardAnswers[K],
  known: Partial<WizardAnswers>,
): ConfigIssue[] {
  const outcome = buildConfig(completeAnswers({ ...known, [key]: value }));
  if (outcome.ok) return [];
  return outcome.issues.filter((issue) => pathIsWithin(issue.path, ANSWER_PATHS[key]));
}

/**
 * The problems as one line for a prompt: each prefixed with the list entry it is about when that is
 * not the whole answer (`entry 2: ...`), or with its config path when it is about another question.
 */
export function describeIssues(key: AnswerKey, issues: readonly ConfigIssue[]): string {
  const own = ANSWER_PATHS[key];
  return issues
    .map((issue) => {
      if (issue.path === own) return issue.message;
      const entry = new RegExp(`^${escapeRegExp(own)}\\[(\\d+)\\]$`).exec(issue.path);
      if (entry) return `entry ${Number(entry[1]) + 1}: ${issue.message}`;
      return `${issue.path}: ${issue.message}`;
    })
    .join('; ');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
