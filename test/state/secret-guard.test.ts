import { describe, expect, it } from 'vitest';
import { assertNoSecrets, emptyStepState, isSecretLookingKey } from '../../src/state/index.js';
import type { DeploymentState, StepState } from '../../src/state/index.js';

function stateWith(database: StepState): DeploymentState {
  return {
    schemaVersion: 1,
    deployment: 'demo',
    account: null,
    region: 'eu-west-1',
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    toolVersion: '0.1.0',
    steps: { database },
  };
}

describe('assertNoSecrets', () => {
  it('rejects a password output without repeating its value', () => {
    // GIVEN a state whose outputs hold a password
    const state = stateWith({ ...emptyStepState(), outputs: { dbPassword: 'hunter2' } });
    // WHEN it is checked THEN it throws naming the path, not the value
    expect(() => assertNoSecrets(state)).toThrow('steps.database.outputs.dbPassword looks like a secret');
    expect(() => assertNoSecrets(state)).not.toThrow(/hunter2/);
  });

  it('accepts parameter names, ARNs and idempotency tokens', () => {
    // GIVEN outputs that say where secrets live, and a ClientToken
    const state = stateWith({
      ...emptyStepState(),
      outputs: {
        dbPasswordParameterName: '/gitlab-ha/x/db-password',
        authTokenSecretArn: 'arn:aws:ssm:eu-west-1:123456789012:parameter/gitlab-ha/x/redis-auth',
        clientToken: 'gitlab-ha-demo-db',
      },
    });
    // WHEN it is checked THEN it passes
    expect(() => assertNoSecrets(state)).not.toThrow();
  });

  it('finds secrets nested in resource attributes and arrays', () => {
    // GIVEN an auth token deep in a resource's attributes and a list of secrets
    const state = stateWith({
      ...emptyStepState(),
      resources: {
        cluster: {
          type: 'elasticache:replication-group',
          id: 'demo-redis',
          origin: 'tool',
          recordedAt: '2024-01-01T00:00:00.000Z',
          attributes: { connection: { authToken: 'abc' }, secrets: ['a'], tokenCount: 2 },
        },
      },
    });
    // WHEN it is checked THEN both string paths are named, and the number is not
    expect(() => assertNoSecrets(state)).toThrow(
      'steps.database.resources.cluster.attributes.connection.authToken, ' +
        'steps.database.resources.cluster.attributes.secrets[0] look like a secret',
    );
  });

  it('classifies key names', () => {
    // GIVEN typical keys WHEN classified THEN only value-holding secret keys are flagged
    expect(
      ['password', 'MasterUserPassword', 'secretKey', 'authToken', 'private_key'].map(isSecretLookingKey),
    ).toEqual([true, true, true, true, true]);
    expect(
      ['vpcId', 'dbPasswordParameterName', 'roleArn', 'secretArn', 'endpoint'].map(isSecretLookingKey),
    ).toEqual([false, false, false, false, false]);
  });
});
