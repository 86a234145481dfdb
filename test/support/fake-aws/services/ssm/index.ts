import {
  SSMClient,
  SSMServiceException,
  type DeleteParameterCommandInput,
  type DeleteParameterCommandOutput,
  type GetParameterCommandInput,
  type GetParameterCommandOutput,
  type ListTagsForResourceCommandInput,
  type ListTagsForResourceCommandOutput,
  type PutParameterCommandInput,
  type PutParameterCommandOutput,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { defineService } from '../../core/define-service.js';
import type { FakeEnvironment } from '../../core/environment.js';
import { serviceException } from '../../core/errors.js';
import type { FakeService, Result } from '../../core/service.js';
import { toTagList, toTagMap, type TagMap } from '../../core/tags.js';

export interface ParameterRecord {
  name: string;
  type: 'String' | 'StringList' | 'SecureString';
  value: string;
  version: number;
  keyId?: string;
  description?: string;
  tags: TagMap;
  lastModified: Date;
}

/** Canonical's public parameter for the current Ubuntu 24.04 LTS AMI, and the id the fake answers. */
export const UBUNTU_PARAMETER =
  '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id';
export const FAKE_UBUNTU_AMI = 'ami-0a1b2c3d4e5f60718';

export class SsmStore {
  /** The account's own parameters. */
  readonly parameters = new Map<string, ParameterRecord>();
  /** AWS-owned public parameters (`/aws/service/...`); tests may remove one to test a fallback. */
  readonly publicParameters = new Map<string, string>([[UBUNTU_PARAMETER, FAKE_UBUNTU_AMI]]);

  constructor(private readonly env: FakeEnvironment) {}

  arn(name: string): string {
    return `arn:aws:ssm:${this.env.region}:${this.env.account}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
  }
}

function ssmError(name: string, message: string): Error {
  return serviceException(SSMServiceException as never, { name, message });
}

/** The fake SSM Parameter Store: the tool keeps generated secrets here as SecureStrings. */
export function createSsmService(env: FakeEnvironment): { service: FakeService; store: SsmStore } {
  const store = new SsmStore(env);
  const service = defineService({
    name: 'ssm',
    mockClient: () => mockClient(SSMClient),
    exceptionClass: SSMServiceException,
    faultCodes: {
      throttle: { name: 'ThrottlingException', message: 'Rate exceeded' },
      internal: { name: 'InternalServerError', message: 'An internal error has occurred' },
      unavailable: { name: 'ServiceUnavailable', message: 'Service is unavailable' },
    },
    handlers: {
      PutParameter(input: PutParameterCommandInput): Result<PutParameterCommandOutput> {
        const name = input.Name ?? '';
        if (!name || input.Value === undefined)
          throw ssmError('ValidationException', 'Name and Value are required');
        if (name.startsWith('/aws/'))
          throw ssmError('AccessDeniedException', `Parameter names under /aws/ are reserved`);
        const existing = store.parameters.get(name);
        if (existing && !input.Overwrite) {
          throw ssmError(
            'ParameterAlreadyExists',
            'The parameter already exists. To overwrite this request value, set the overwrite option in the request to true.',
          );
        }
        if (existing && input.Tags?.length) {
          throw ssmError(
            'ValidationException',
            "Invalid request: tags and overwrite can't be used together.",
          );
        }
        const record: ParameterRecord = {
          name,
          type: (input.Type ?? existing?.type ?? 'String') as ParameterRecord['type'],
          value: input.Value,
          version: (existing?.version ?? 0) + 1,
          ...(input.KeyId ? { keyId: input.KeyId } : {}),
          ...(input.Description ? { description: input.Description } : {}),
          tags: existing?.tags ?? toTagMap(input.Tags),
          lastModified: new Date(),
        };
        store.parameters.set(name, record);
        return { Version: record.version, Tier: 'Standard' };
      },
      GetParameter(input: GetParameterCommandInput): Result<GetParameterCommandOutput> {
        const name = input.Name ?? '';
        const publicValue = store.publicParameters.get(name);
        if (publicValue !== undefined) {
          return {
            Parameter: {
              Name: name,
              Type: 'String',
              Value: publicValue,
              Version: 1,
              ARN: `arn:aws:ssm:${env.region}::parameter${name}`,
            },
          };
        }
        const record = store.parameters.get(name);
        if (!record) throw ssmError('ParameterNotFound', `Parameter ${name} not found.`);
        // Without decryption AWS returns the ciphertext of a SecureString, never the value.
        const value =
          record.type === 'SecureString' && !input.WithDecryption
            ? `AQICAH-encrypted-${record.version}`
            : record.value;
        return {
          Parameter: {
            Name: name,
            Type: record.type,
            Value: value,
            Version: record.version,
            ARN: store.arn(name),
            LastModifiedDate: record.lastModified,
          },
        };
      },
      DeleteParameter(input: DeleteParameterCommandInput): Result<DeleteParameterCommandOutput> {
        const name = input.Name ?? '';
        if (!store.parameters.delete(name))
          throw ssmError('ParameterNotFound', `Parameter ${name} not found.`);
        return {};
      },
      ListTagsForResource(input: ListTagsForResourceCommandInput): Result<ListTagsForResourceCommandOutput> {
        const record = store.parameters.get(input.ResourceId ?? '');
        if (!record)
          throw ssmError('InvalidResourceId', `The resource ID "${input.ResourceId}" is not valid.`);
        return { TagList: toTagList(record.tags) };
      },
    },
    listTagged: () =>
      [...store.parameters.values()]
        .filter((p) => Object.keys(p.tags).length > 0)
        .map((p) => ({ arn: store.arn(p.name), tags: { ...p.tags } })),
  });
  return { service, store };
}
