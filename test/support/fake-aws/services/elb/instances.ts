import type {
  DeregisterInstancesFromLoadBalancerCommandInput,
  DeregisterInstancesFromLoadBalancerCommandOutput,
  DescribeInstanceHealthCommandInput,
  DescribeInstanceHealthCommandOutput,
  InstanceState,
  RegisterInstancesWithLoadBalancerCommandInput,
  RegisterInstancesWithLoadBalancerCommandOutput,
} from '@aws-sdk/client-elastic-load-balancing';
import type { Result } from '../../core/service.js';
import { elbError } from './errors.js';
import type { LoadBalancerRecord, RegisteredInstance } from './records.js';
import type { ElbStore } from './store.js';

const invalidInstance = (id: string) =>
  elbError('InvalidInstance', `The specified EndPoint ${id} is not valid or is not registered.`);

function idsOf(instances: readonly { InstanceId?: string | undefined }[] | undefined): string[] {
  return (instances ?? []).map((i) => i.InstanceId ?? '');
}

function registered(lb: LoadBalancerRecord) {
  return { Instances: lb.instances.map((i) => ({ InstanceId: i.instanceId })) };
}

/**
 * One poll of an instance's health. It is InService once it has been running for
 * `latency.elbInService` polls (and passes its health checks); anything else is OutOfService.
 */
function pollHealth(store: ElbStore, instance: RegisteredInstance): InstanceState {
  const id = instance.instanceId;
  const state = store.instanceState(id);
  if (state !== 'running') {
    instance.runningPolls = 0;
    return {
      InstanceId: id,
      State: 'OutOfService',
      ReasonCode: 'Instance',
      Description: `Instance is in ${state ?? 'unknown'} state.`,
    };
  }
  instance.runningPolls += 1;
  if (store.failingHealthChecks.has(id)) {
    return {
      InstanceId: id,
      State: 'OutOfService',
      ReasonCode: 'Instance',
      Description:
        'Instance has failed at least the UnhealthyThreshold number of health checks consecutively.',
    };
  }
  if (instance.runningPolls < store.env.latency.elbInService) {
    return {
      InstanceId: id,
      State: 'OutOfService',
      ReasonCode: 'ELB',
      Description: 'Instance registration is still in progress.',
    };
  }
  return { InstanceId: id, State: 'InService', ReasonCode: 'N/A', Description: 'N/A' };
}

export function instanceHandlers(store: ElbStore) {
  return {
    RegisterInstancesWithLoadBalancer(
      input: RegisterInstancesWithLoadBalancerCommandInput,
    ): Result<RegisterInstancesWithLoadBalancerCommandOutput> {
      const name = input.LoadBalancerName ?? '';
      store.registerInstances(name, idsOf(input.Instances));
      return registered(store.loadBalancer(name));
    },

    DeregisterInstancesFromLoadBalancer(
      input: DeregisterInstancesFromLoadBalancerCommandInput,
    ): Result<DeregisterInstancesFromLoadBalancerCommandOutput> {
      const lb = store.loadBalancer(input.LoadBalancerName);
      const ids = idsOf(input.Instances);
      const unknown = ids.find((id) => !lb.instances.some((i) => i.instanceId === id));
      if (unknown !== undefined) throw invalidInstance(unknown);
      store.deregisterInstances(lb.name, ids);
      return registered(lb);
    },

    /** Every registered instance, or the ones named (each must be registered). */
    DescribeInstanceHealth(
      input: DescribeInstanceHealthCommandInput,
    ): Result<DescribeInstanceHealthCommandOutput> {
      const lb = store.loadBalancer(input.LoadBalancerName);
      const ids = idsOf(input.Instances);
      const selected = ids.length
        ? ids.map((id) => {
            const found = lb.instances.find((i) => i.instanceId === id);
            if (!found) throw invalidInstance(id);
            return found;
          })
        : lb.instances;
      return { InstanceStates: selected.map((i) => pollHealth(store, i)) };
    },
  };
}
