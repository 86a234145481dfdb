/**
 * Structured events: the only way the engine and steps talk to the user. Reporters in src/ui render them.
 */
import type { StepId } from '../steps/ids.js';

export type EventLevel = 'debug' | 'info' | 'warn' | 'error';

export type EventCode =
  | 'run.start' // data: { command, deployment, steps }
  | 'run.done' // data: RunSummary
  | 'run.interrupt' // SIGINT received: no new work is started
  | 'step.start'
  | 'step.done' // data: { action, elapsedMs }
  | 'step.skip' // already done in state, or nothing to do
  | 'step.fail' // data: { elapsedMs, errorCode }
  | 'resource.create' // data: { type, role, id }
  | 'resource.adopt'
  | 'resource.update'
  | 'resource.delete'
  | 'resource.keep' // left alone on destroy (not created by the tool, or data kept)
  | 'resource.drift' // inspect found something different from what was recorded
  | 'wait.start' // data: { what, maxSeconds }
  | 'wait.heartbeat' // data: { what, elapsedMs }
  | 'wait.done'
  | 'aws.retry' // a retryable AWS error was retried
  | 'state.saved'
  | 'note'; // anything else worth telling

export interface GitlabHaEvent {
  seq: number;
  /** ISO-8601 time the event was emitted. */
  time: string;
  level: EventLevel;
  step?: StepId;
  code: EventCode;
  message: string;
  data?: Record<string, unknown>;
}

export type EventInput = Omit<GitlabHaEvent, 'seq' | 'time'>;
export type EventListener = (event: GitlabHaEvent) => void;

/** Fans events out to listeners with a monotonically increasing sequence number. */
export class EventBus {
  private seq = 0;
  private readonly listeners: EventListener[] = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  subscribe(listener: EventListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  emit(input: EventInput): GitlabHaEvent {
    this.seq += 1;
    const event: GitlabHaEvent = { seq: this.seq, time: this.now().toISOString(), ...input };
    for (const listener of this.listeners) listener(event);
    return event;
  }
}

/** An emitter bound to one step, handed to steps so they cannot mislabel their events. */
export interface StepEmitter {
  info(code: EventCode, message: string, data?: Record<string, unknown>): void;
  warn(code: EventCode, message: string, data?: Record<string, unknown>): void;
  debug(code: EventCode, message: string, data?: Record<string, unknown>): void;
}

export function stepEmitter(bus: EventBus, step: StepId): StepEmitter {
  return {
    info: (code, message, data) =>
      bus.emit({ level: 'info', step, code, message, ...(data ? { data } : {}) }),
    warn: (code, message, data) =>
      bus.emit({ level: 'warn', step, code, message, ...(data ? { data } : {}) }),
    debug: (code, message, data) =>
      bus.emit({ level: 'debug', step, code, message, ...(data ? { data } : {}) }),
  };
}
