/**
 * The wizard's Prompts answered from a script, the way @inquirer/prompts behaves in a terminal: an
 * empty answer takes the default, an answer `validate` rejects is shown its reason and the next
 * scripted answer is tried, and Ctrl-C rejects the prompt. Every question and every reason shown
 * is recorded, so tests can check what was asked and why an answer was refused.
 */
import { InterruptedError } from '../../src/engine/errors.js';
import type {
  CheckboxQuestion,
  ConfirmQuestion,
  InputQuestion,
  NumberQuestion,
  Prompts,
  SelectQuestion,
} from '../../src/init/prompts.js';

/** Press Enter: take the default (or the preselected choices). */
export const ENTER = Symbol('enter');
/** Press Ctrl-C at this prompt. */
export const CTRL_C = Symbol('ctrl-c');

export type ScriptedAnswer = string | number | boolean | readonly string[] | typeof ENTER | typeof CTRL_C;

export interface AskedQuestion {
  kind: 'input' | 'number' | 'select' | 'checkbox' | 'confirm';
  message: string;
  /** The default offered (select/confirm/input/number), or the preselected values (checkbox). */
  offered: unknown;
  /** The choices' values (select/checkbox). */
  choices?: unknown[];
  /** Reasons shown for refused answers, in order. */
  refused: string[];
  answer?: unknown;
}

export class ScriptedPrompts implements Prompts {
  readonly asked: AskedQuestion[] = [];
  private readonly script: ScriptedAnswer[];

  constructor(script: readonly ScriptedAnswer[]) {
    this.script = [...script];
  }

  /** Answers the script still holds (a test should use them all). */
  get remaining(): number {
    return this.script.length;
  }

  /** The question whose message contains `text`. */
  question(text: string): AskedQuestion {
    const found = this.asked.find((question) => question.message.includes(text));
    if (!found)
      throw new Error(`no question containing "${text}" was asked; asked: ${this.messages().join(' | ')}`);
    return found;
  }

  messages(): string[] {
    return this.asked.map((question) => question.message);
  }

  async input(question: InputQuestion): Promise<string> {
    const asked = this.record('input', question.message, question.default);
    for (;;) {
      const next = this.next(asked);
      if (typeof next !== 'string' && next !== ENTER) throw this.wrongKind(asked, next);
      const value = next === ENTER || next === '' ? (question.default ?? '') : next;
      if (await this.accepted(asked, question.validate?.(value))) return this.done(asked, value);
    }
  }

  async number(question: NumberQuestion): Promise<number | undefined> {
    const asked = this.record('number', question.message, question.default);
    for (;;) {
      const next = this.next(asked);
      if (typeof next !== 'number' && next !== ENTER) throw this.wrongKind(asked, next);
      const value = next === ENTER ? question.default : next;
      if (value === undefined && question.required) {
        asked.refused.push('You must provide a valid numeric value');
        continue;
      }
      if (await this.accepted(asked, question.validate?.(value))) return this.done(asked, value);
    }
  }

  async select<T>(question: SelectQuestion<T>): Promise<T> {
    const values = question.choices.map((choice) => choice.value);
    const asked = this.record('select', question.message, question.default ?? values[0], values);
    const next = this.next(asked);
    if (next === ENTER) return this.done(asked, (question.default ?? values[0]) as T);
    const chosen = values.find((value) => value === next);
    if (chosen === undefined)
      throw new Error(
        `"${String(next)}" is not a choice of "${question.message}": ${values.map(String).join(', ')}`,
      );
    return this.done(asked, chosen);
  }

  async checkbox<T>(question: CheckboxQuestion<T>): Promise<T[]> {
    const values = question.choices.map((choice) => choice.value);
    const preselected = question.choices.filter((choice) => choice.checked).map((choice) => choice.value);
    const asked = this.record('checkbox', question.message, preselected, values);
    for (;;) {
      const next = this.next(asked);
      if (next !== ENTER && !Array.isArray(next)) throw this.wrongKind(asked, next);
      const selected =
        next === ENTER ? preselected : values.filter((value) => (next as readonly unknown[]).includes(value));
      if (await this.accepted(asked, question.validate?.(selected))) return this.done(asked, selected);
    }
  }

  async confirm(question: ConfirmQuestion): Promise<boolean> {
    const asked = this.record('confirm', question.message, question.default);
    const next = this.next(asked);
    if (next !== ENTER && typeof next !== 'boolean') throw this.wrongKind(asked, next);
    return this.done(asked, next === ENTER ? question.default : next);
  }

  private record(
    kind: AskedQuestion['kind'],
    message: string,
    offered: unknown,
    choices?: unknown[],
  ): AskedQuestion {
    const asked: AskedQuestion = { kind, message, offered, refused: [], ...(choices ? { choices } : {}) };
    this.asked.push(asked);
    return asked;
  }

  private next(asked: AskedQuestion): Exclude<ScriptedAnswer, typeof CTRL_C> {
    const next = this.script.shift();
    if (next === undefined) throw new Error(`the script has no answer for "${asked.message}"`);
    // What src/ui/prompts.ts turns inquirer's ExitPromptError into.
    if (next === CTRL_C) throw new InterruptedError('Cancelled at the prompt');
    return next;
  }

  private async accepted(asked: AskedQuestion, verdict: true | string | Promise<true | string> | undefined) {
    const result = await verdict;
    if (result === undefined || result === true) return true;
    asked.refused.push(result);
    return false;
  }

  private done<T>(asked: AskedQuestion, value: T): T {
    asked.answer = value;
    return value;
  }

  private wrongKind(asked: AskedQuestion, answer: unknown): Error {
    return new Error(
      `scripted answer ${JSON.stringify(answer)} does not fit the ${asked.kind} prompt "${asked.message}"`,
    );
  }
}
