import {
  ResourceGroupsTaggingAPIClient,
  ResourceGroupsTaggingAPIServiceException,
  type GetResourcesCommandInput,
  type GetResourcesCommandOutput,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { mockClient } from 'aws-sdk-client-mock';
import { defineService } from '../core/define-service.js';
import { serviceException } from '../core/errors.js';
import { paginate } from '../core/pagination.js';
import type { FakeService, Result, TaggedResource } from '../core/service.js';
import { toTagList } from '../core/tags.js';

/** `ec2:vpc` for `arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0...`, `rds:db` for `...:db:name`. */
function resourceTypeOf(arn: string): string {
  const [, , service = '', , , ...resource] = arn.split(':');
  const type = resource.join(':').split(/[/:]/)[0] ?? '';
  return `${service}:${type}`;
}

/**
 * The Resource Groups Tagging API over every faked service's live tagged resources, so a test can
 * ask "what is still tagged for this deployment" the way the tool's leftovers check does.
 */
export function createTaggingService(listTagged: () => TaggedResource[]): FakeService {
  const invalid = (message: string) =>
    serviceException(ResourceGroupsTaggingAPIServiceException, {
      name: 'InvalidParameterException',
      message,
    });
  return defineService({
    name: 'tagging',
    mockClient: () => mockClient(ResourceGroupsTaggingAPIClient),
    exceptionClass: ResourceGroupsTaggingAPIServiceException,
    faultCodes: {
      throttle: { name: 'ThrottledException', message: 'Rate exceeded' },
      internal: { name: 'InternalServiceException', message: 'An internal error has occurred' },
      unavailable: { name: 'ServiceUnavailable', message: 'Service is unavailable' },
    },
    handlers: {
      /** TagFilters: every filter must match (a filter without Values matches any value of the key). */
      GetResources(input: GetResourcesCommandInput): Result<GetResourcesCommandOutput> {
        const typeFilters = input.ResourceTypeFilters ?? [];
        const matching = listTagged().filter(
          (resource) =>
            (input.TagFilters ?? []).every((filter) => {
              const value = resource.tags[filter.Key ?? ''];
              return value !== undefined && (!filter.Values?.length || filter.Values.includes(value));
            }) &&
            (typeFilters.length === 0 ||
              typeFilters.some((t) =>
                t.includes(':')
                  ? resourceTypeOf(resource.arn) === t
                  : resourceTypeOf(resource.arn).startsWith(`${t}:`),
              )) &&
            (!input.ResourceARNList?.length || input.ResourceARNList.includes(resource.arn)),
        );
        const { page, nextToken } = paginate(
          matching,
          input.ResourcesPerPage,
          input.PaginationToken || undefined,
          (token) => invalid(`The pagination token '${token}' is invalid`),
        );
        return {
          ResourceTagMappingList: page.map((r) => ({ ResourceARN: r.arn, Tags: toTagList(r.tags) })),
          // The API ends a listing with an empty token rather than none.
          PaginationToken: nextToken ?? '',
        };
      },
    },
  });
}
