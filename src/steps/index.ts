/**
 * The registered steps, in the guide's order. Steps of later issues (image, load-balancer, auto-scaling) join this list as they are built.
 */
import type { Step } from '../engine/step.js';
import { databaseStep } from './database/index.js';
import { identityStep } from './identity/index.js';
import { networkStep } from './network/index.js';
import { redisStep } from './redis/index.js';
import { securityStep } from './security/index.js';
import { storageStep } from './storage/index.js';

export const STEPS: readonly Step[] = [
  networkStep,
  securityStep,
  identityStep,
  databaseStep,
  redisStep,
  storageStep,
];
