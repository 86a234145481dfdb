/**
 * The shapes a question can take in the terminal: text, optional text, a comma-separated list, a
 * number, a choice from a list, yes/no. Each turns what the prompt returns into the answer's type
 * and hands it to the asker's validation, which speaks the config rules.
 */
import type { AnswerKey, WizardAnswers } from './answers.js';
import type { Question } from './asker.js';
import { splitList } from './flags.js';
import type { Choice } from './prompts.js';

type KeysOf<V> = { [K in AnswerKey]: WizardAnswers[K] extends V ? K : never }[AnswerKey];

type Extra<K extends AnswerKey> = Pick<Question<K>, 'check'>;

export function textQuestion<K extends KeysOf<string>>(
  key: K,
  message: string,
  defaultValue: string | undefined,
  extra: Extra<K> = {},
): Question<K> {
  return {
    key,
    default: defaultValue as WizardAnswers[K] | undefined,
    ...extra,
    prompt: async (prompts, validate, current) =>
      (
        await prompts.input({
          message,
          ...(current !== undefined ? { default: current as string } : {}),
          validate: (text) => validate(text.trim() as WizardAnswers[K]),
        })
      ).trim() as WizardAnswers[K],
  };
}

/** Empty means "none"; `emptyMeans` says what that amounts to. */
export function optionalTextQuestion<K extends KeysOf<string | undefined>>(
  key: K,
  message: string,
  emptyMeans: string,
  extra: Extra<K> = {},
): Question<K> {
  const toAnswer = (text: string) => (text.trim() === '' ? undefined : text.trim()) as WizardAnswers[K];
  return {
    key,
    default: undefined,
    optional: true,
    ...extra,
    prompt: async (prompts, validate, current) =>
      toAnswer(
        await prompts.input({
          message: `${message} (empty: ${emptyMeans})`,
          ...(current !== undefined ? { default: current as string } : {}),
          validate: (text) => validate(toAnswer(text)),
        }),
      ),
  };
}

export function listQuestion<K extends KeysOf<string[]>>(
  key: K,
  message: string,
  defaultValue: string[] | undefined,
): Question<K> {
  return {
    key,
    default: defaultValue as WizardAnswers[K] | undefined,
    prompt: async (prompts, validate, current) => {
      const text = await prompts.input({
        message: `${message} (comma-separated)`,
        ...(current !== undefined ? { default: (current as string[]).join(', ') } : {}),
        validate: (typed) => validate(splitList(typed) as WizardAnswers[K]),
      });
      return splitList(text) as WizardAnswers[K];
    },
  };
}

export function numberQuestion<K extends KeysOf<number>>(
  key: K,
  message: string,
  defaultValue: number | undefined,
): Question<K> {
  return {
    key,
    default: defaultValue as WizardAnswers[K] | undefined,
    prompt: async (prompts, validate, current) =>
      (await prompts.number({
        message,
        required: true,
        ...(current !== undefined ? { default: current as number } : {}),
        validate: (value) => validate(value as WizardAnswers[K]),
      })) as WizardAnswers[K],
  };
}

/** Empty means "none" (e.g. gp3's baseline IOPS). */
export function optionalNumberQuestion<K extends KeysOf<number | undefined>>(
  key: K,
  message: string,
  defaultValue: number | undefined,
): Question<K> {
  return {
    key,
    default: defaultValue as WizardAnswers[K] | undefined,
    optional: defaultValue === undefined,
    prompt: async (prompts, validate, current) =>
      (await prompts.number({
        message,
        required: defaultValue !== undefined,
        ...(current !== undefined ? { default: current as number } : {}),
        validate: (value) => validate(value as WizardAnswers[K]),
      })) as WizardAnswers[K],
  };
}

export function selectQuestion<K extends AnswerKey>(
  key: K,
  message: string,
  choices: readonly Choice<WizardAnswers[K]>[],
  defaultValue: WizardAnswers[K] | undefined,
): Question<K> {
  return {
    key,
    default: defaultValue,
    prompt: (prompts, _validate, current) =>
      prompts.select({ message, choices, ...(current !== undefined ? { default: current } : {}) }),
  };
}

export function confirmQuestion<K extends KeysOf<boolean>>(
  key: K,
  message: string,
  defaultValue: boolean,
): Question<K> {
  return {
    key,
    default: defaultValue as WizardAnswers[K],
    prompt: async (prompts, _validate, current) =>
      (await prompts.confirm({
        message,
        default: (current as boolean | undefined) ?? defaultValue,
      })) as WizardAnswers[K],
  };
}
