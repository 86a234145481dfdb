/**
 * The questions the wizard can put to a person, as an interface: src/ui/prompts.ts answers them with
 * @inquirer/prompts in a terminal, tests answer them from a script. A `validate` that returns a
 * string rejects the answer: the prompt shows the string and asks again (inquirer's behaviour).
 * Ctrl-C at a prompt rejects with an InterruptedError (exit 130).
 */

/** `true` accepts the answer; a string rejects it and says why. */
export type Validate<T> = (value: T) => true | string | Promise<true | string>;

export interface Choice<T> {
  value: T;
  /** What the list shows. */
  name: string;
  /** Shown under the list while this choice is highlighted. */
  description?: string;
  /** Multi-select only: ticked when the prompt opens. */
  checked?: boolean;
}

export interface InputQuestion {
  message: string;
  /** Taken when the answer is left empty. */
  default?: string;
  validate?: Validate<string>;
}

export interface NumberQuestion {
  message: string;
  default?: number;
  /** When false, an empty answer is `undefined`. */
  required: boolean;
  validate?: Validate<number | undefined>;
}

export interface SelectQuestion<T> {
  message: string;
  choices: readonly Choice<T>[];
  default?: T;
}

export interface CheckboxQuestion<T> {
  message: string;
  choices: readonly Choice<T>[];
  validate?: Validate<readonly T[]>;
}

export interface ConfirmQuestion {
  message: string;
  default: boolean;
}

export interface Prompts {
  input(question: InputQuestion): Promise<string>;
  number(question: NumberQuestion): Promise<number | undefined>;
  select<T>(question: SelectQuestion<T>): Promise<T>;
  checkbox<T>(question: CheckboxQuestion<T>): Promise<T[]>;
  confirm(question: ConfirmQuestion): Promise<boolean>;
}
