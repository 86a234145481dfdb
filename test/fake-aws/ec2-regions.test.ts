import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { useFakeAws } from './helpers.js';

const { ec2 } = useFakeAws();

describe('fake EC2 DescribeRegions', () => {
  it('lists the enabled regions, opt-in ones only with AllRegions, and filters by name', async () => {
    // GIVEN the fake account (eu-west-1)
    // WHEN regions are described three ways
    const enabled = await ec2().send(new DescribeRegionsCommand({}));
    const all = await ec2().send(new DescribeRegionsCommand({ AllRegions: true }));
    const named = await ec2().send(
      new DescribeRegionsCommand({ Filters: [{ Name: 'region-name', Values: ['eu-west-1', 'us-east-1'] }] }),
    );

    // THEN opt-in regions that are not opted in appear only with AllRegions
    const names = (output: typeof enabled) => output.Regions?.map((region) => region.RegionName) ?? [];
    expect(names(enabled)).toContain('eu-west-1');
    expect(names(enabled)).not.toContain('af-south-1');
    expect(all.Regions?.find((region) => region.RegionName === 'af-south-1')?.OptInStatus).toBe(
      'not-opted-in',
    );
    expect(names(named)).toEqual(['eu-west-1', 'us-east-1']);
    expect(named.Regions?.[0]?.Endpoint).toBe('ec2.eu-west-1.amazonaws.com');
  });

  it('refuses an unknown region name', async () => {
    // GIVEN the fake account
    // WHEN a region that does not exist is asked for by name
    const request = ec2().send(new DescribeRegionsCommand({ RegionNames: ['xx-nowhere-9'] }));

    // THEN it fails as EC2 does
    await expect(request).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });
});
