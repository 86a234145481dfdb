/**
 * Typed errors and the exit codes they map to. Every failure the tool reports is one of these;
 * anything else reaching the top-level catch is a bug (exit 1).
 */
export const ExitCode = {
  ok: 0,
  /** An unexpected internal error (a bug): please report it. */
  internal: 1,
  /** Invalid input: config file, flags, answers or state file. Nothing was changed in AWS. */
  invalidInput: 2,
  /** AWS refused or failed while provisioning, or a bounded wait timed out. State records progress. */
  provisioningFailed: 3,
  /** Another run holds the state lock. */
  lockHeld: 4,
  /** Credentials are missing, or they point at another AWS account or region than the state file. */
  wrongTarget: 5,
  /** The user declined a confirmation (e.g. destroy). Nothing was changed. */
  aborted: 6,
  /** Interrupted by SIGINT/SIGTERM; state was saved and the run can be resumed. */
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export abstract class GitlabHaError extends Error {
  abstract readonly exitCode: ExitCodeValue;
  /** A short machine-readable code, e.g. CONFIG_INVALID. */
  abstract readonly code: string;
  /** What the user can do about it (one or two sentences). */
  readonly hint: string | undefined;

  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** One problem in a config file, state file or flag, located by its path. */
export interface InputIssue {
  /** Dotted path into the document, e.g. `network.azs[1]`; empty for the document itself. */
  path: string;
  message: string;
  /** 1-based position in the source file when known. */
  line?: number;
  column?: number;
}

export class InvalidInputError extends GitlabHaError {
  readonly exitCode = ExitCode.invalidInput;
  readonly code: string;
  readonly issues: InputIssue[];
  readonly source: string | undefined;

  constructor(
    message: string,
    options: { code?: string; issues?: InputIssue[]; source?: string; hint?: string; cause?: unknown } = {},
  ) {
    super(message, options);
    this.code = options.code ?? 'INVALID_INPUT';
    this.issues = options.issues ?? [];
    this.source = options.source;
  }
}

export class ProvisioningError extends GitlabHaError {
  readonly exitCode = ExitCode.provisioningFailed;
  readonly code: string;
  /** AWS error code (e.g. DependencyViolation) when the failure came from an API call. */
  readonly awsCode: string | undefined;
  readonly resourceId: string | undefined;

  constructor(
    message: string,
    options: { code?: string; awsCode?: string; resourceId?: string; hint?: string; cause?: unknown } = {},
  ) {
    super(message, options);
    this.code = options.code ?? 'PROVISIONING_FAILED';
    this.awsCode = options.awsCode;
    this.resourceId = options.resourceId;
  }
}

/** A bounded wait ran out. */
export class WaitTimeoutError extends ProvisioningError {
  constructor(what: string, seconds: number, options: { resourceId?: string; hint?: string } = {}) {
    super(`Timed out after ${seconds} s waiting for ${what}`, { ...options, code: 'WAIT_TIMEOUT' });
  }
}

/** More than one resource carries the tags that should identify exactly one. */
export class ConflictError extends ProvisioningError {
  constructor(what: string, ids: string[]) {
    super(`Found ${ids.length} ${what} tagged for this deployment, expected at most one: ${ids.join(', ')}`, {
      code: 'TAG_CONFLICT',
      hint: 'Delete the extra resources (or remove their gitlab-ha:* tags) and run again.',
    });
  }
}

export class LockHeldError extends GitlabHaError {
  readonly exitCode = ExitCode.lockHeld;
  readonly code = 'LOCK_HELD';
}

export class WrongTargetError extends GitlabHaError {
  readonly exitCode = ExitCode.wrongTarget;
  readonly code: string;
  constructor(message: string, options: { code?: string; hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.code = options.code ?? 'WRONG_TARGET';
  }
}

export class AbortedError extends GitlabHaError {
  readonly exitCode = ExitCode.aborted;
  readonly code = 'ABORTED';
}

export class InterruptedError extends GitlabHaError {
  readonly exitCode = ExitCode.interrupted;
  readonly code = 'INTERRUPTED';
}

export function isGitlabHaError(error: unknown): error is GitlabHaError {
  return error instanceof GitlabHaError;
}
