import {
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
  TagResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import type { PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { describe, expect, it } from 'vitest';
import { useFakeAws } from './helpers.js';

const { fake, aws } = useFakeAws();

const POLICY_ARN =
  'arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:0f0e0d0c-0b0a-4909-a807-060504030201:autoScalingGroupName/demo-gitlab:policyName/demo-scale-out';
const ALARM_ARN = 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:demo-cpu-high';

function alarm(overrides: Partial<PutMetricAlarmCommandInput> = {}): PutMetricAlarmCommandInput {
  return {
    AlarmName: 'demo-cpu-high',
    AlarmDescription: 'Scale out',
    ActionsEnabled: true,
    AlarmActions: [POLICY_ARN],
    MetricName: 'CPUUtilization',
    Namespace: 'AWS/EC2',
    Statistic: 'Average',
    Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'demo-gitlab' }],
    Period: 60,
    EvaluationPeriods: 2,
    Threshold: 60,
    ComparisonOperator: 'GreaterThanThreshold',
    Tags: [{ Key: 'gitlab-ha:deployment', Value: 'demo' }],
    ...overrides,
  };
}

async function describeAlarm(name = 'demo-cpu-high') {
  return (await aws().cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms?.[0];
}

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string; Code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; message: string; Code?: string };
  }
  throw new Error('expected the call to fail');
}

describe('fake CloudWatch: alarms', () => {
  it('creates an alarm that is INSUFFICIENT_DATA until its first evaluation, then OK', async () => {
    // GIVEN alarms that need two polls for their first evaluation
    fake().latency.alarmFirstEvaluation = 2;

    // WHEN an alarm is put and described twice
    await aws().cloudwatch.send(new PutMetricAlarmCommand(alarm()));
    const first = await describeAlarm();
    const second = await describeAlarm();

    // THEN it is described as configured, INSUFFICIENT_DATA first and OK next
    expect(first).toMatchObject({
      AlarmName: 'demo-cpu-high',
      AlarmArn: ALARM_ARN,
      AlarmActions: [POLICY_ARN],
      MetricName: 'CPUUtilization',
      Namespace: 'AWS/EC2',
      Statistic: 'Average',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'demo-gitlab' }],
      Period: 60,
      EvaluationPeriods: 2,
      Threshold: 60,
      ComparisonOperator: 'GreaterThanThreshold',
      StateValue: 'INSUFFICIENT_DATA',
    });
    expect(second?.StateValue).toBe('OK');
  });

  it('overwrites the configuration on update, keeping the state and ignoring the tags', async () => {
    // GIVEN an alarm in ALARM
    await aws().cloudwatch.send(new PutMetricAlarmCommand(alarm()));
    fake().cloudwatch.setAlarmState('demo-cpu-high', 'ALARM', 'CPU at 93 %');

    // WHEN it is put again with another threshold and other tags
    await aws().cloudwatch.send(
      new PutMetricAlarmCommand(alarm({ Threshold: 70, Tags: [{ Key: 'team', Value: 'other' }] })),
    );
    const updated = await describeAlarm();
    const tags = await aws().cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: ALARM_ARN }));

    // THEN the threshold changed, the state did not, and the tags are the first ones
    expect(updated).toMatchObject({ Threshold: 70, StateValue: 'ALARM', StateReason: 'CPU at 93 %' });
    expect(tags.Tags).toEqual([{ Key: 'gitlab-ha:deployment', Value: 'demo' }]);
  });

  it('filters by state, and runs the alarm actions when it enters ALARM', async () => {
    // GIVEN two alarms and a recorder of alarm actions
    const actions: string[] = [];
    fake().cloudwatch.onAlarmAction = (arn) => actions.push(arn);
    await aws().cloudwatch.send(new PutMetricAlarmCommand(alarm()));
    await aws().cloudwatch.send(
      new PutMetricAlarmCommand(
        alarm({ AlarmName: 'demo-cpu-low', ComparisonOperator: 'LessThanThreshold', Threshold: 45 }),
      ),
    );

    // WHEN one enters ALARM (twice in a row) and alarms in ALARM are listed
    fake().cloudwatch.setAlarmState('demo-cpu-high', 'ALARM');
    fake().cloudwatch.setAlarmState('demo-cpu-high', 'ALARM');
    const inAlarm = await aws().cloudwatch.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }));

    // THEN only it is listed, and its action ran once
    expect(inAlarm.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['demo-cpu-high']);
    expect(actions).toEqual([POLICY_ARN]);
  });

  it('deletes alarms, but none when one of the names does not exist', async () => {
    // GIVEN one alarm
    await aws().cloudwatch.send(new PutMetricAlarmCommand(alarm()));

    // WHEN it is deleted along with a missing one, then alone
    const error = await errorOf(
      aws().cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: ['demo-cpu-high', 'demo-cpu-low'] })),
    );
    const kept = await describeAlarm();
    await aws().cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: ['demo-cpu-high'] }));

    // THEN the first call fails with ResourceNotFound and deletes nothing; the second deletes it
    expect(error.Code).toBe('ResourceNotFound');
    expect(kept?.AlarmName).toBe('demo-cpu-high');
    expect(await describeAlarm()).toBeUndefined();
  });

  it('tags alarms and lists them for the Resource Groups Tagging API', async () => {
    // GIVEN an alarm
    await aws().cloudwatch.send(new PutMetricAlarmCommand(alarm()));

    // WHEN it is tagged once more and the Tagging API is asked
    await aws().cloudwatch.send(
      new TagResourceCommand({ ResourceARN: ALARM_ARN, Tags: [{ Key: 'team', Value: 'platform' }] }),
    );
    const tagged = await aws().tagging.send(
      new GetResourcesCommand({ ResourceTypeFilters: ['cloudwatch:alarm'] }),
    );
    const missing = await errorOf(
      aws().cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: `${ALARM_ARN}-nope` })),
    );

    // THEN it is listed with both tags, and an unknown ARN is ResourceNotFoundException
    expect(tagged.ResourceTagMappingList).toEqual([
      {
        ResourceARN: ALARM_ARN,
        Tags: [
          { Key: 'gitlab-ha:deployment', Value: 'demo' },
          { Key: 'team', Value: 'platform' },
        ],
      },
    ]);
    expect(missing.Code).toBe('ResourceNotFoundException');
  });

  it('refuses an alarm without a comparison, or with a period CloudWatch does not take', async () => {
    // GIVEN nothing
    // WHEN alarms with those mistakes are put
    const noComparison = await errorOf(
      aws().cloudwatch.send(new PutMetricAlarmCommand(alarm({ ComparisonOperator: undefined }))),
    );
    const badPeriod = await errorOf(aws().cloudwatch.send(new PutMetricAlarmCommand(alarm({ Period: 90 }))));

    // THEN each fails with CloudWatch's code, and no alarm exists
    expect(noComparison.Code).toBe('MissingParameter');
    expect(badPeriod.Code).toBe('InvalidParameterValue');
    expect(fake().cloudwatch.alarms.size).toBe(0);
  });
});
