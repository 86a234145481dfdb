/**
 * The state file's shape. Versioned so a later tool can migrate an older file; validated on load so a
 * hand-edited or truncated file gives a clear message instead of a crash halfway through a run.
 * It never holds a secret: passwords and tokens live in SSM and only their parameter names are here.
 */
import { z } from 'zod';
import { STEP_IDS } from '../steps/ids.js';

export const STATE_SCHEMA_VERSION = 1;

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const recordedResourceSchema = z.strictObject({
  /** Kind of resource, e.g. `ec2:vpc`, `ec2:security-group`, `rds:db-instance`. */
  type: z.string().min(1),
  id: z.string().min(1),
  /** `tool`: this tool created it; `adopted`: found by tags and not created by this tool. */
  origin: z.enum(['tool', 'adopted']),
  recordedAt: z.string(),
  /** Non-secret facts needed to find, inspect or destroy it later (e.g. an allocation id). */
  attributes: z.record(z.string(), jsonValue).optional(),
});
export type RecordedResource = z.infer<typeof recordedResourceSchema>;

export const stepStatusSchema = z.enum([
  'pending',
  'in-progress',
  'done',
  'failed',
  'destroying',
  'destroyed',
]);
export type StepRunStatus = z.infer<typeof stepStatusSchema>;

export const stepStateSchema = z.strictObject({
  status: stepStatusSchema,
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  /** Keyed by role, e.g. `vpc`, `subnet/public/eu-west-1a`, `sg/app`. */
  resources: z.record(z.string(), recordedResourceSchema),
  outputs: z.record(z.string(), jsonValue),
  error: z.strictObject({ code: z.string(), message: z.string(), at: z.string() }).optional(),
});
export type StepState = z.infer<typeof stepStateSchema>;

export const deploymentStateSchema = z.strictObject({
  schemaVersion: z.literal(STATE_SCHEMA_VERSION),
  deployment: z.string().min(1),
  /** AWS account id this deployment lives in; null until the first run that reached AWS. */
  account: z
    .string()
    .regex(/^\d{12}$/)
    .nullable(),
  region: z.string().min(1),
  createdAt: z.string(),
  updatedAt: z.string(),
  toolVersion: z.string(),
  steps: z.partialRecord(z.enum(STEP_IDS), stepStateSchema),
});
export type DeploymentState = z.infer<typeof deploymentStateSchema>;

export function emptyStepState(): StepState {
  return { status: 'pending', resources: {}, outputs: {} };
}
