import {
  STSClient,
  STSServiceException,
  type GetCallerIdentityCommandInput,
  type GetCallerIdentityCommandOutput,
} from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { defineService } from '../core/define-service.js';
import type { FakeEnvironment } from '../core/environment.js';
import type { FakeService, Result } from '../core/service.js';

/** STS: who the credentials belong to (the tool binds a deployment to this account). */
export function createStsService(env: FakeEnvironment): FakeService {
  return defineService({
    name: 'sts',
    mockClient: () => mockClient(STSClient),
    exceptionClass: STSServiceException,
    handlers: {
      GetCallerIdentity(_input: GetCallerIdentityCommandInput): Result<GetCallerIdentityCommandOutput> {
        return {
          Account: env.account,
          Arn: `arn:aws:iam::${env.account}:user/fake`,
          UserId: 'AIDAFAKEUSER00000000',
        };
      },
    },
  });
}
