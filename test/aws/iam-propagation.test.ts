import { CreateInstanceProfileCommand } from '@aws-sdk/client-iam';
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { awsCall } from '../../src/aws/errors.js';
import { isProfilePropagationError, retryWhileProfilePropagates } from '../../src/aws/iam-propagation.js';
import { WaitTimeoutError } from '../../src/engine/errors.js';
import { EventBus, stepEmitter } from '../../src/engine/events.js';
import type { Timing } from '../../src/engine/step.js';
import { serviceException } from '../support/fake-aws/core/errors.js';
import { FakeAws } from '../support/fake-aws/index.js';
import { RecordingReporter } from '../support/recording-reporter.js';

let fake: FakeAws;
beforeEach(() => {
  fake = new FakeAws().install();
});
afterEach(() => fake.restore());

const TIMING: Timing = {
  minDelaySeconds: 0.001,
  maxDelaySeconds: 0.002,
  maxWaitScale: 1,
  heartbeatSeconds: 3600,
};

function context(timing: Timing = TIMING) {
  const bus = new EventBus();
  return {
    reporter: new RecordingReporter(bus),
    ctx: { events: stepEmitter(bus, 'storage'), signal: new AbortController().signal, timing },
  };
}

/** EC2's answer to RunInstances naming a profile it cannot see yet. */
function invalidProfile(name: string): Error {
  return serviceException(EC2ServiceException, {
    name: 'InvalidParameterValue',
    message: `Value (${name}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name`,
  });
}

/** Stands in for the EC2 fake's RunInstances: it asks the IAM fake whether the profile is usable yet. */
function runInstances(name: string, launched: string[]) {
  return () =>
    awsCall('launching EC2 instance', () => {
      if (!fake.iam.isInstanceProfileUsable(name)) return Promise.reject(invalidProfile(name));
      launched.push('i-0123456789abcdef0');
      return Promise.resolve('i-0123456789abcdef0');
    });
}

async function newProfile(name: string): Promise<void> {
  await fake.clients().iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name }));
}

describe('retryWhileProfilePropagates', () => {
  it('launches again while EC2 does not see a new instance profile, then once', async () => {
    // GIVEN a profile EC2 sees only at the fourth check
    fake.latency = { ...fake.latency, instanceProfileUsable: 4 };
    await newProfile('demo-gitlab-node');
    const { ctx, reporter } = context();
    const launched: string[] = [];

    // WHEN an instance is launched with it
    const id = await retryWhileProfilePropagates(
      ctx,
      runInstances('demo-gitlab-node', launched),
      'demo-gitlab-node',
    );

    // THEN it took four tries, one instance was launched, and the wait was reported
    expect(id).toBe('i-0123456789abcdef0');
    expect(launched).toHaveLength(1);
    expect(reporter.withCode('wait.start').map((e) => e.message)).toEqual([
      'waiting for IAM instance profile demo-gitlab-node to become usable by EC2 (new IAM profiles take a moment to propagate)',
    ]);
  });

  it('reports no wait when the first launch succeeds', async () => {
    // GIVEN a profile EC2 already sees
    fake.latency = { ...fake.latency, instanceProfileUsable: 0 };
    await newProfile('demo-gitlab-node');
    const { ctx, reporter } = context();

    // WHEN an instance is launched with it
    await retryWhileProfilePropagates(ctx, runInstances('demo-gitlab-node', []));

    // THEN nothing was awaited
    expect(reporter.withCode('wait.start')).toEqual([]);
  });

  it('does not retry other failures', async () => {
    // GIVEN a launch failing for another reason
    const { ctx } = context();
    let tries = 0;
    const failing = () => {
      tries += 1;
      return Promise.reject(
        serviceException(EC2ServiceException, {
          name: 'InvalidParameterValue',
          message: 'Invalid value for subnet',
        }),
      );
    };

    // WHEN it is wrapped
    // THEN the failure comes through after one try
    await expect(retryWhileProfilePropagates(ctx, failing)).rejects.toThrow('Invalid value for subnet');
    expect(tries).toBe(1);
  });

  it('gives up after its bound, saying what it waited for', async () => {
    // GIVEN a profile that never exists, and a tiny bound
    const { ctx } = context({ ...TIMING, maxWaitScale: 0.0001 });

    // WHEN an instance is launched with it
    const outcome = retryWhileProfilePropagates(ctx, runInstances('missing', []), 'missing');

    // THEN it times out naming the profile
    await expect(outcome).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(outcome).rejects.toThrow('IAM instance profile missing to become usable by EC2');
  });
});

describe('isProfilePropagationError', () => {
  it('recognizes EC2 refusing a profile by name or ARN, raw or translated, and nothing else', async () => {
    // GIVEN EC2's messages for a profile given by name and by ARN, and an unrelated error
    const byArn = serviceException(EC2ServiceException, {
      name: 'InvalidParameterValue',
      message:
        'Value (arn:aws:iam::123456789012:instance-profile/x) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN',
    });
    const translated: unknown = await awsCall('launching', () => Promise.reject(invalidProfile('x'))).catch(
      (e: unknown) => e,
    );
    const other = serviceException(EC2ServiceException, {
      name: 'InsufficientInstanceCapacity',
      message: 'iamInstanceProfile',
    });

    // WHEN classified / THEN only the profile refusals match
    expect(isProfilePropagationError(invalidProfile('x'))).toBe(true);
    expect(isProfilePropagationError(byArn)).toBe(true);
    expect(isProfilePropagationError(translated)).toBe(true);
    expect(isProfilePropagationError(other)).toBe(false);
    expect(isProfilePropagationError(new Error('Invalid IAM Instance Profile'))).toBe(false);
  });
});
