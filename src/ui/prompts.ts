/** The only module that imports @inquirer/prompts, so tests can drive every question through it. */
import { input } from '@inquirer/prompts';
import { AbortedError } from '../engine/errors.js';

/** Asks the user to type a value (e.g. the deployment name before destroy); resolves to the answer. */
export async function askToType(message: string, expected: string): Promise<string> {
  try {
    return await input({
      message,
      validate: (value) => value.trim().length > 0 || `Type ${expected} to confirm`,
    });
  } catch (error) {
    // Ctrl-C at the prompt: inquirer rejects with ExitPromptError.
    if (error instanceof Error && error.name === 'ExitPromptError')
      throw new AbortedError('Cancelled at the prompt');
    throw error;
  }
}
