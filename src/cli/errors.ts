/** Turns any error into a message on stderr and an exit code (the CLI's one top-level catch). */
import { ExitCode, GitlabHaError, InvalidInputError } from '../engine/errors.js';
import type { ExitCodeValue } from '../engine/errors.js';

export function describeError(
  error: unknown,
  options: { debug: boolean },
): { text: string; exitCode: ExitCodeValue } {
  if (error instanceof GitlabHaError) {
    const lines = [`Error: ${error.message}`];
    if (error instanceof InvalidInputError) {
      for (const issue of error.issues) {
        const where =
          error.source && issue.line !== undefined
            ? `${error.source}:${issue.line}:${issue.column ?? 1}: `
            : '';
        lines.push(`  ${where}${issue.path ? `${issue.path}: ` : ''}${issue.message}`);
      }
    }
    if (error.hint) lines.push(`Hint: ${error.hint}`);
    if (options.debug && error.stack) lines.push(error.stack);
    return { text: lines.join('\n'), exitCode: error.exitCode };
  }
  const message = error instanceof Error ? error.message : String(error);
  const stack = options.debug && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  return {
    text: `Internal error: ${message}${stack}\nThis is a bug in gitlab-ha; please report it with the output of --debug.`,
    exitCode: ExitCode.internal,
  };
}

/** The exit code for a run's failures: the first typed failure decides; an untyped one is a bug. */
export function exitCodeForFailures(failures: readonly unknown[]): ExitCodeValue {
  if (failures.length === 0) return ExitCode.ok;
  const untyped = failures.find((f) => !(f instanceof GitlabHaError));
  if (untyped) return ExitCode.internal;
  return (failures[0] as GitlabHaError).exitCode;
}
