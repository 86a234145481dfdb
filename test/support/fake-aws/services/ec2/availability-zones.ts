import type {
  AvailabilityZone,
  DescribeAvailabilityZonesCommandInput,
  DescribeAvailabilityZonesCommandOutput,
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
  };
}
