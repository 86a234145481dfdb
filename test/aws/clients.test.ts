import { describe, expect, it } from 'vitest';
import { createAwsClients, endpointFor } from '../../src/aws/clients.js';

describe('createAwsClients', () => {
  it('builds no client until one is used', () => {
    // GIVEN a factory / WHEN nothing is accessed / THEN destroy has nothing to close (and no credentials were resolved)
    const aws = createAwsClients({ region: 'eu-west-1', maxAttempts: 5, env: {} });
    expect(() => aws.destroy()).not.toThrow();
  });

  it('configures region, adaptive retry, max attempts and the service endpoint override', async () => {
    // GIVEN AWS_ENDPOINT_URL for all services and a specific one for EC2
    const env = { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL_EC2: 'http://127.0.0.1:5000' };
    const aws = createAwsClients({ region: 'eu-west-1', maxAttempts: 5, env });
    // WHEN the clients' resolved configs are read
    const ec2 = aws.ec2.config;
    const rds = aws.rds.config;
    // THEN EC2 uses its own endpoint, RDS the general one, both with adaptive retry and 5 attempts
    const strategy = (await ec2.retryStrategy()) as { mode?: string; getMaxAttempts?: () => Promise<number> };
    expect(await ec2.region()).toBe('eu-west-1');
    expect(strategy.mode).toBe('adaptive');
    expect(await ec2.maxAttempts()).toBe(5);
    expect((await ec2.endpoint!()).port).toBe(5000);
    expect((await rds.endpoint!()).port).toBe(4566);
    aws.destroy();
  });

  it('reads AWS_ENDPOINT_URL_<SERVICE> before AWS_ENDPOINT_URL', () => {
    // GIVEN both variables / WHEN resolved / THEN the service one wins, the general one is the fallback
    const env = { AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING: 'http://b' };
    expect(endpointFor('elb', env)).toBe('http://b');
    expect(endpointFor('ssm', env)).toBe('http://a');
    expect(endpointFor('ssm', {})).toBeUndefined();
  });
});
