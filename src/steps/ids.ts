/** Step ids in the guide's order. */
export const STEP_IDS = [
  'network',
  'security',
  'identity',
  'database',
  'redis',
  'storage',
  'image',
  'load-balancer',
  'auto-scaling',
] as const;
export type StepId = (typeof STEP_IDS)[number];

export function isStepId(value: string): value is StepId {
  return (STEP_IDS as readonly string[]).includes(value);
}
