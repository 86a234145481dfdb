/** One symbol per kind of change, shared by plan output and the live resource lines. */
import type { ChalkInstance } from 'chalk';
import type { EventCode } from '../engine/events.js';
import type { PlanAction } from '../engine/step.js';

export const ACTION_SYMBOL: Readonly<Record<PlanAction, string>> = {
  create: '+',
  update: '~',
  adopt: '=',
  noop: '·',
  delete: '-',
  keep: '!',
};

export function colorAction(c: ChalkInstance, action: PlanAction, text: string): string {
  switch (action) {
    case 'create':
      return c.green(text);
    case 'update':
      return c.yellow(text);
    case 'adopt':
      return c.cyan(text);
    case 'noop':
      return c.dim(text);
    case 'delete':
      return c.red(text);
    case 'keep':
      return c.magenta(text);
  }
}

const RESOURCE_EVENT_ACTION: Partial<Record<EventCode, PlanAction>> = {
  'resource.create': 'create',
  'resource.adopt': 'adopt',
  'resource.update': 'update',
  'resource.delete': 'delete',
  'resource.keep': 'keep',
};

/** `resource.*` event code -> its symbol; drift has none of its own in a plan, so it gets `≠`. */
export function resourceEventSymbol(code: EventCode): string | undefined {
  if (code === 'resource.drift') return '≠';
  const action = RESOURCE_EVENT_ACTION[code];
  return action ? ACTION_SYMBOL[action] : undefined;
}

/** Status marks, as ora prints them (ora's own symbols ignore our colour flag, so we pass these). */
export const MARK = { success: '✔', failure: '✖', info: 'ℹ', warning: '⚠', unfinished: '■' } as const;
