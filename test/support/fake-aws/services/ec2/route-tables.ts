import type {
  AssociateRouteTableCommandInput,
  AssociateRouteTableCommandOutput,
  CreateRouteCommandInput,
  CreateRouteCommandOutput,
  CreateRouteTableCommandInput,
  CreateRouteTableCommandOutput,
  DeleteRouteCommandInput,
  DeleteRouteCommandOutput,
  DeleteRouteTableCommandInput,
  DeleteRouteTableCommandOutput,
  DescribeRouteTablesCommandInput,
  DescribeRouteTablesCommandOutput,
  DisassociateRouteTableCommandInput,
  DisassociateRouteTableCommandOutput,
  ReplaceRouteCommandInput,
  ReplaceRouteCommandOutput,
  ReplaceRouteTableAssociationCommandInput,
  ReplaceRouteTableAssociationCommandOutput,
  Route,
  RouteTable,
} from '@aws-sdk/client-ec2';
import type { FilterSpec } from '../../core/filters.js';
import type { Result } from '../../core/service.js';
import { toTagList, type TagMap } from '../../core/tags.js';
import { parseCidr } from './cidr.js';
import { page, select } from './describe.js';
import { ec2Error, hasDependencies, invalidParameterValue, notFound } from './errors.js';
import type { RouteRecord, RouteTableAssociationRecord, RouteTableRecord } from './records.js';
import type { Ec2Store } from './store.js';
import { tagsFromSpecifications } from './tags.js';

/** A new route table; the main one (made with its VPC) carries the VPC's main association. */
export function createRouteTableRecord(
  store: Ec2Store,
  vpcId: string,
  tags: TagMap,
  main: boolean,
): RouteTableRecord {
  const table: RouteTableRecord = {
    id: store.env.ids.next('rtb'),
    vpcId,
    routes: [],
    associations: main ? [{ id: store.env.ids.next('rtbassoc'), main: true }] : [],
    tags,
  };
  store.routeTables.set(table.id, table);
  return table;
}

export function isMainRouteTable(table: RouteTableRecord): boolean {
  return table.associations.some((a) => a.main);
}

/** Where a route points; `blackhole` once its gateway is gone (a deleted NAT gateway, a detached IGW). */
function routeState(store: Ec2Store, table: RouteTableRecord, route: RouteRecord): 'active' | 'blackhole' {
  if (route.gatewayId) {
    return store.internetGateways.get(route.gatewayId)?.attachedVpcId === table.vpcId
      ? 'active'
      : 'blackhole';
  }
  const nat = route.natGatewayId ? store.natGateways.get(route.natGatewayId) : undefined;
  return nat && nat.state !== 'deleted' && nat.state !== 'failed' ? 'active' : 'blackhole';
}

function routesOf(store: Ec2Store, table: RouteTableRecord): Route[] {
  const vpc = store.vpcs.get(table.vpcId);
  const local: Route[] = vpc
    ? [
        {
          DestinationCidrBlock: vpc.cidrBlock,
          GatewayId: 'local',
          State: 'active',
          Origin: 'CreateRouteTable',
        },
      ]
    : [];
  return [
    ...local,
    ...table.routes.map((route): Route => ({
      DestinationCidrBlock: route.destinationCidrBlock,
      GatewayId: route.gatewayId,
      NatGatewayId: route.natGatewayId,
      State: routeState(store, table, route),
      Origin: 'CreateRoute',
    })),
  ];
}

export function describeRouteTable(store: Ec2Store, table: RouteTableRecord): RouteTable {
  return {
    RouteTableId: table.id,
    VpcId: table.vpcId,
    OwnerId: store.env.account,
    Routes: routesOf(store, table),
    Associations: table.associations.map((a) => ({
      RouteTableAssociationId: a.id,
      RouteTableId: table.id,
      SubnetId: a.subnetId,
      Main: a.main,
      AssociationState: { State: 'associated' },
    })),
    PropagatingVgws: [],
    Tags: toTagList(table.tags),
  };
}

