/**
 * Instance refreshes: StartInstanceRefresh (rolling, the group's own launch template; one at a
 * time), DescribeInstanceRefreshes (a poll of the group, newest first) and CancelInstanceRefresh.
 * How a refresh replaces instances is in refresh-progress.ts.
 */
import type {
  CancelInstanceRefreshCommandInput,
  CancelInstanceRefreshCommandOutput,
  DescribeInstanceRefreshesCommandInput,
  DescribeInstanceRefreshesCommandOutput,
  InstanceRefresh,
  StartInstanceRefreshCommandInput,
  StartInstanceRefreshCommandOutput,
} from '@aws-sdk/client-auto-scaling';
import { paginate } from '../../core/pagination.js';
import type { Result } from '../../core/service.js';
import { autoScalingError, validationError } from './errors.js';
import type { InstanceRefreshRecord } from './records.js';
import { refreshProgress } from './refresh-progress.js';
import { tick } from './simulation.js';
import type { AutoScalingStore } from './store.js';

const MODELLED_PREFERENCES = new Set([
  'MinHealthyPercentage',
  'MaxHealthyPercentage',
  'InstanceWarmup',
  'SkipMatching',
]);

function checkPercentages(min: number, max: number): void {
  if (min < 0 || min > 100)
    throw validationError(`MinHealthyPercentage must be between 0 and 100 (got ${min})`);
  if (max < 100 || max > 200)
    throw validationError(`MaxHealthyPercentage must be between 100 and 200 (got ${max})`);
  if (max - min > 100) {
    throw validationError(
      'The difference between MaxHealthyPercentage and MinHealthyPercentage must not exceed 100',
    );
  }
  if (min === 100 && max === 100) {
    throw validationError(
      'MinHealthyPercentage and MaxHealthyPercentage cannot both be 100: no instance could be replaced',
    );
  }
}

export function instanceRefreshHandlers(store: AutoScalingStore) {
  const describe = (refresh: InstanceRefreshRecord): InstanceRefresh => {
    const progress = refreshProgress(store.groups.get(refresh.groupName), refresh);
    return {
      InstanceRefreshId: refresh.id,
      AutoScalingGroupName: refresh.groupName,
      Status: refresh.status,
      StatusReason: refresh.statusReason,
      StartTime: refresh.startTime,
      EndTime: refresh.endTime,
      PercentageComplete: progress.percentageComplete,
      InstancesToUpdate: progress.instancesToUpdate,
      Preferences: {
        MinHealthyPercentage: refresh.minHealthyPercentage,
        MaxHealthyPercentage: refresh.maxHealthyPercentage,
        InstanceWarmup: refresh.instanceWarmup,
        SkipMatching: refresh.skipMatching,
      },
      Strategy: 'Rolling',
    };
  };

  return {
    StartInstanceRefresh(input: StartInstanceRefreshCommandInput): Result<StartInstanceRefreshCommandOutput> {
      const group = store.group(input.AutoScalingGroupName);
      if (group.deleting) throw validationError(`AutoScalingGroup ${group.name} is pending delete.`);
      if ((input.Strategy ?? 'Rolling') !== 'Rolling')
        throw validationError('fake-aws models only the Rolling strategy');
      if (input.DesiredConfiguration) throw validationError('fake-aws does not model a DesiredConfiguration');
      for (const [field, value] of Object.entries(input.Preferences ?? {})) {
        if (value !== undefined && !MODELLED_PREFERENCES.has(field)) {
          throw validationError(`fake-aws does not model Preferences.${field}`);
        }
      }
      if (store.activeRefresh(group.name)) {
        throw autoScalingError(
          'InstanceRefreshInProgress',
          'An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.',
        );
      }
      const min = input.Preferences?.MinHealthyPercentage ?? 90;
      const max = input.Preferences?.MaxHealthyPercentage ?? 100;
      checkPercentages(min, max);
      const refresh: InstanceRefreshRecord = {
        id: store.env.ids.requestId(),
        groupName: group.name,
        status: 'Pending',
        startTime: new Date(),
        minHealthyPercentage: min,
        maxHealthyPercentage: max,
        instanceWarmup: input.Preferences?.InstanceWarmup,
        skipMatching: input.Preferences?.SkipMatching ?? false,
        toReplace: [],
        pollsToStart: store.env.latency.instanceRefreshStart,
      };
      store.refreshes.push(refresh);
      return { InstanceRefreshId: refresh.id };
    },

    /** A poll of the group (its refresh moves along); newest first. */
    DescribeInstanceRefreshes(
      input: DescribeInstanceRefreshesCommandInput,
    ): Result<DescribeInstanceRefreshesCommandOutput> {
      const group = store.group(input.AutoScalingGroupName);
      tick(store, group);
      const ids = input.InstanceRefreshIds ?? [];
      const selected = store.refreshes
        .filter((r) => r.groupName === group.name && (ids.length === 0 || ids.includes(r.id)))
        .reverse();
      const { page, nextToken } = paginate(selected, input.MaxRecords, input.NextToken, (token) =>
        autoScalingError('InvalidNextToken', `The token '${token}' is invalid.`),
      );
      return { InstanceRefreshes: page.map(describe), NextToken: nextToken };
    },

    CancelInstanceRefresh(
      input: CancelInstanceRefreshCommandInput,
    ): Result<CancelInstanceRefreshCommandOutput> {
      const group = store.group(input.AutoScalingGroupName);
      const refresh = store.activeRefresh(group.name);
      if (!refresh) {
        throw autoScalingError(
          'ActiveInstanceRefreshNotFound',
          'No in progress or pending Instance Refresh found for this Auto Scaling group.',
        );
      }
      store.endInstanceRefresh(group.name, 'Cancelled', 'Cancelled by request.');
      return { InstanceRefreshId: refresh.id };
    },
  };
}
