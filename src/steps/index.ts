/**
 * The registered steps, in the guide's order. Steps of later issues (identity, database, redis,
 * storage, image, load-balancer, auto-scaling) join this list as they are built.
 */
import type { Step } from '../engine/step.js';
import { networkStep } from './network/index.js';
import { securityStep } from './security/index.js';

export const STEPS: readonly Step[] = [networkStep, securityStep];
