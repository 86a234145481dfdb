/**
 * Last line of defence against a secret reaching the state file: the state is plain JSON beside the
 * config, often committed or shared, so passwords and tokens must live in SSM and only their parameter
 * names or ARNs may be recorded here. A hit is a bug in a step, so it throws a plain Error.
 */
import type { DeploymentState, JsonValue } from './schema.js';

/** Key names that suggest the value is a secret (matched case-insensitively, anywhere in the key). */
const SECRET_KEY_PATTERN = /password|passwd|passphrase|secret|token|credential|private[-_]?key/i;

/**
 * Keys that name where a secret lives, not the secret itself (`dbPasswordParameterName`,
 * `authTokenSecretArn`), and AWS idempotency tokens (`clientToken`), which are not secrets.
 */
const ALLOWED_KEY_SUFFIX = /(?:ParameterName|Arn|ClientToken|clientToken)$/;

export function isSecretLookingKey(key: string): boolean {
  return SECRET_KEY_PATTERN.test(key) && !ALLOWED_KEY_SUFFIX.test(key);
}

/** Throws if any string in a step's outputs or resource attributes sits under a secret-looking key. */
export function assertNoSecrets(state: DeploymentState): void {
  const offending: string[] = [];
  for (const [stepId, step] of Object.entries(state.steps)) {
    if (step === undefined) continue;
    collectSecretPaths(step.outputs, `steps.${stepId}.outputs`, undefined, offending);
    for (const [role, resource] of Object.entries(step.resources)) {
      if (resource.attributes === undefined) continue;
      collectSecretPaths(
        resource.attributes,
        `steps.${stepId}.resources.${role}.attributes`,
        undefined,
        offending,
      );
    }
  }
  if (offending.length > 0) {
    // Name the paths only: repeating the values would leak the very secrets this guards against.
    throw new Error(
      `Refusing to save state: ${offending.join(', ')} look${offending.length === 1 ? 's' : ''} like a secret. ` +
        'Store secrets in SSM and record only their parameter name (a key ending in ParameterName) or ARN.',
    );
  }
}

function collectSecretPaths(
  value: JsonValue,
  path: string,
  nearestKey: string | undefined,
  offending: string[],
): void {
  if (typeof value === 'string') {
    if (nearestKey !== undefined && isSecretLookingKey(nearestKey)) offending.push(path);
    return;
  }
  if (Array.isArray(value)) {
    // Array items inherit their parent's key: `{ tokens: ['a', 'b'] }` is as secret as `{ token: 'a' }`.
    value.forEach((item, index) => collectSecretPaths(item, `${path}[${index}]`, nearestKey, offending));
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value))
      collectSecretPaths(child, `${path}.${key}`, key, offending);
  }
}
