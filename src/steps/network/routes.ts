/**
 * Default routes and subnet associations: parts of a route table rather than tagged resources, so
 * they are converged by looking at the table (a crash after CreateRoute just finds the route there).
 */
import {
  AssociateRouteTableCommand,
  CreateRouteCommand,
  DescribeRouteTablesCommand,
  ReplaceRouteCommand,
  ReplaceRouteTableAssociationCommand,
} from '@aws-sdk/client-ec2';
import type { Route, RouteTable } from '@aws-sdk/client-ec2';
import { AwsErrorCode, awsCall, isAwsError, translateAwsError } from '../../aws/errors.js';
import type { StepContext } from '../../engine/step.js';

type Ctx = Pick<StepContext, 'aws' | 'events'>;

export const DEFAULT_ROUTE = '0.0.0.0/0';

export type RouteTarget = { gatewayId: string } | { natGatewayId: string };

function targetId(target: RouteTarget): string {
  return 'gatewayId' in target ? target.gatewayId : target.natGatewayId;
}

function routeMatches(route: Route, target: RouteTarget): boolean {
  const id = 'gatewayId' in target ? route.GatewayId : route.NatGatewayId;
  return id === targetId(target) && route.State !== 'blackhole';
}

/** Why the table's default route is not the expected one, or undefined when it is. */
export function defaultRouteDrift(table: RouteTable, target: RouteTarget): string | undefined {
  const route = table.Routes?.find((r) => r.DestinationCidrBlock === DEFAULT_ROUTE);
  if (!route) return `route table ${table.RouteTableId} has no ${DEFAULT_ROUTE} route`;
  if (!routeMatches(route, target)) {
    const actual = route.GatewayId ?? route.NatGatewayId ?? 'another target';
    return `route table ${table.RouteTableId} sends ${DEFAULT_ROUTE} to ${actual}${route.State === 'blackhole' ? ' (blackhole)' : ''}, expected ${targetId(target)}`;
  }
  return undefined;
}

export function associationDrift(table: RouteTable, subnetId: string): string | undefined {
  return table.Associations?.some((a) => a.SubnetId === subnetId)
    ? undefined
    : `subnet ${subnetId} is not associated with route table ${table.RouteTableId}`;
}

export async function ensureDefaultRoute(ctx: Ctx, table: RouteTable, target: RouteTarget): Promise<void> {
  const tableId = table.RouteTableId!;
  const existing = table.Routes?.find((r) => r.DestinationCidrBlock === DEFAULT_ROUTE);
  if (existing && routeMatches(existing, target)) return;
  const params = {
    RouteTableId: tableId,
    DestinationCidrBlock: DEFAULT_ROUTE,
    ...('gatewayId' in target ? { GatewayId: target.gatewayId } : { NatGatewayId: target.natGatewayId }),
  };
  if (existing) {
    await awsCall(
      `replacing the ${DEFAULT_ROUTE} route of EC2 route table`,
      () => ctx.aws.ec2.send(new ReplaceRouteCommand(params)),
      tableId,
    );
    ctx.events.info(
      'resource.update',
      `route ${DEFAULT_ROUTE} of ${tableId} now goes to ${targetId(target)}`,
      {
        type: 'ec2:route',
        id: tableId,
      },
    );
    return;
  }
  try {
    await ctx.aws.ec2.send(new CreateRouteCommand(params));
  } catch (error) {
    // Created by a run that crashed before it could see the answer: make sure it points the right way.
    if (!isAwsError(error, AwsErrorCode.routeAlreadyExists)) {
      throw translateAwsError(`creating the ${DEFAULT_ROUTE} route in EC2 route table`, error, tableId);
    }
    await awsCall(
      `replacing the ${DEFAULT_ROUTE} route of EC2 route table`,
      () => ctx.aws.ec2.send(new ReplaceRouteCommand(params)),
      tableId,
    );
  }
  ctx.events.info('resource.create', `route ${DEFAULT_ROUTE} in ${tableId} -> ${targetId(target)}`, {
    type: 'ec2:route',
    id: tableId,
  });
}

export async function ensureAssociation(ctx: Ctx, table: RouteTable, subnetId: string): Promise<void> {
  const tableId = table.RouteTableId!;
  if (!associationDrift(table, subnetId)) return;
  try {
    await ctx.aws.ec2.send(new AssociateRouteTableCommand({ RouteTableId: tableId, SubnetId: subnetId }));
  } catch (error) {
    if (!isAwsError(error, AwsErrorCode.alreadyAssociated)) {
      throw translateAwsError('associating EC2 route table', error, `${tableId}/${subnetId}`);
    }
    // The subnet is associated with another table (someone changed it): move it back.
    const current = (
      await awsCall('describing EC2 route table associations', () =>
        ctx.aws.ec2.send(
          new DescribeRouteTablesCommand({
            Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }],
          }),
        ),
      )
    ).RouteTables?.[0];
    const association = current?.Associations?.find((a) => a.SubnetId === subnetId);
    if (!current || !association) throw error;
    if (current.RouteTableId === tableId) return;
    await awsCall(
      'replacing EC2 route table association',
      () =>
        ctx.aws.ec2.send(
          new ReplaceRouteTableAssociationCommand({
            AssociationId: association.RouteTableAssociationId!,
            RouteTableId: tableId,
          }),
        ),
      association.RouteTableAssociationId,
    );
  }
  ctx.events.info('resource.create', `associated subnet ${subnetId} with ${tableId}`, {
    type: 'ec2:route-table-association',
    id: tableId,
  });
}
