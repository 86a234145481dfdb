/**
 * After destroy: every resource still carrying the deployment's tag, across services, through the
 * Resource Groups Tagging API. Final snapshots are expected to stay; anything else is reported.
 */
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import type { AwsClients } from './clients.js';
import { awsCall } from './errors.js';
import { TAG_DEPLOYMENT } from './tags.js';

/** ARNs of resources tagged for the deployment. */
export async function listTaggedResources(aws: AwsClients, deployment: string): Promise<string[]> {
  const arns: string[] = [];
  let token: string | undefined;
  do {
    const page = await awsCall('listing resources tagged for the deployment', () =>
      aws.tagging.send(
        new GetResourcesCommand({
          TagFilters: [{ Key: TAG_DEPLOYMENT, Values: [deployment] }],
          ...(token ? { PaginationToken: token } : {}),
        }),
      ),
    );
    for (const mapping of page.ResourceTagMappingList ?? [])
      if (mapping.ResourceARN) arns.push(mapping.ResourceARN);
    token = page.PaginationToken || undefined;
  } while (token);
  return arns;
}

/** Snapshots are what destroy keeps on purpose (final RDS, EBS and ElastiCache snapshots). */
export function isKeptSnapshot(arn: string): boolean {
  return /:snapshot[:/]|:cluster-snapshot:/.test(arn);
}
