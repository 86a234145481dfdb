/**
 * A deep copy of a handler's output as the SDK would deserialize it: absent fields are left out
 * rather than present as `undefined`, and callers cannot reach into the fake's state through it.
 */
export function sdkOutput<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => sdkOutput(item)) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      if (field !== undefined) copy[key] = sdkOutput(field);
    }
    return copy as T;
  }
  return value;
}
