import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GitlabHaEvent } from '../../src/engine/events.js';
import { chooseReporterMode, createReporter, type Reporter, type ReporterMode } from '../../src/ui/index.js';
import { APPLY_EVENTS, HEARTBEAT_INDEX, replayClock } from './apply-events.js';
import { CapturedStream, FakeTerminal } from './fake-terminal.js';

const ESC = String.fromCharCode(27);
const ANSI_COLOR = new RegExp(`${ESC}\\[\\d+(;\\d+)*m`);

function setUp(mode: ReporterMode, opts: { color?: boolean; debug?: boolean } = {}) {
  const terminal = new FakeTerminal();
  const stdout = new CapturedStream();
  const clock = replayClock();
  const reporter = createReporter(mode, {
    stderr: terminal,
    stdout,
    color: opts.color ?? false,
    debug: opts.debug ?? false,
    now: clock.now,
  });
  const replay = (events: readonly GitlabHaEvent[]): void => {
    for (const event of events) {
      clock.set(event);
      reporter.handle(event);
    }
  };
  return { terminal, stdout, reporter, replay, clock };
}

function replayAll(reporter: Reporter, replay: (events: readonly GitlabHaEvent[]) => void): void {
  replay(APPLY_EVENTS);
  reporter.close();
}

describe('plain reporter', () => {
  it('writes one timestamped line per event, WARN/ERROR marked, debug left out', () => {
    // GIVEN a plain reporter without debug
    const { terminal, stdout, reporter, replay } = setUp('plain');

    // WHEN the recorded apply is replayed
    replayAll(reporter, replay);

    // THEN stderr holds one line per non-debug event and stdout stays empty
    expect(terminal.raw).toMatchInlineSnapshot(`
      "2026-11-26T21:58:00Z run.start apply acme
      2026-11-26T21:58:01Z [network] step.start VPC, subnets, route tables and gateways
      2026-11-26T21:58:09Z [network] resource.create created VPC vpc-0abc (10.0.0.0/16)
      2026-11-26T21:58:12Z [network] resource.adopt adopted internet gateway igw-0d4 (found by tags)
      2026-11-26T21:58:15Z [security] step.start Security groups
      2026-11-26T21:58:18Z WARN [security] note admin SSH is open to 0.0.0.0/0; set security.adminCidr to restrict it
      2026-11-26T21:58:25Z [network] resource.create created NAT gateway nat-123 in subnet-0a1
      2026-11-26T21:58:25Z [network] wait.start waiting for NAT gateway nat-123 to become available
      2026-11-26T21:59:30Z [network] wait.heartbeat still waiting for NAT gateway nat-123 to become available (1m 05s)
      2026-11-26T21:59:48Z ERROR [security] step.fail Security groups failed: creating EC2 security group sg/app: InvalidGroup.Duplicate (1m 33s)
      2026-11-26T22:00:11Z [network] step.done VPC, subnets, route tables and gateways: create (2m 10s)
      2026-11-26T22:00:30Z ERROR run.done apply failed (2m 30s)
      "
    `);
    expect(stdout.text).toBe('');
  });

  it('includes debug events when debugging', () => {
    // GIVEN a plain reporter with debug on
    const { terminal, reporter, replay } = setUp('plain', { debug: true });

    // WHEN the recorded apply is replayed
    replayAll(reporter, replay);

    // THEN the state.saved debug event has its own line
    expect(terminal.raw).toContain(
      '2026-11-26T21:58:09Z DEBUG [network] state.saved recorded vpc in state\n',
    );
  });
});

describe('json reporter', () => {
  it('writes every event as one JSON object per line on stderr', () => {
    // GIVEN a json reporter without debug
    const { terminal, stdout, reporter, replay } = setUp('json');

    // WHEN the recorded apply is replayed
    replayAll(reporter, replay);

    // THEN each stderr line parses back to the event it came from, debug events excepted
    const lines = terminal.raw.trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(
      APPLY_EVENTS.filter((event) => event.level !== 'debug'),
    );
    expect(lines[1]).toMatchInlineSnapshot(
      `"{"seq":2,"time":"2026-11-26T21:58:01.000Z","level":"info","step":"network","code":"step.start","message":"VPC, subnets, route tables and gateways"}"`,
    );
    expect(stdout.text).toBe('');
  });
});

