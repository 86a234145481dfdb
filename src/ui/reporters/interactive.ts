/**
 * Interactive mode (a terminal, not CI): a live block at the bottom of stderr with one spinner line per
 * running step and its elapsed time, and finished work persisted above it.
 *
 *     network                + created VPC vpc-0abc (10.0.0.0/16)        <- dim resource lines
 *   ⚠ security               admin SSH is open to 0.0.0.0/0              <- warnings in yellow
 *   ✔ network        2m 10s  created
 *   ⠋ security          12s  Security groups                             <- the live block
 *     database           3s  waiting for DB instance acme to become available (1m 05s)
 *
 * Steps run concurrently, but ora cannot drive two spinners on one stream (they erase each other's lines),
 * so a single ora instance renders the whole live block as multi-line text; the animated frame sits on the
 * first line. Persisting a line is ora's stopAndPersist followed by a restart with the remaining steps.
 */
import ora, { spinners } from 'ora';
import type { GitlabHaEvent } from '../../engine/events.js';
import type { StepId } from '../../steps/ids.js';
import { createChalk } from '../color.js';
import {
  actionPastTense,
  ELAPSED_COLUMN_WIDTH,
  formatDuration,
  padEnd,
  STEP_COLUMN_WIDTH,
} from '../format.js';
import { MARK, resourceEventSymbol } from '../symbols.js';
import { numberField, stringField } from './event-text.js';
import type { Reporter, ReporterIo } from './types.js';

/** How often elapsed times in the live block move on; ora redraws the frame more often by itself. */
const TICK_MS = 1000;

interface RunningStep {
  title: string;
  startedAt: number;
  wait?: { what: string; startedAt: number };
}

interface Failure {
  step?: StepId;
  message: string;
  errorCode?: string;
}

