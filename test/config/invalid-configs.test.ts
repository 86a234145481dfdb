import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { InvalidInputError } from '../../src/engine/errors.js';
import { invalidConfigCases as cases } from './invalid-cases.js';

function parseError(yaml: string): InvalidInputError {
  try {
    parseConfig(yaml, 'gitlab-ha.yaml');
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected parseConfig to throw InvalidInputError, but it returned a config');
}

describe('parseConfig rejects invalid configs', () => {
  it('has a case for every kind of mistake the brief lists', () => {
    expect(cases.length).toBeGreaterThanOrEqual(35);
  });

  it.each(cases)('$name', ({ yaml, code, path, message, line, column }) => {
    // GIVEN a config text with one mistake
    // WHEN it is parsed
    const error = parseError(yaml);

    // THEN it is an input error (exit 2) naming the file, with an issue at the offending node
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe(code);
    expect(error.source).toBe('gitlab-ha.yaml');
    expect(error.message).toMatch(/^gitlab-ha\.yaml is (not valid|empty)/);
    const issue = error.issues.find((candidate) => candidate.message.includes(message));
    expect(issue, `issues were: ${JSON.stringify(error.issues, null, 2)}`).toBeDefined();
    expect(issue?.path).toBe(path);
    expect(issue?.line).toBe(line);
    expect(issue?.column).toBe(column);
  });
});
