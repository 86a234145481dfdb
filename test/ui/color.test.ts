import { describe, expect, it } from 'vitest';
import { shouldUseColor } from '../../src/ui/index.js';

describe('shouldUseColor', () => {
  const cases: { isTTY: boolean; env: Record<string, string>; color: boolean }[] = [
    { isTTY: true, env: {}, color: true },
    { isTTY: false, env: {}, color: false },
    { isTTY: true, env: { NO_COLOR: '1' }, color: false },
    { isTTY: true, env: { NO_COLOR: '' }, color: true },
    { isTTY: true, env: { TERM: 'dumb' }, color: false },
    { isTTY: false, env: { FORCE_COLOR: '1' }, color: true },
    { isTTY: false, env: { FORCE_COLOR: '' }, color: true },
    { isTTY: true, env: { FORCE_COLOR: '0' }, color: false },
    { isTTY: true, env: { FORCE_COLOR: 'false' }, color: false },
    { isTTY: true, env: { FORCE_COLOR: '1', NO_COLOR: '1' }, color: true },
  ];
  for (const { isTTY, env, color } of cases) {
    it(`isTTY=${isTTY} ${JSON.stringify(env)} -> ${color}`, () => {
      // GIVEN a stream and an environment
      // WHEN colour is decided
      const decided = shouldUseColor({ isTTY, env });

      // THEN FORCE_COLOR wins, then NO_COLOR / TERM=dumb, then the TTY
      expect(decided).toBe(color);
    });
  }
});
