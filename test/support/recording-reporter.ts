/** Collects events from a bus so tests can assert on what the engine and steps reported. */
import type { EventBus, EventCode, GitlabHaEvent } from '../../src/engine/events.js';

export class RecordingReporter {
  readonly events: GitlabHaEvent[] = [];
  private readonly unsubscribe: () => void;

  constructor(bus: EventBus) {
    this.unsubscribe = bus.subscribe((event) => this.events.push(event));
  }

  codes(): EventCode[] {
    return this.events.map((e) => e.code);
  }

  withCode(code: EventCode): GitlabHaEvent[] {
    return this.events.filter((e) => e.code === code);
  }

  stop(): void {
    this.unsubscribe();
  }
}
