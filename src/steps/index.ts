/** The registered steps, in the guide's order (design.md section 1). */
import type { Step } from '../engine/step.js';
import { autoScalingStep } from './auto-scaling/index.js';
import { databaseStep } from './database/index.js';
import { identityStep } from './identity/index.js';
import { imageStep } from './image/index.js';
import { loadBalancerStep } from './load-balancer/index.js';
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
  imageStep,
  loadBalancerStep,
  autoScalingStep,
];
