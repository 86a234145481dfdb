/**
 * Settles each answer from the first source that has it: its flag, its default (with --defaults),
 * the person at the terminal, or nobody. Without a terminal, a question nobody answered is
 * recorded rather than asked, so one error can name every flag still needed. Every answer, from
 * any source, is validated with the config's own rules before it is accepted.
 */
import { InvalidInputError, type InputIssue } from '../engine/errors.js';
import type { ConfigIssue } from '../config/issue-path.js';
import { answerKeyForPath, type AnswerKey, type WizardAnswers } from './answers.js';
import { flagFor } from './flags.js';
import type { Prompts } from './prompts.js';
import { answerIssues, buildConfig, describeIssues } from './validate.js';
import type { Config } from '../config/schema.js';

export type AnswerValidate<V> = (value: V) => Promise<true | string>;

export interface Question<K extends AnswerKey> {
  key: K;
  /** Shown as the prompt's default and taken with --defaults; undefined when there is none. */
  default: WizardAnswers[K] | undefined;
  /** "No answer" (undefined) is an answer: without a terminal, an absent flag means none. */
  optional?: boolean;
  /** Puts the question in the terminal; must only resolve with answers `validate` accepted. */
  prompt(
    prompts: Prompts,
    validate: AnswerValidate<WizardAnswers[K]>,
    current: WizardAnswers[K] | undefined,
  ): Promise<WizardAnswers[K]>;
  /** A check beyond the config rules (e.g. does this certificate exist); a reason when it fails. */
  check?(value: WizardAnswers[K]): Promise<string | undefined>;
}

export interface AskerOptions {
  /** Answers given as flags. */
  flags: Partial<WizardAnswers>;
  /** --defaults: take the default of every question that has one instead of asking. */
  useDefaults: boolean;
  /** The terminal; undefined when there is none (nothing can be asked). */
  prompts: Prompts | undefined;
  /** A line for the person (stderr): notes and reasons. */
  note(text: string): void;
}

/** Rounds of fixing answers that later answers contradicted, before giving up (a loop guard). */
const MAX_FIX_ROUNDS = 20;

export class Asker {
  private readonly answers: Partial<WizardAnswers> = {};
  // Questions reached, whatever the outcome: their flags no longer stand in for their answers.
  private readonly settled = new Set<AnswerKey>();
  private readonly missing: AnswerKey[] = [];
  private readonly flagProblems: InputIssue[] = [];
  // Each question as last asked, to ask it again when a later answer contradicts it.
  private readonly questions = new Map<AnswerKey, Question<AnswerKey>>();

  constructor(private readonly options: AskerOptions) {}

  get interactive(): boolean {
    return this.options.prompts !== undefined;
  }

  /** Whether the question will be answered by its flag. */
  hasFlag(key: AnswerKey): boolean {
    return key in this.options.flags;
  }

  /** Whether the question will be settled by a default or the terminal (so choices are worth looking up). */
  answersWithoutFlag(key: AnswerKey): boolean {
    return !this.hasFlag(key) && (this.interactive || this.options.useDefaults);
  }

  /** Whether the question is going to be put to the person (no flag, no default taken). */
  willPrompt(key: AnswerKey, hasDefault: boolean): boolean {
    return !this.hasFlag(key) && this.interactive && !(this.options.useDefaults && hasDefault);
  }

  /** The answer so far (or the flag's value for a question not reached yet). */
  value<K extends AnswerKey>(key: K): WizardAnswers[K] | undefined {
    return this.known()[key];
  }

  /** Settles a question that does not apply to the answers so far (e.g. IOPS for small gp3 storage). */
  skip<K extends AnswerKey>(key: K, value: WizardAnswers[K]): void {
    this.accept(key, value);
  }

  async ask<K extends AnswerKey>(question: Question<K>): Promise<WizardAnswers[K] | undefined> {
    // Stored type-erased; `promptFor` gets it back with its own key, so the types still match.
    this.questions.set(question.key, question as unknown as Question<AnswerKey>);
    const { key } = question;
    this.settled.add(key);
    if (this.hasFlag(key)) return this.settleFlag(question);
    const hasDefault = question.default !== undefined || question.optional === true;
    if ((this.options.useDefaults || (!this.interactive && question.optional)) && hasDefault) {
      const problem = await this.problemWith(question, question.default as WizardAnswers[K]);
      if (problem === undefined) return this.accept(key, question.default as WizardAnswers[K]);
      if (!this.interactive) {
        this.flagProblems.push({ path: flagFor(key), message: `the default does not fit: ${problem}` });
        return undefined;
      }
      this.options.note(`The default for ${flagFor(key)} does not fit: ${problem}`);
    }
    if (this.options.prompts) return this.accept(key, await this.promptFor(question, question.default));
    this.missing.push(key);
    if (question.default !== undefined) this.answers[key] = question.default;
    return question.default;
  }

