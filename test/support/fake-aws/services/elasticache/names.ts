import { invalidParameterValue } from './errors.js';

/**
 * ElastiCache's identifier rules (replication groups, subnet groups, snapshots): a letter first,
 * then letters, digits and single hyphens, no hyphen at the end. AWS stores ids in lowercase.
 */
export function checkIdentifier(kind: string, value: string | undefined, maxLength: number): string {
  const id = value ?? '';
  const problem =
    id.length === 0
      ? 'is required'
      : id.length > maxLength
        ? `must be at most ${maxLength} characters`
        : !/^[a-zA-Z]/.test(id)
          ? 'must begin with a letter'
          : /[^a-zA-Z0-9-]/.test(id)
            ? 'may contain only ASCII letters, digits and hyphens'
            : /--/.test(id) || id.endsWith('-')
              ? 'cannot end with a hyphen or contain two consecutive hyphens'
              : undefined;
  if (problem) throw invalidParameterValue(`The parameter ${kind} ${problem}.`);
  return id;
}
