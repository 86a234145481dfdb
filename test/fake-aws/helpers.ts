import type { EC2Client, ResourceType, TagSpecification } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach } from 'vitest';
import { createAwsClients, type AwsClients } from '../../src/aws/clients.js';
import { FakeAws } from '../support/fake-aws/index.js';

/** TagSpecifications for one resource type. */
export function tagSpec(resourceType: ResourceType, tags: Record<string, string>): TagSpecification[] {
  return [{ ResourceType: resourceType, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }];
}

/** A fresh, installed fake per test, and real SDK clients built by the tool's factory. */
export function useFakeAws(): { fake: () => FakeAws; aws: () => AwsClients; ec2: () => EC2Client } {
  let fake: FakeAws | undefined;
  let aws: AwsClients | undefined;
  beforeEach(() => {
    fake = new FakeAws().install();
    aws = createAwsClients(fake.clientOptions());
  });
  afterEach(() => {
    aws?.destroy();
    fake?.restore();
  });
  const required = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useFakeAws: only available inside a test');
    return value;
  };
  return { fake: () => required(fake), aws: () => required(aws), ec2: () => required(aws).ec2 };
}