export function createInteractiveReporter(io: ReporterIo): Reporter {
  const c = createChalk(io.color);
  const now = io.now ?? Date.now;
  const running = new Map<StepId, RunningStep>();
  const failures: Failure[] = [];
  let ticker: NodeJS.Timeout | undefined;
  let closed = false;

  const spinner = ora({
    stream: io.stderr,
    // The caller chose interactive mode; ora must not second-guess it (it would disable itself in CI).
    isEnabled: true,
    // Left in cooked mode, Ctrl+C stays a real SIGINT, which the engine turns into a clean interrupt.
    discardStdin: false,
    // Colour through our own chalk so the `color` flag is the only switch.
    color: false,
    spinner: { interval: spinners.dots.interval, frames: spinners.dots.frames.map((frame) => c.cyan(frame)) },
  });

  /** `step  elapsed  text`, columns padded before colouring (escape codes would upset the padding). */
  function row(
    step: StepId | undefined,
    elapsed: string,
    text: string,
    elapsedStyle = (s: string) => s,
  ): string {
    if (step === undefined) return text;
    return `${padEnd(step, STEP_COLUMN_WIDTH)} ${elapsedStyle(elapsed.padStart(ELAPSED_COLUMN_WIDTH))}  ${text}`;
  }

  function liveBlock(): string {
    const at = now();
    const lines = [...running].map(([step, state]) => {
      const detail = state.wait
        ? `waiting for ${state.wait.what} (${formatDuration(at - state.wait.startedAt)})`
        : state.title;
      return row(step, formatDuration(at - state.startedAt), detail);
    });
    // Lines after the first are indented by the width of the frame and its space, to line up.
    return lines.join('\n  ');
  }

  /** Shows the current set of running steps, starting or stopping the spinner as needed. */
  function refresh(): void {
    if (running.size === 0) {
      if (spinner.isSpinning) spinner.stop();
      stopTicker();
      return;
    }
    spinner.text = liveBlock();
    if (spinner.isSpinning) spinner.render();
    else spinner.start();
    ticker ??= setInterval(() => {
      spinner.text = liveBlock();
    }, TICK_MS);
    ticker.unref();
  }

  function stopTicker(): void {
    if (ticker !== undefined) clearInterval(ticker);
    ticker = undefined;
  }

  /** Writes one permanent line above the live block. */
  function persist(symbol: string, text: string): void {
    spinner.stopAndPersist({ symbol, text });
    refresh();
  }

  /** Drops a step from the live block; its elapsed time as the engine measured it, else as we did. */
  function finishStep(step: StepId, reportedMs: number | undefined): string {
    const startedAt = running.get(step)?.startedAt;
    running.delete(step);
    const elapsedMs = reportedMs ?? (startedAt === undefined ? undefined : now() - startedAt);
    return elapsedMs === undefined ? '' : formatDuration(elapsedMs);
  }

  function handleLifecycle(event: GitlabHaEvent, step: StepId): boolean {
    const state = running.get(step);
    switch (event.code) {
      case 'step.start':
        running.set(step, { title: event.message, startedAt: now() });
        refresh();
        return true;
      case 'step.done': {
        const elapsed = finishStep(step, numberField(event, 'elapsedMs'));
        const action = stringField(event, 'action');
        const text = action === undefined ? event.message : actionPastTense(action);
        persist(c.green(MARK.success), row(step, elapsed, text, c.dim));
        return true;
      }
      case 'step.fail': {
        const elapsed = finishStep(step, numberField(event, 'elapsedMs'));
        failures.push({ step, message: event.message, errorCode: stringField(event, 'errorCode') });
        persist(c.red(MARK.failure), c.red(row(step, elapsed, event.message)));
        return true;
      }
      case 'step.skip':
        running.delete(step);
        persist(c.blue(MARK.info), row(step, '', `skipped: ${event.message}`));
        return true;
      case 'wait.start':
      case 'wait.heartbeat': {
        if (!state) return false;
        const what = stringField(event, 'what') ?? event.message;
        state.wait = { what, startedAt: now() - (numberField(event, 'elapsedMs') ?? 0) };
        refresh();
        return true;
      }
      case 'wait.done':
        if (!state) return false;
        delete state.wait;
        refresh();
        return true;
      default:
        return false;
    }
  }

  function handleLine(event: GitlabHaEvent): void {
    const { step } = event;
    if (event.level === 'error') {
      failures.push({ step, message: event.message, errorCode: stringField(event, 'errorCode') });
      persist(c.red(MARK.failure), c.red(row(step, '', event.message)));
      return;
    }
    if (event.level === 'warn') {
      persist(c.yellow(MARK.warning), c.yellow(row(step, '', event.message)));
      return;
    }
    const resourceSymbol = resourceEventSymbol(event.code);
    if (resourceSymbol !== undefined) {
      persist(' ', c.dim(row(step, '', `${resourceSymbol} ${event.message}`)));
      return;
    }
    if (event.level === 'debug') {
      persist(' ', c.dim(row(step, '', `${event.code}: ${event.message}`)));
      return;
    }
    persist(' ', row(step, '', event.message));
  }

  function failuresBlock(): string {
    if (failures.length === 0) return '';
    const lines = failures.map(({ step, message, errorCode }) => {
      const where = step === undefined ? '' : `${step}: `;
      const code = errorCode === undefined ? '' : c.dim(` [${errorCode}]`);
      return `  ${c.red(MARK.failure)} ${where}${message}${code}`;
    });
    return `\n${c.red.bold('Failures:')}\n${lines.join('\n')}\n`;
  }

  return {
    handle(event: GitlabHaEvent): void {
      if (closed) return;
      // The summary is a result: the CLI renders it on stdout.
      if (event.code === 'run.done') return;
      // Lifecycle events move the live block whatever their level (`wait.done` is a debug event).
      if (event.step !== undefined && handleLifecycle(event, event.step)) return;
      if (event.level === 'debug' && !io.debug) return;
      // Saving state happens after every resource; only worth a line when debugging.
      if (event.code === 'state.saved' && !io.debug) return;
      handleLine(event);
    },
    close(): void {
      if (closed) return;
      closed = true;
      const unfinished = [...running.keys()];
      for (const step of unfinished) {
        const elapsed = finishStep(step, undefined);
        persist(c.yellow(MARK.unfinished), c.yellow(row(step, elapsed, 'did not finish')));
      }
      stopTicker();
      if (spinner.isSpinning) spinner.stop();
      const block = failuresBlock();
      if (block !== '') io.stderr.write(block);
    },
  };
}
