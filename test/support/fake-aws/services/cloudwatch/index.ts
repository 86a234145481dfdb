/**
 * The fake CloudWatch API, alarms only: PutMetricAlarm (create or overwrite; tags only on create,
 * as AWS ignores them on update), DescribeAlarms, DeleteAlarms, ListTagsForResource, TagResource
 * and UntagResource. A new alarm is INSUFFICIENT_DATA until `latency.alarmFirstEvaluation`
 * DescribeAlarms polls have seen it, then OK; `store.setAlarmState` moves it like a metric would,
 * and an alarm that enters ALARM with actions enabled runs its actions through `store.onAlarmAction`
 * (FakeAws wires it to the Auto Scaling fake's policies).
 */
import {
  CloudWatchClient,
  CloudWatchServiceException,
  InvalidParameterValueException,
  MissingRequiredParameterException,
  ResourceNotFound,
  ResourceNotFoundException,
  ValidationException,
  type ComparisonOperator,
  type DeleteAlarmsCommandInput,
  type DeleteAlarmsCommandOutput,
  type DescribeAlarmsCommandInput,
  type DescribeAlarmsCommandOutput,
  type ListTagsForResourceCommandInput,
  type ListTagsForResourceCommandOutput,
  type MetricAlarm,
  type PutMetricAlarmCommandInput,
  type PutMetricAlarmCommandOutput,
  type StateValue,
  type Statistic,
  type TagResourceCommandInput,
  type TagResourceCommandOutput,
  type UntagResourceCommandInput,
  type UntagResourceCommandOutput,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { defineService } from '../../core/define-service.js';
import type { FakeEnvironment } from '../../core/environment.js';
import { paginate } from '../../core/pagination.js';
import type { FakeService, Result, TaggedResource } from '../../core/service.js';
import { tagProblem, toTagList, toTagMap, type TagMap } from '../../core/tags.js';

export interface AlarmRecord {
  name: string;
  arn: string;
  /** The alarm's configuration exactly as the last PutMetricAlarm sent it (without Tags). */
  config: Omit<PutMetricAlarmCommandInput, 'Tags'>;
  state: StateValue;
  stateReason: string;
  stateUpdated: Date;
  configurationUpdated: Date;
  /** DescribeAlarms polls left before the first evaluation (INSUFFICIENT_DATA -> OK). */
  pollsToFirstEvaluation: number;
  tags: TagMap;
}

type ModelledClass = new (options: { message: string; $metadata: { httpStatusCode: number } }) => Error;

/** Wire code -> the SDK's class and status (CloudWatch's query-compatible error codes). */
const ERRORS = {
  ValidationError: { exceptionClass: ValidationException, status: 400 },
  InvalidParameterValue: { exceptionClass: InvalidParameterValueException, status: 400 },
  MissingParameter: { exceptionClass: MissingRequiredParameterException, status: 400 },
  ResourceNotFound: { exceptionClass: ResourceNotFound, status: 404 },
  ResourceNotFoundException: { exceptionClass: ResourceNotFoundException, status: 404 },
} as const satisfies Record<string, { exceptionClass: ModelledClass; status: number }>;

export function cloudWatchError(code: keyof typeof ERRORS, message: string): Error {
  const { exceptionClass, status } = ERRORS[code];
  const error = new (exceptionClass as ModelledClass)({ message, $metadata: { httpStatusCode: status } });
  return Object.assign(error, { Code: code });
}

const COMPARISONS: readonly ComparisonOperator[] = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
];
const STATISTICS: readonly Statistic[] = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];
const STATES: readonly StateValue[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

export class CloudWatchStore {
  /** By alarm name. */
  readonly alarms = new Map<string, AlarmRecord>();
  /** Runs an alarm action (a scaling policy ARN) when an alarm enters ALARM; FakeAws wires it. */
  onAlarmAction?: (actionArn: string) => void;

  constructor(readonly env: FakeEnvironment) {}

  alarmArn(name: string): string {
    return `arn:aws:cloudwatch:${this.env.region}:${this.env.account}:alarm:${name}`;
  }

  /** Test hook: the alarm's metric crossed (or came back over) its threshold. */
  setAlarmState(name: string, state: StateValue, reason = `Threshold crossed (set by a test)`): void {
    const alarm = this.alarms.get(name);
    if (!alarm) throw new Error(`fake-aws: no CloudWatch alarm ${name}`);
    const entered = alarm.state !== state;
    alarm.state = state;
    alarm.stateReason = reason;
    alarm.stateUpdated = new Date();
    alarm.pollsToFirstEvaluation = 0;
    if (entered && state === 'ALARM' && alarm.config.ActionsEnabled !== false) {
      for (const action of alarm.config.AlarmActions ?? []) this.onAlarmAction?.(action);
    }
  }

  listTagged(): TaggedResource[] {
    return [...this.alarms.values()]
      .filter((a) => Object.keys(a.tags).length > 0)
      .map((a) => ({ arn: a.arn, tags: { ...a.tags } }));
  }
}

function checkAlarm(input: PutMetricAlarmCommandInput): void {
  const name = input.AlarmName ?? '';
  if (name.length < 1 || name.length > 255) {
    throw cloudWatchError('ValidationError', 'AlarmName must be 1 to 255 characters long');
  }
  if (input.Metrics)
    throw cloudWatchError('ValidationError', 'fake-aws does not model metric math alarms (Metrics)');
  for (const [field, value] of [
    ['ComparisonOperator', input.ComparisonOperator],
    ['EvaluationPeriods', input.EvaluationPeriods],
    ['MetricName', input.MetricName],
    ['Namespace', input.Namespace],
    ['Period', input.Period],
    ['Threshold', input.Threshold],
  ] as const) {
    if (value === undefined) throw cloudWatchError('MissingParameter', `The parameter ${field} is required.`);
  }
  if (!COMPARISONS.includes(input.ComparisonOperator!)) {
    throw cloudWatchError('ValidationError', `Invalid ComparisonOperator ${input.ComparisonOperator}`);
  }
  if (!input.Statistic && !input.ExtendedStatistic) {
    throw cloudWatchError('MissingParameter', 'Either Statistic or ExtendedStatistic is required.');
  }
  if (input.Statistic && !STATISTICS.includes(input.Statistic)) {
    throw cloudWatchError('InvalidParameterValue', `Invalid Statistic ${input.Statistic}`);
  }
  const period = input.Period!;
  if (![10, 20, 30].includes(period) && (period < 60 || period % 60 !== 0)) {
    throw cloudWatchError(
      'InvalidParameterValue',
      `The parameter Period must be 10, 20, 30 or a multiple of 60 (got ${period}).`,
    );
  }
  if (input.EvaluationPeriods! < 1) {
    throw cloudWatchError('InvalidParameterValue', 'The parameter EvaluationPeriods must be at least 1.');
  }
  const tagIssue = tagProblem(toTagMap(input.Tags));
  if (tagIssue) throw cloudWatchError('InvalidParameterValue', tagIssue);
}

function describeAlarm(alarm: AlarmRecord): MetricAlarm {
  const c = alarm.config;
  return {
    AlarmName: alarm.name,
    AlarmArn: alarm.arn,
    AlarmDescription: c.AlarmDescription,
    AlarmConfigurationUpdatedTimestamp: alarm.configurationUpdated,
    ActionsEnabled: c.ActionsEnabled ?? true,
    OKActions: [...(c.OKActions ?? [])],
    AlarmActions: [...(c.AlarmActions ?? [])],
    InsufficientDataActions: [...(c.InsufficientDataActions ?? [])],
    StateValue: alarm.state,
    StateReason: alarm.stateReason,
    StateUpdatedTimestamp: alarm.stateUpdated,
    MetricName: c.MetricName,
    Namespace: c.Namespace,
    Statistic: c.Statistic,
    ExtendedStatistic: c.ExtendedStatistic,
    Dimensions: (c.Dimensions ?? []).map((d) => ({ Name: d.Name, Value: d.Value })),
    Period: c.Period,
    Unit: c.Unit,
    EvaluationPeriods: c.EvaluationPeriods,
    DatapointsToAlarm: c.DatapointsToAlarm,
    Threshold: c.Threshold,
    ComparisonOperator: c.ComparisonOperator,
    TreatMissingData: c.TreatMissingData,
  };
}

export function createCloudWatchService(env: FakeEnvironment): {
  service: FakeService;
  store: CloudWatchStore;
} {
  const store = new CloudWatchStore(env);
  const byArn = (arn: string | undefined) => {
    const alarm = [...store.alarms.values()].find((a) => a.arn === arn);
    if (!alarm) throw cloudWatchError('ResourceNotFoundException', `The resource ${arn} does not exist.`);
    return alarm;
  };
  const service = defineService({
    name: 'cloudwatch',
    mockClient: () => mockClient(CloudWatchClient),
    exceptionClass: CloudWatchServiceException,
    handlers: {
      /** Creates or overwrites the whole configuration; the state is kept on update. */
      PutMetricAlarm(input: PutMetricAlarmCommandInput): Result<PutMetricAlarmCommandOutput> {
        checkAlarm(input);
        const { Tags, ...config } = structuredClone(input);
        const name = input.AlarmName!;
        const existing = store.alarms.get(name);
        const now = new Date();
        if (existing) {
          existing.config = config;
          existing.configurationUpdated = now;
          return {};
        }
        store.alarms.set(name, {
          name,
          arn: store.alarmArn(name),
          config,
          state: 'INSUFFICIENT_DATA',
          stateReason: 'Unchecked: Initial alarm creation',
          stateUpdated: now,
          configurationUpdated: now,
          pollsToFirstEvaluation: env.latency.alarmFirstEvaluation,
          tags: toTagMap(Tags),
        });
        return {};
      },

      /** A poll: alarms not yet evaluated move towards their first evaluation (OK). */
      DescribeAlarms(input: DescribeAlarmsCommandInput): Result<DescribeAlarmsCommandOutput> {
        if (input.StateValue && !STATES.includes(input.StateValue)) {
          throw cloudWatchError('InvalidParameterValue', `Invalid StateValue ${input.StateValue}`);
        }
        const names = input.AlarmNames ?? [];
        const selected = [...store.alarms.values()].filter(
          (a) =>
            (names.length === 0 || names.includes(a.name)) &&
            (!input.AlarmNamePrefix || a.name.startsWith(input.AlarmNamePrefix)) &&
            (!input.ActionPrefix ||
              (a.config.AlarmActions ?? []).some((x) => x.startsWith(input.ActionPrefix!))),
        );
        for (const alarm of selected) {
          if (alarm.state !== 'INSUFFICIENT_DATA' || alarm.pollsToFirstEvaluation <= 0) continue;
          alarm.pollsToFirstEvaluation -= 1;
          if (alarm.pollsToFirstEvaluation === 0) {
            alarm.state = 'OK';
            alarm.stateReason = 'Threshold Crossed: no datapoints were breaching the threshold';
            alarm.stateUpdated = new Date();
          }
        }
        const matching = selected.filter((a) => !input.StateValue || a.state === input.StateValue);
        const { page, nextToken } = paginate(matching, input.MaxRecords, input.NextToken, (token) =>
          cloudWatchError('InvalidParameterValue', `The token '${token}' is invalid.`),
        );
        return { MetricAlarms: page.map(describeAlarm), CompositeAlarms: [], NextToken: nextToken };
      },

      /** All or nothing: one unknown name fails the call and deletes none. */
      DeleteAlarms(input: DeleteAlarmsCommandInput): Result<DeleteAlarmsCommandOutput> {
        const names = input.AlarmNames ?? [];
        const missing = names.filter((name) => !store.alarms.has(name));
        if (missing.length > 0) {
          throw cloudWatchError(
            'ResourceNotFound',
            `${missing.map((n) => `Alarm ${n}`).join(', ')} not found`,
          );
        }
        for (const name of names) store.alarms.delete(name);
        return {};
      },

      ListTagsForResource(input: ListTagsForResourceCommandInput): Result<ListTagsForResourceCommandOutput> {
        return { Tags: toTagList(byArn(input.ResourceARN).tags) };
      },

      TagResource(input: TagResourceCommandInput): Result<TagResourceCommandOutput> {
        const alarm = byArn(input.ResourceARN);
        const next = { ...alarm.tags, ...toTagMap(input.Tags) };
        const problem = tagProblem(next);
        if (problem) throw cloudWatchError('InvalidParameterValue', problem);
        alarm.tags = next;
        return {};
      },

      UntagResource(input: UntagResourceCommandInput): Result<UntagResourceCommandOutput> {
        const alarm = byArn(input.ResourceARN);
        for (const key of input.TagKeys ?? []) delete alarm.tags[key];
        return {};
      },
    },
    listTagged: () => store.listTagged(),
  });
  return { service, store };
}