describe('interactive reporter', () => {
  // ora picks its spinner frame from the wall clock; frozen timers keep the frame (and the screen) fixed.
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows running steps in a live block while work is under way', () => {
    // GIVEN an interactive reporter on a terminal
    const { terminal, reporter, replay } = setUp('interactive');

    // WHEN the apply is replayed up to the NAT gateway heartbeat
    replay(APPLY_EVENTS.slice(0, HEARTBEAT_INDEX + 1));

    // THEN both running steps are on screen with elapsed times, network showing its wait
    expect(terminal.screen()).toMatchInlineSnapshot(`
      "  apply acme
        network               + created VPC vpc-0abc (10.0.0.0/16)
        network               = adopted internet gateway igw-0d4 (found by tags)
      ⚠ security              admin SSH is open to 0.0.0.0/0; set security.adminCidr to restrict it
        network               + created NAT gateway nat-123 in subnet-0a1
      ⠋ network       1m 29s  waiting for NAT gateway nat-123 to become available (1m 05s)
        security      1m 15s  Security groups"
    `);
    reporter.close();
  });

  it('leaves finished steps, resource lines, warnings and a failures block on screen', () => {
    // GIVEN an interactive reporter on a terminal
    const { terminal, stdout, reporter, replay } = setUp('interactive');

    // WHEN the whole apply is replayed and the reporter closed
    replayAll(reporter, replay);

    // THEN no spinner is left, each step has its final line and the failure is repeated at the end
    expect(terminal.screen()).toMatchInlineSnapshot(`
      "  apply acme
        network               + created VPC vpc-0abc (10.0.0.0/16)
        network               = adopted internet gateway igw-0d4 (found by tags)
      ⚠ security              admin SSH is open to 0.0.0.0/0; set security.adminCidr to restrict it
        network               + created NAT gateway nat-123 in subnet-0a1
      ✖ security      1m 33s  Security groups failed: creating EC2 security group sg/app: InvalidGroup.Duplicate
      ✔ network       2m 10s  created

      Failures:
        ✖ security: Security groups failed: creating EC2 security group sg/app: InvalidGroup.Duplicate [AWS_API_ERROR]"
    `);
    expect(stdout.text).toBe('');
  });

  it("drops a step's wait from the live block when wait.done arrives, though it is a debug event", () => {
    // GIVEN network waiting on its NAT gateway, security failed
    const { terminal, reporter, replay } = setUp('interactive');
    const waitDone = APPLY_EVENTS.findIndex((event) => event.code === 'wait.done');

    // WHEN the wait ends (debug output off)
    replay(APPLY_EVENTS.slice(0, waitDone + 1));

    // THEN the network line shows its title again instead of the wait
    expect(terminal.screen().split('\n').at(-1)).toBe(
      '⠋ network       1m 59s  VPC, subnets, route tables and gateways',
    );
    reporter.close();
  });

  it('moves elapsed times on while nothing is emitted', () => {
    // GIVEN network started and nothing emitted since
    const { terminal, reporter, replay, clock } = setUp('interactive');
    replay(APPLY_EVENTS.slice(0, 2));
    expect(terminal.screen()).toContain(' network          0ms  VPC, subnets, route tables and gateways');

    // WHEN 61 s pass
    clock.advance(61_000);
    vi.advanceTimersByTime(61_000);

    // THEN the live line shows the new elapsed time
    expect(terminal.screen()).toContain(' network       1m 01s  VPC, subnets, route tables and gateways');
    reporter.close();
  });

  it('marks steps still running at close as unfinished', () => {
    // GIVEN an interactive reporter with network running
    const { terminal, reporter, replay, clock } = setUp('interactive');
    replay(APPLY_EVENTS.slice(0, 2));

    // WHEN it is closed 42 s later, before network finishes
    clock.advance(42_000);
    reporter.close();

    // THEN network is persisted as not finished and the live block is gone
    expect(terminal.screen()).toMatchInlineSnapshot(`
      "  apply acme
      ■ network          42s  did not finish"
    `);
  });
});

describe('colour', () => {
  for (const mode of ['interactive', 'plain'] as const) {
    it(`${mode}: colours with color:true and never with color:false`, () => {
      // GIVEN the same replay with colour on and off
      const coloured = setUp(mode, { color: true });
      const uncoloured = setUp(mode, { color: false });

      // WHEN the recorded apply is replayed into both
      replayAll(coloured.reporter, coloured.replay);
      replayAll(uncoloured.reporter, uncoloured.replay);

      // THEN only the coloured run holds SGR colour codes
      expect(coloured.terminal.raw).toMatch(ANSI_COLOR);
      expect(uncoloured.terminal.raw).not.toMatch(ANSI_COLOR);
    });
  }
});

describe('chooseReporterMode', () => {
  const cases: { json: boolean; isTTY: boolean; ci: string | undefined; mode: ReporterMode }[] = [
    { json: true, isTTY: true, ci: undefined, mode: 'json' },
    { json: true, isTTY: false, ci: 'true', mode: 'json' },
    { json: false, isTTY: true, ci: undefined, mode: 'interactive' },
    { json: false, isTTY: true, ci: '', mode: 'interactive' },
    { json: false, isTTY: true, ci: 'false', mode: 'interactive' },
    { json: false, isTTY: true, ci: '0', mode: 'interactive' },
    { json: false, isTTY: true, ci: 'true', mode: 'plain' },
    { json: false, isTTY: true, ci: '1', mode: 'plain' },
    { json: false, isTTY: true, ci: 'woodpecker', mode: 'plain' },
    { json: false, isTTY: false, ci: undefined, mode: 'plain' },
    { json: false, isTTY: false, ci: 'false', mode: 'plain' },
  ];
  for (const { json, isTTY, ci, mode } of cases) {
    it(`json=${json} isTTY=${isTTY} CI=${JSON.stringify(ci)} -> ${mode}`, () => {
      // GIVEN the flags and environment
      const env = ci === undefined ? {} : { CI: ci };

      // WHEN the mode is chosen
      const chosen = chooseReporterMode({ json, isTTY, env });

      // THEN it is the expected one
      expect(chosen).toBe(mode);
    });
  }
});