  /**
   * Checks the whole config once every question is settled. Without a terminal, any problem is an
   * error naming the flags; with one, the questions a later answer contradicted are asked again.
   */
  async finish(): Promise<{ answers: WizardAnswers; config: Config }> {
    this.throwIfIncomplete();
    for (let round = 0; round < MAX_FIX_ROUNDS; round += 1) {
      const answers = this.answers as WizardAnswers;
      const outcome = buildConfig(answers);
      if (outcome.ok) return { answers, config: outcome.config };
      const owned = outcome.issues.map((issue) => ({ issue, key: answerKeyForPath(issue.path) }));
      const first = owned.find((entry) => entry.key !== undefined && this.questions.has(entry.key));
      if (!this.options.prompts || first?.key === undefined) throw problemsError(outcome.issues);
      const key = first.key;
      const reasons = owned.filter((entry) => entry.key === key).map((entry) => entry.issue);
      this.options.note(`Please change this answer: ${describeIssues(key, reasons)}`);
      const question = this.questions.get(key)!;
      const corrected = await this.promptFor(question, this.answers[key]);
      (this.answers as Record<AnswerKey, unknown>)[key] = corrected;
    }
    throw new InvalidInputError('The answers still contradict each other after several corrections', {
      code: 'INIT_UNRESOLVED',
      hint: 'Run gitlab-ha init again, or pass the answers as flags.',
    });
  }

  private known(): Partial<WizardAnswers> {
    const flagsAhead = Object.fromEntries(
      Object.entries(this.options.flags).filter(([key]) => !this.settled.has(key as AnswerKey)),
    );
    return { ...flagsAhead, ...this.answers };
  }

  private async settleFlag<K extends AnswerKey>(
    question: Question<K>,
  ): Promise<WizardAnswers[K] | undefined> {
    const value = this.options.flags[question.key] as WizardAnswers[K];
    const problem = await this.problemWith(question, value);
    if (problem === undefined) return this.accept(question.key, value);
    this.flagProblems.push({ path: flagFor(question.key), message: problem });
    // Continue with the default so the rest of the flags can be checked too.
    if (question.default !== undefined) this.answers[question.key] = question.default;
    return question.default;
  }

  private accept<K extends AnswerKey>(key: K, value: WizardAnswers[K]): WizardAnswers[K] {
    this.answers[key] = value;
    this.settled.add(key);
    return value;
  }

  private async problemWith<K extends AnswerKey>(
    question: Question<K>,
    value: WizardAnswers[K],
  ): Promise<string | undefined> {
    const issues: ConfigIssue[] = answerIssues(question.key, value, this.known());
    if (issues.length > 0) return describeIssues(question.key, issues);
    return question.check ? await question.check(value) : undefined;
  }

  private async promptFor<K extends AnswerKey>(
    question: Question<K>,
    current: WizardAnswers[K] | undefined,
  ): Promise<WizardAnswers[K]> {
    const prompts = this.options.prompts!;
    let lastAccepted: string | undefined;
    const validate: AnswerValidate<WizardAnswers[K]> = async (value) => {
      const problem = await this.problemWith(question, value);
      if (problem !== undefined) return problem;
      lastAccepted = sameness(value);
      return true;
    };
    for (;;) {
      const value = await question.prompt(prompts, validate, current);
      // Inline validation (input, number, checkbox) already accepted this exact answer.
      if (lastAccepted !== undefined && lastAccepted === sameness(value)) return value;
      // Prompts that cannot show a reason themselves (select, confirm) come back here to be asked again.
      const verdict = await validate(value);
      if (verdict === true) return value;
      this.options.note(verdict);
      current = value;
    }
  }

  private throwIfIncomplete(): void {
    const issues = [...this.flagProblems];
    if (this.missing.length > 0) {
      const flags = this.missing.map(flagFor);
      issues.push({
        path: flags.join(', '),
        message: `no ${this.missing.length === 1 ? 'answer' : 'answers'} given, and there is no terminal to ask on`,
      });
    }
    if (issues.length === 0) return;
    const missingHint =
      this.missing.length > 0
        ? `Pass ${this.missing.map(flagFor).join(' ')} (each with a value)${this.options.useDefaults ? '' : ', or --defaults to take the default for every question that has one'}.`
        : 'Fix the flags listed and run again.';
    throw new InvalidInputError(
      this.missing.length > 0
        ? 'gitlab-ha init needs answers it cannot ask for'
        : 'Some init flags are not valid',
      { code: 'INIT_INPUT', issues, hint: missingHint },
    );
  }
}

/** A text equal for equal answers (strings, numbers, lists, none). */
function sameness(value: unknown): string {
  return JSON.stringify(value) ?? 'none';
}

/** Problems in a finished set of answers, named by the flags that set them. */
function problemsError(issues: readonly ConfigIssue[]): InvalidInputError {
  return new InvalidInputError('The answers do not make a valid gitlab-ha.yaml', {
    code: 'INIT_INPUT',
    issues: issues.map((issue) => {
      const key = answerKeyForPath(issue.path);
      return { path: key ? `${flagFor(key)} (${issue.path})` : issue.path, message: issue.message };
    }),
    hint: 'Change the flags listed and run again.',
  });
}