function routeTableFilters(store: Ec2Store): FilterSpec<RouteTableRecord> {
  return {
    fields: {
      'vpc-id': (t) => t.vpcId,
      'route-table-id': (t) => t.id,
      'owner-id': () => store.env.account,
      'association.subnet-id': (t) => t.associations.map((a) => a.subnetId),
      'association.main': (t) => (isMainRouteTable(t) ? 'true' : 'false'),
      'association.route-table-association-id': (t) => t.associations.map((a) => a.id),
      'association.route-table-id': (t) => (t.associations.length ? t.id : undefined),
      'route.destination-cidr-block': (t) => routesOf(store, t).map((r) => r.DestinationCidrBlock),
      'route.gateway-id': (t) => routesOf(store, t).map((r) => r.GatewayId),
      'route.nat-gateway-id': (t) => routesOf(store, t).map((r) => r.NatGatewayId),
      'route.state': (t) => routesOf(store, t).map((r) => r.State),
    },
    tags: (t) => t.tags,
  };
}

export function routeTableHandlers(store: Ec2Store) {
  /** The association with this id and the table holding it. */
  const association = (id: string | undefined): [RouteTableRecord, RouteTableAssociationRecord] => {
    for (const table of store.routeTables.values()) {
      const found = table.associations.find((a) => a.id === id);
      if (found) return [table, found];
    }
    throw notFound.routeTableAssociation(id ?? '');
  };

  /** Validates a route's destination and target (exactly one of GatewayId / NatGatewayId). */
  const routeFrom = (
    table: RouteTableRecord,
    input: {
      DestinationCidrBlock?: string | undefined;
      GatewayId?: string | undefined;
      NatGatewayId?: string | undefined;
    },
  ): RouteRecord => {
    const destination = input.DestinationCidrBlock ?? '';
    if (!parseCidr(destination)) {
      throw invalidParameterValue(
        `Value (${destination}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.`,
      );
    }
    if (Boolean(input.GatewayId) === Boolean(input.NatGatewayId)) {
      throw ec2Error(
        'InvalidParameterCombination',
        'The request must contain exactly one of gatewayId or natGatewayId',
      );
    }
    if (input.GatewayId) {
      const gateway = store.internetGateway(input.GatewayId);
      if (gateway.attachedVpcId !== table.vpcId) {
        throw invalidParameterValue(
          `route table ${table.id} and network gateway ${gateway.id} belong to different networks`,
        );
      }
      return { destinationCidrBlock: destination, gatewayId: gateway.id };
    }
    const nat = store.natGateway(input.NatGatewayId);
    if (nat.vpcId !== table.vpcId) {
      throw invalidParameterValue(
        `route table ${table.id} and NAT gateway ${nat.id} belong to different networks`,
      );
    }
    return { destinationCidrBlock: destination, natGatewayId: nat.id };
  };

  const isLocal = (table: RouteTableRecord, destination: string | undefined) =>
    store.vpcs.get(table.vpcId)?.cidrBlock === destination;

  return {
    CreateRouteTable(input: CreateRouteTableCommandInput): Result<CreateRouteTableCommandOutput> {
      const earlier = store.clientTokens.recall('CreateRouteTable', input, () =>
        ec2Error(
          'IdempotentParameterMismatch',
          `Client token ${input.ClientToken} was used with other parameters`,
        ),
      );
      if (earlier) {
        return {
          RouteTable: describeRouteTable(store, store.routeTable(earlier)),
          ClientToken: input.ClientToken,
        };
      }
      const vpc = store.vpc(input.VpcId);
      const table = createRouteTableRecord(
        store,
        vpc.id,
        tagsFromSpecifications(input.TagSpecifications, 'route-table'),
        false,
      );
      store.clientTokens.remember('CreateRouteTable', input, table.id);
      return { RouteTable: describeRouteTable(store, table), ClientToken: input.ClientToken };
    },

    DescribeRouteTables(input: DescribeRouteTablesCommandInput): Result<DescribeRouteTablesCommandOutput> {
      const tables = select({
        byIds: { ids: input.RouteTableIds, lookup: (id) => store.routeTable(id) },
        all: () => store.routeTables.values(),
        filters: input.Filters,
        spec: routeTableFilters(store),
      });
      const { page: shown, nextToken } = page(tables, input);
      return { RouteTables: shown.map((t) => describeRouteTable(store, t)), NextToken: nextToken };
    },

    DeleteRouteTable(input: DeleteRouteTableCommandInput): Result<DeleteRouteTableCommandOutput> {
      const table = store.routeTable(input.RouteTableId);
      if (table.associations.length > 0) throw hasDependencies('routeTable', table.id);
      store.routeTables.delete(table.id);
      return {};
    },

    CreateRoute(input: CreateRouteCommandInput): Result<CreateRouteCommandOutput> {
      const table = store.routeTable(input.RouteTableId);
      const route = routeFrom(table, input);
      const taken =
        isLocal(table, route.destinationCidrBlock) ||
        table.routes.some((r) => r.destinationCidrBlock === route.destinationCidrBlock);
      if (taken) {
        throw ec2Error(
          'RouteAlreadyExists',
          `The route identified by ${route.destinationCidrBlock} already exists.`,
        );
      }
      table.routes.push(route);
      return { Return: true };
    },

    ReplaceRoute(input: ReplaceRouteCommandInput): Result<ReplaceRouteCommandOutput> {
      const table = store.routeTable(input.RouteTableId);
      const route = routeFrom(table, input);
      const index = table.routes.findIndex((r) => r.destinationCidrBlock === route.destinationCidrBlock);
      if (index < 0) {
        throw invalidParameterValue(
          `There is no route defined for '${route.destinationCidrBlock}' in the route table. Use CreateRoute instead.`,
        );
      }
      table.routes[index] = route;
      return {};
    },

    DeleteRoute(input: DeleteRouteCommandInput): Result<DeleteRouteCommandOutput> {
      const table = store.routeTable(input.RouteTableId);
      const destination = input.DestinationCidrBlock;
      if (isLocal(table, destination))
        throw invalidParameterValue(`cannot remove local route ${destination} in route table ${table.id}`);
      const index = table.routes.findIndex((r) => r.destinationCidrBlock === destination);
      if (index < 0) {
        throw ec2Error(
          'InvalidRoute.NotFound',
          `no route with destination-cidr-block ${destination} in route table ${table.id}`,
        );
      }
      table.routes.splice(index, 1);
      return {};
    },

    AssociateRouteTable(input: AssociateRouteTableCommandInput): Result<AssociateRouteTableCommandOutput> {
      const table = store.routeTable(input.RouteTableId);
      const subnet = store.subnet(input.SubnetId);
      if (subnet.vpcId !== table.vpcId) {
        throw invalidParameterValue(
          `Route table ${table.id} and subnet ${subnet.id} belong to different networks`,
        );
      }
      const associated = [...store.routeTables.values()].some((t) =>
        t.associations.some((a) => a.subnetId === subnet.id),
      );
      if (associated) {
        throw ec2Error(
          'Resource.AlreadyAssociated',
          `the specified association for route table ${table.id} conflicts with an existing association`,
        );
      }
      const created: RouteTableAssociationRecord = {
        id: store.env.ids.next('rtbassoc'),
        subnetId: subnet.id,
        main: false,
      };
      table.associations.push(created);
      return { AssociationId: created.id, AssociationState: { State: 'associated' } };
    },

    DisassociateRouteTable(
      input: DisassociateRouteTableCommandInput,
    ): Result<DisassociateRouteTableCommandOutput> {
      const [table, found] = association(input.AssociationId);
      if (found.main)
        throw invalidParameterValue(`cannot disassociate the main route table association ${found.id}`);
      table.associations = table.associations.filter((a) => a !== found);
      return {};
    },

    /** Moves a subnet (or the VPC's main association) to another table; the association gets a new id. */
    ReplaceRouteTableAssociation(
      input: ReplaceRouteTableAssociationCommandInput,
    ): Result<ReplaceRouteTableAssociationCommandOutput> {
      const [from, found] = association(input.AssociationId);
      const to = store.routeTable(input.RouteTableId);
      if (to.vpcId !== from.vpcId)
        throw invalidParameterValue(`Route table ${to.id} belongs to a different network`);
      from.associations = from.associations.filter((a) => a !== found);
      const moved: RouteTableAssociationRecord = { ...found, id: store.env.ids.next('rtbassoc') };
      to.associations.push(moved);
      return { NewAssociationId: moved.id, AssociationState: { State: 'associated' } };
    },
  };
}
