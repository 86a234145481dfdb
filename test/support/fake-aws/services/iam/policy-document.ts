import { malformedPolicyDocument } from './errors.js';

/** Identity policies (inline or managed) name resources; trust policies name principals. */
export type PolicyKind = 'identity' | 'trust';

const VERSIONS = new Set(['2012-10-17', '2008-10-17']);

/**
 * Checks a policy document the way IAM does on PutRolePolicy / CreateRole (the parts the tool can get
 * wrong): valid JSON, a Statement, an Effect, actions, and resources or a principal by kind.
 * Throws MalformedPolicyDocument with IAM's wording.
 */
export function validatePolicyDocument(document: string | undefined, kind: PolicyKind): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document ?? '');
  } catch {
    throw malformedPolicyDocument('This policy contains invalid Json');
  }
  if (!isObject(parsed)) throw malformedPolicyDocument('Syntax errors in policy.');
  if (parsed.Version !== undefined && !VERSIONS.has(String(parsed.Version))) {
    throw malformedPolicyDocument('The policy failed legacy parsing');
  }
  const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  if (parsed.Statement === undefined || statements.length === 0) {
    throw malformedPolicyDocument('Syntax errors in policy.');
  }
  for (const statement of statements) {
    if (!isObject(statement) || (statement.Effect !== 'Allow' && statement.Effect !== 'Deny')) {
      throw malformedPolicyDocument('Syntax errors in policy.');
    }
    if (statement.Action === undefined && statement.NotAction === undefined) {
      throw malformedPolicyDocument('Policy statement must contain actions.');
    }
    const hasPrincipal = statement.Principal !== undefined || statement.NotPrincipal !== undefined;
    if (kind === 'identity') {
      if (hasPrincipal) throw malformedPolicyDocument('Policy document should not specify a principal.');
      if (statement.Resource === undefined && statement.NotResource === undefined) {
        throw malformedPolicyDocument('Policy statement must contain resources.');
      }
    } else {
      if (!hasPrincipal) throw malformedPolicyDocument('Missing required field Principal');
      if (statement.Resource !== undefined) throw malformedPolicyDocument('Has prohibited field Resource');
    }
  }
}

/** IAM counts policy size without whitespace. */
export function policySize(document: string): number {
  return document.replace(/\s/g, '').length;
}

/**
 * IAM returns policy documents URL-encoded (RFC 3986) in GetRole, GetRolePolicy, GetInstanceProfile...:
 * callers must decode them. encodeURIComponent leaves !'()* alone, RFC 3986 does not.
 */
export function urlEncodePolicy(document: string): string {
  return encodeURIComponent(document).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
