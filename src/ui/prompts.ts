/** The only module that imports @inquirer/prompts, so tests can drive every question through it. */
import { checkbox, confirm, input, number, select } from '@inquirer/prompts';
import { AbortedError, InterruptedError } from '../engine/errors.js';
import type { Choice, Prompts, SelectQuestion } from '../init/prompts.js';

/** Asks the user to type a value (e.g. the deployment name before destroy); resolves to the answer. */
export async function askToType(message: string, expected: string): Promise<string> {
  try {
    return await input({
      message,
      validate: (value) => value.trim().length > 0 || `Type ${expected} to confirm`,
    });
  } catch (error) {
    // Ctrl-C at the prompt: inquirer rejects with ExitPromptError.
    if (isExitPrompt(error)) throw new AbortedError('Cancelled at the prompt');
    throw error;
  }
}

function isExitPrompt(error: unknown): boolean {
  return error instanceof Error && error.name === 'ExitPromptError';
}

/**
 * Runs one prompt; Ctrl-C there (inquirer's ExitPromptError) becomes an InterruptedError (exit 130)
 * that the caller words, e.g. "nothing was written".
 */
export async function cancellable<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (error) {
    if (isExitPrompt(error)) throw new InterruptedError('Cancelled at the prompt', { cause: error });
    throw error;
  }
}

export interface TerminalStreams {
  input: NodeJS.ReadableStream;
  /** Where the questions are drawn: stderr, so stdout keeps only results. */
  output: NodeJS.WritableStream;
}

/** The wizard's questions in a terminal, with @inquirer/prompts. */
export function createTerminalPrompts(streams: TerminalStreams): Prompts {
  const context = { input: streams.input, output: streams.output };
  return {
    input: (question) =>
      cancellable(() =>
        input(
          {
            message: question.message,
            ...(question.default !== undefined ? { default: question.default } : {}),
            ...(question.validate ? { validate: question.validate } : {}),
          },
          context,
        ),
      ),
    number: (question) =>
      cancellable(() =>
        number(
          {
            message: question.message,
            required: question.required,
            ...(question.default !== undefined ? { default: question.default } : {}),
            ...(question.validate ? { validate: question.validate } : {}),
          },
          context,
        ),
      ),
    select: <T>(question: SelectQuestion<T>) =>
      cancellable(() =>
        select<T>(
          {
            message: question.message,
            choices: question.choices.map((choice: Choice<T>) => ({
              value: choice.value,
              name: choice.name,
              ...(choice.description !== undefined ? { description: choice.description } : {}),
            })),
            ...(question.default !== undefined ? { default: question.default } : {}),
            pageSize: 12,
          },
          context,
        ),
      ),
    checkbox: (question) =>
      cancellable(() =>
        checkbox(
          {
            message: question.message,
            choices: question.choices.map((choice) => ({
              value: choice.value,
              name: choice.name,
              checked: choice.checked ?? false,
              ...(choice.description !== undefined ? { description: choice.description } : {}),
            })),
            pageSize: 12,
            ...(question.validate
              ? { validate: (selected) => question.validate!(selected.map((choice) => choice.value)) }
              : {}),
          },
          context,
        ),
      ),
    confirm: (question) =>
      cancellable(() => confirm({ message: question.message, default: question.default }, context)),
  };
}
