import {
  AllocateAddressCommand,
  CreateVpcCommand,
  DescribeVpcsCommand,
  EC2ServiceException,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/aws/clients.js';
import { FakeAws, FakeCrashError } from '../support/fake-aws/index.js';
import { useFakeAws } from './helpers.js';

const { fake, ec2 } = useFakeAws();

describe('fake AWS: injected faults go through the SDK retry strategy', () => {
  it('lets every call succeed through SDK retries when a third of attempts are throttled or 5xx', async () => {
    // GIVEN a third of all attempts failing, deterministically
    fake().faults.failRandomly({ fraction: 1 / 3, kinds: ['throttle', '5xx'], seed: 42 });

    // WHEN 30 Elastic IPs are allocated
    const results = [];
    for (let i = 0; i < 30; i++)
      results.push(await ec2().send(new AllocateAddressCommand({ Domain: 'vpc' })));

    // THEN all succeeded, some only after retries, and failed attempts changed nothing
    expect(results.every((r) => r.AllocationId?.startsWith('eipalloc-'))).toBe(true);
    expect(results.some((r) => (r.$metadata.attempts ?? 0) > 1)).toBe(true);
    expect(fake().ec2.addresses.size).toBe(30);
    const failed = fake()
      .calls()
      .filter((c) => c.error);
    expect(new Set(failed.map((c) => c.error))).toEqual(
      new Set(['RequestLimitExceeded', 'InternalError', 'Unavailable']),
    );
    expect(failed.every((c) => c.mutating && c.command === 'AllocateAddress')).toBe(true);
    expect(fake().calls().length).toBe(30 + failed.length);
  });

  it('repeats the same faults for the same seed', async () => {
    // GIVEN two fakes with the same fault seed, used one after the other
    const errorsFor = async (): Promise<(string | undefined)[]> => {
      const other = new FakeAws().install();
      const aws = createAwsClients(other.clientOptions());
      other.faults.failRandomly({ fraction: 0.5, seed: 7 });
      for (let i = 0; i < 10; i++) await aws.ec2.send(new DescribeVpcsCommand({}));
      aws.destroy();
      other.restore();
      return other.calls().map((c) => c.error);
    };

    // WHEN the same calls run against each
    const first = await errorsFor();
    const second = await errorsFor();
    fake().install();

    // THEN the same attempts failed with the same codes
    expect(first).toEqual(second);
    expect(first.filter(Boolean).length).toBeGreaterThan(0);
  });

  it('gives up after maxAttempts when every attempt is throttled', async () => {
    // GIVEN every attempt throttled
    fake().faults.failRandomly({ fraction: 1, kinds: ['throttle'] });

    // WHEN a call is made
    const call = ec2().send(new DescribeVpcsCommand({}));

    // THEN the SDK tried 8 times and surfaces EC2's throttling error
    await expect(call).rejects.toMatchObject({ name: 'RequestLimitExceeded', $metadata: { attempts: 8 } });
    expect(
      fake()
        .calls()
        .map((c) => c.attempt),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('crashAfter performs the call, runs onCrash, then throws FakeCrashError without retrying', async () => {
    // GIVEN a crash planned after the second CreateVpc
    let crashed = 0;
    fake().faults.crashAfter({ command: 'CreateVpc', nth: 2, onCrash: () => (crashed += 1) });

    // WHEN three VPCs are created
    await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const second = ec2().send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }));
    await expect(second).rejects.toBeInstanceOf(FakeCrashError);
    await ec2().send(new CreateVpcCommand({ CidrBlock: '10.2.0.0/16' }));

    // THEN the crashed call took effect once, the hook ran once, and the crash fired only once
    await expect(second).rejects.toMatchObject({ name: 'FakeCrash', command: 'CreateVpc' });
    expect(crashed).toBe(1);
    expect([...fake().ec2.vpcs.values()].map((v) => v.cidrBlock)).toEqual([
      '10.0.0.0/16',
      '10.1.0.0/16',
      '10.2.0.0/16',
    ]);
    expect(
      fake()
        .calls()
        .map((c) => c.error),
    ).toEqual([undefined, 'FakeCrash', undefined]);
  });

  it('failNext answers with an arbitrary AWS error, once; a retryable one is absorbed by the SDK', async () => {
    // GIVEN one UnauthorizedOperation for DescribeVpcs and one throttle for CreateVpc
    fake().faults.failNext({
      command: 'DescribeVpcs',
      error: { name: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.' },
    });
    fake().faults.failNext({
      command: /^Create/,
      error: { name: 'RequestLimitExceeded', message: 'Request limit exceeded.' },
    });

    // WHEN each command is called
    const denied = ec2().send(new DescribeVpcsCommand({}));
    await expect(denied).rejects.toBeInstanceOf(EC2ServiceException);
    const created = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const described = await ec2().send(new DescribeVpcsCommand({}));

    // THEN the first DescribeVpcs failed as an EC2 exception, CreateVpc succeeded on its second attempt
    await expect(denied).rejects.toMatchObject({ name: 'UnauthorizedOperation', $metadata: { attempts: 1 } });
    expect(created.$metadata.attempts).toBe(2);
    expect(described.Vpcs).toHaveLength(1);
  });

  it('clear() removes every planned fault', async () => {
    // GIVEN all kinds of faults planned, then cleared
    fake().faults.failRandomly({ fraction: 1 });
    fake().faults.crashAfter({ command: 'CreateVpc' });
    fake().faults.failNext({
      command: 'CreateVpc',
      error: { name: 'InternalError', message: 'x', httpStatusCode: 500 },
    });
    fake().faults.clear();

    // WHEN a call is made
    const result = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));

    // THEN it succeeds at the first attempt
    expect(result.$metadata.attempts).toBe(1);
  });
});
