import type {
  AvailabilityZone,
  DescribeAvailabilityZonesCommandInput,
  DescribeAvailabilityZonesCommandOutput,
  DescribeRegionsCommandInput,
  DescribeRegionsCommandOutput,
  Region,
} from '@aws-sdk/client-ec2';
import type { FakeEnvironment } from '../../core/environment.js';
import type { FilterSpec } from '../../core/filters.js';
import type { Result } from '../../core/service.js';
import { select } from './describe.js';
import { invalidParameterValue } from './errors.js';
import type { Ec2Store } from './store.js';

/** AWS's zone id for a zone name: eu-west-1b -> euw1-az2 (the real mapping differs per account). */
export function zoneId(env: FakeEnvironment, zoneName: string): string {
  const [area = '', direction = '', number = ''] = env.region.split('-');
  return `${area}${direction.charAt(0)}${number}-az${env.availabilityZones.indexOf(zoneName) + 1}`;
}

const zoneFilters: FilterSpec<AvailabilityZone> = {
  fields: {
    'zone-name': (z) => z.ZoneName,
    'zone-id': (z) => z.ZoneId,
    'zone-type': (z) => z.ZoneType,
    state: (z) => z.State,
    'region-name': (z) => z.RegionName,
    'group-name': (z) => z.GroupName,
    'opt-in-status': (z) => z.OptInStatus,
  },
};

/** Regions enabled by default in every account; opt-in regions are listed only with AllRegions. */
const DEFAULT_REGIONS = [
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];
const OPT_IN_REGIONS = ['af-south-1', 'ap-east-1', 'eu-south-1', 'me-south-1'];

const regionFilters: FilterSpec<Region> = {
  fields: {
    'region-name': (r) => r.RegionName,
    endpoint: (r) => r.Endpoint,
    'opt-in-status': (r) => r.OptInStatus,
  },
};

export function availabilityZoneHandlers(store: Ec2Store) {
  const zone = (name: string): AvailabilityZone => {
    if (!store.env.availabilityZones.includes(name)) {
      throw invalidParameterValue(`Invalid availability zone: [${name}]`);
    }
    return {
      ZoneName: name,
      ZoneId: zoneId(store.env, name),
      ZoneType: 'availability-zone',
      State: 'available',
      OptInStatus: 'opt-in-not-required',
      RegionName: store.env.region,
      GroupName: store.env.region,
      NetworkBorderGroup: store.env.region,
      Messages: [],
    };
  };
  return {
    DescribeAvailabilityZones(
      input: DescribeAvailabilityZonesCommandInput,
    ): Result<DescribeAvailabilityZonesCommandOutput> {
      const zones = select({
        byIds: { ids: input.ZoneNames, lookup: zone },
        all: () => store.env.availabilityZones.map(zone),
        filters: input.Filters,
        spec: zoneFilters,
      });
      return { AvailabilityZones: zones };
    },

    DescribeRegions(input: DescribeRegionsCommandInput): Result<DescribeRegionsCommandOutput> {
      const region = (name: string, optIn: Region['OptInStatus']): Region => ({
        RegionName: name,
        Endpoint: `ec2.${name}.amazonaws.com`,
        OptInStatus: optIn,
      });
      const enabled = [...new Set([...DEFAULT_REGIONS, store.env.region])].sort();
      const known = [
        ...enabled.map((name) => region(name, 'opt-in-not-required')),
        ...OPT_IN_REGIONS.filter((name) => !enabled.includes(name)).map((name) =>
          region(name, 'not-opted-in'),
        ),
      ];
      const regions = select({
        byIds: {
          ids: input.RegionNames,
          lookup: (name) => {
            const found = known.find((candidate) => candidate.RegionName === name);
            if (!found) throw invalidParameterValue(`Invalid region: ${name}`);
            return found;
          },
        },
        all: () => (input.AllRegions ? known : known.filter((r) => r.OptInStatus !== 'not-opted-in')),
        filters: input.Filters,
        spec: regionFilters,
      });
      return { Regions: regions };
    },
  };
}
