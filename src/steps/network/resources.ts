/**
 * The network step's resources as ResourceSpecs: how each is found (by id, by tags), created
 * (tagged in the create call) and deleted. Routes and route-table associations are not tagged
 * resources; routes.ts converges them.
 */
import {
  AllocateAddressCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteInternetGatewayCommand,
  DeleteNatGatewayCommand,
  DeleteRouteTableCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeAddressesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  DisassociateRouteTableCommand,
  ReleaseAddressCommand,
  waitUntilNatGatewayAvailable,
  waitUntilNatGatewayDeleted,
  waitUntilVpcAvailable,
} from '@aws-sdk/client-ec2';
import type { Address, InternetGateway, NatGateway, RouteTable, Subnet, Vpc } from '@aws-sdk/client-ec2';
import { AwsErrorCode, awsCall, awsDelete, awsFind, failedWith } from '../../aws/errors.js';
import { ec2TagFilters } from '../../aws/tags.js';
import { retryWhile, waitWithSdk } from '../../aws/wait.js';
import { ProvisioningError } from '../../engine/errors.js';
import type { StepContext } from '../../engine/step.js';
import type { CreatableSpec, DeletableSpec } from '../resource.js';

type Ctx = Pick<StepContext, 'aws' | 'config' | 'events' | 'signal' | 'timing' | 'tags' | 'step'>;
type Spec<R> = CreatableSpec<R> & DeletableSpec<R>;

/** Bounds for waits, in seconds (scaled by ctx.timing.maxWaitScale). */
export const NETWORK_WAITS = { vpc: 120, natCreate: 600, natDelete: 600, dependency: 300 } as const;

function tagSpec(ctx: Ctx, resourceType: string, role: string) {
  return [{ ResourceType: resourceType as never, Tags: ctx.tags(role) }];
}

const isDependencyViolation = (error: unknown) => failedWith(error, AwsErrorCode.dependencyViolation);

/** Deletes while AWS still reports dependencies that are on their way out (ENIs, NAT addresses). */
function deleteWhenFree(ctx: Ctx, what: string, id: string, run: () => Promise<unknown>): Promise<void> {
  return retryWhile(
    ctx,
    {
      what: `${what} ${id} to be free of dependencies`,
      resourceId: id,
      maxWaitSeconds: NETWORK_WAITS.dependency,
    },
    isDependencyViolation,
    () => awsDelete(`deleting ${what}`, run, id),
  );
}

export function vpcSpec(ctx: Ctx, role: string): Spec<Vpc> {
  const { ec2 } = ctx.aws;
  const cidr = ctx.config.network.vpcCidr;
  return {
    role,
    type: 'ec2:vpc',
    label: 'VPC',
    details: { cidr },
    idOf: (v) => v.VpcId!,
    tagsOf: (v) => v.Tags,
    findById: (id) =>
      awsFind(
        'describing EC2 VPC',
        async () => (await ec2.send(new DescribeVpcsCommand({ VpcIds: [id] }))).Vpcs?.[0],
        id,
      ),
    findByTags: async () =>
      (
        await awsCall('finding EC2 VPC by tags', () =>
          ec2.send(new DescribeVpcsCommand({ Filters: ec2TagFilters(ctx.config.name, ctx.step, role) })),
        )
      ).Vpcs ?? [],
    create: async () => {
      const vpc = (
        await awsCall(`creating EC2 VPC (${cidr})`, () =>
          ec2.send(new CreateVpcCommand({ CidrBlock: cidr, TagSpecifications: tagSpec(ctx, 'vpc', role) })),
        )
      ).Vpc!;
      await waitWithSdk(
        ctx,
        ec2,
        {
          what: `VPC ${vpc.VpcId} to become available`,
          resourceId: vpc.VpcId!,
          maxWaitSeconds: NETWORK_WAITS.vpc,
        },
        (config) => waitUntilVpcAvailable(config, { VpcIds: [vpc.VpcId!] }),
      );
      return vpc;
    },
    delete: (vpc) =>
      deleteWhenFree(ctx, 'EC2 VPC', vpc.VpcId!, () => ec2.send(new DeleteVpcCommand({ VpcId: vpc.VpcId! }))),
  };
}

export function internetGatewaySpec(ctx: Ctx, role: string): Spec<InternetGateway> {
  const { ec2 } = ctx.aws;
  return {
    role,
    type: 'ec2:internet-gateway',
    label: 'internet gateway',
    idOf: (g) => g.InternetGatewayId!,
    tagsOf: (g) => g.Tags,
    findById: (id) =>
      awsFind(
        'describing EC2 internet gateway',
        async () =>
          (await ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [id] })))
            .InternetGateways?.[0],
        id,
      ),
    findByTags: async () =>
      (
        await awsCall('finding EC2 internet gateway by tags', () =>
          ec2.send(
            new DescribeInternetGatewaysCommand({ Filters: ec2TagFilters(ctx.config.name, ctx.step, role) }),
          ),
        )
      ).InternetGateways ?? [],
    create: async () =>
      (
        await awsCall('creating EC2 internet gateway', () =>
          ec2.send(
            new CreateInternetGatewayCommand({ TagSpecifications: tagSpec(ctx, 'internet-gateway', role) }),
          ),
        )
      ).InternetGateway!,
    delete: async (igw) => {
      const id = igw.InternetGatewayId!;
      for (const attachment of igw.Attachments ?? []) {
        // Detaching fails with DependencyViolation while NAT gateways still hold public addresses.
        await deleteWhenFree(ctx, 'EC2 internet gateway attachment', id, () =>
          ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: id, VpcId: attachment.VpcId! })),
        );
      }
      await deleteWhenFree(ctx, 'EC2 internet gateway', id, () =>
        ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: id })),
      );
    },
  };
}

export function subnetSpec(
  ctx: Ctx,
  role: string,
  vpcId: () => string,
  az: string,
  cidr: string,
  label: string,
): Spec<Subnet> {
  const { ec2 } = ctx.aws;
  return {
    role,
    type: 'ec2:subnet',
    label,
    details: { cidr, az },
    idOf: (s) => s.SubnetId!,
    tagsOf: (s) => s.Tags,
    findById: (id) =>
      awsFind(
        'describing EC2 subnet',
        async () => (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id] }))).Subnets?.[0],
        id,
      ),
    findByTags: async () =>
      (
        await awsCall(`finding EC2 ${label} by tags`, () =>
          ec2.send(new DescribeSubnetsCommand({ Filters: ec2TagFilters(ctx.config.name, ctx.step, role) })),
        )
      ).Subnets ?? [],
    create: async () =>
      (
        await awsCall(`creating EC2 ${label} (${cidr})`, () =>
          ec2.send(
            new CreateSubnetCommand({
              VpcId: vpcId(),
              CidrBlock: cidr,
              AvailabilityZone: az,
              TagSpecifications: tagSpec(ctx, 'subnet', role),
            }),
          ),
        )
      ).Subnet!,
    // A subnet stays busy while a NAT gateway's or load balancer's interface is being released.
    delete: (s) =>
      deleteWhenFree(ctx, 'EC2 subnet', s.SubnetId!, () =>
        ec2.send(new DeleteSubnetCommand({ SubnetId: s.SubnetId! })),
      ),
  };
}

export function routeTableSpec(ctx: Ctx, role: string, vpcId: () => string, label: string): Spec<RouteTable> {
  const { ec2 } = ctx.aws;
  return {
    role,
    type: 'ec2:route-table',
    label,
    idOf: (t) => t.RouteTableId!,
    tagsOf: (t) => t.Tags,
    findById: (id) =>
      awsFind(
        'describing EC2 route table',
        async () =>
          (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [id] }))).RouteTables?.[0],
        id,
      ),
    findByTags: async () =>
      (
        await awsCall(`finding EC2 ${label} by tags`, () =>
          ec2.send(
            new DescribeRouteTablesCommand({ Filters: ec2TagFilters(ctx.config.name, ctx.step, role) }),
          ),
        )
      ).RouteTables ?? [],
    create: async () =>
      (
        await awsCall(`creating EC2 ${label}`, () =>
          ec2.send(
            new CreateRouteTableCommand({
              VpcId: vpcId(),
              TagSpecifications: tagSpec(ctx, 'route-table', role),
            }),
          ),
        )
      ).RouteTable!,
    delete: async (table) => {
      const id = table.RouteTableId!;
      for (const association of table.Associations ?? []) {
        if (association.Main || !association.RouteTableAssociationId) continue;
        await awsDelete(
          'disassociating EC2 route table',
          () =>
            ec2.send(
              new DisassociateRouteTableCommand({ AssociationId: association.RouteTableAssociationId! }),
            ),
          association.RouteTableAssociationId,
        );
      }
      await deleteWhenFree(ctx, 'EC2 route table', id, () =>
        ec2.send(new DeleteRouteTableCommand({ RouteTableId: id })),
      );
    },
  };
}

export function elasticIpSpec(ctx: Ctx, role: string, label: string): Spec<Address> {
  const { ec2 } = ctx.aws;
  return {
    role,
    type: 'ec2:elastic-ip',
    label,
    idOf: (a) => a.AllocationId!,
    tagsOf: (a) => a.Tags,
    attributes: (a) => ({ publicIp: a.PublicIp ?? null }),
    findById: (id) =>
      awsFind(
        'describing EC2 elastic IP',
        async () => (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [id] }))).Addresses?.[0],
        id,
      ),
    findByTags: async () =>
      (
        await awsCall(`finding EC2 ${label} by tags`, () =>
          ec2.send(new DescribeAddressesCommand({ Filters: ec2TagFilters(ctx.config.name, ctx.step, role) })),
        )
      ).Addresses ?? [],
    create: async () => {
      const out = await awsCall(`allocating EC2 ${label}`, () =>
        ec2.send(
          new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: tagSpec(ctx, 'elastic-ip', role) }),
        ),
      );
      return {
        AllocationId: out.AllocationId!,
        PublicIp: out.PublicIp!,
        Domain: 'vpc',
        Tags: ctx.tags(role),
      };
    },
    // Released only after its NAT gateway is deleted; until then AWS answers InvalidIPAddress.InUse.
    delete: (a) =>
      retryWhile(
        ctx,
        {
          what: `elastic IP ${a.AllocationId} to be released by its NAT gateway`,
          resourceId: a.AllocationId!,
          maxWaitSeconds: NETWORK_WAITS.dependency,
        },
        (error) => failedWith(error, AwsErrorCode.ipInUse, 'AuthFailure'),
        () =>
          awsDelete(
            'releasing EC2 elastic IP',
            () => ec2.send(new ReleaseAddressCommand({ AllocationId: a.AllocationId! })),
            a.AllocationId!,
          ),
      ),
  };
}

const LIVE_NAT_STATES = ['pending', 'available'];
/** Dead gateways one create call chain steps over before giving up (see natGatewaySpec.create). */
const MAX_NAT_GENERATIONS = 10;

export function natGatewaySpec(
  ctx: Ctx,
  role: string,
  subnetId: () => string,
  allocationId: () => string,
  label: string,
): Spec<NatGateway> {
  const { ec2 } = ctx.aws;
  return {
    role,
    type: 'ec2:nat-gateway',
    label,
    idOf: (n) => n.NatGatewayId!,
    tagsOf: (n) => n.Tags,
    // Deleted NAT gateways stay visible for about an hour; only pending/available ones count.
    findById: (id) =>
      awsFind(
        'describing EC2 NAT gateway',
        async () => {
          const nat = (await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] })))
            .NatGateways?.[0];
          return nat && LIVE_NAT_STATES.includes(nat.State ?? '') ? nat : undefined;
        },
        id,
      ),
    findByTags: async () =>
      (
        await awsCall(`finding EC2 ${label} by tags`, () =>
          ec2.send(
            new DescribeNatGatewaysCommand({
              Filter: [
                ...ec2TagFilters(ctx.config.name, ctx.step, role),
                { Name: 'state', Values: LIVE_NAT_STATES },
              ],
            }),
          ),
        )
      ).NatGateways ?? [],
    create: async () => {
      // The token is tied to the (new) elastic IP, so a re-create after destroy gets a new gateway,
      // while a retry after a crash gets the same one back. But AWS answers a token it has seen
      // with the gateway it made then even once that one is deleted or failed (e.g. deleted by
      // hand, elastic IP kept): the replacement's token is then derived from the dead gateway, so
      // every generation has its own token and a crash while replacing still finds the same one.
      let token = `${ctx.config.name}-${allocationId()}`;
      for (let generation = 0; generation < MAX_NAT_GENERATIONS; generation++) {
        const nat = (
          await awsCall(`creating EC2 ${label}`, () =>
            ec2.send(
              new CreateNatGatewayCommand({
                SubnetId: subnetId(),
                AllocationId: allocationId(),
                ConnectivityType: 'public',
                ClientToken: token.slice(0, 64),
                TagSpecifications: tagSpec(ctx, 'natgateway', role),
              }),
            ),
          )
        ).NatGateway!;
        if (LIVE_NAT_STATES.includes(nat.State ?? '')) return nat;
        token = `${ctx.config.name}-${nat.NatGatewayId}`;
      }
      throw new ProvisioningError(
        `creating EC2 ${label}: AWS keeps answering with deleted or failed NAT gateways for the elastic IP ${allocationId()}`,
        {
          code: 'NAT_GATEWAY_REPLACED_TOO_OFTEN',
          resourceId: allocationId(),
          hint: `Release the elastic IP ${allocationId()} and run again: gitlab-ha allocates a new one and creates the NAT gateway afresh.`,
        },
      );
    },
    delete: async (nat) => {
      const id = nat.NatGatewayId!;
      await awsDelete(
        'deleting EC2 NAT gateway',
        () => ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: id })),
        id,
      );
      await waitWithSdk(
        ctx,
        ec2,
        { what: `${label} ${id} to be deleted`, resourceId: id, maxWaitSeconds: NETWORK_WAITS.natDelete },
        (config) => waitUntilNatGatewayDeleted(config, { NatGatewayIds: [id] }),
      );
    },
  };
}

/** Waits until a NAT gateway is available (after create, and on resume of a pending one). */
export function waitNatAvailable(ctx: Ctx, id: string, label: string): Promise<void> {
  return waitWithSdk(
    ctx,
    ctx.aws.ec2,
    { what: `${label} ${id} to become available`, resourceId: id, maxWaitSeconds: NETWORK_WAITS.natCreate },
    (config) => waitUntilNatGatewayAvailable(config, { NatGatewayIds: [id] }),
  );
}

/**
 * NAT gateways of the deployment still in `deleting` (a destroy that was interrupted after
 * DeleteNatGateway): their elastic IPs and subnet interfaces stay busy until they are gone, so
 * destroy waits for them before releasing anything.
 */
export async function waitForDeletingNatGateways(ctx: Ctx): Promise<void> {
  const deleting =
    (
      await awsCall('finding EC2 NAT gateways being deleted', () =>
        ctx.aws.ec2.send(
          new DescribeNatGatewaysCommand({
            Filter: [...ec2TagFilters(ctx.config.name, ctx.step), { Name: 'state', Values: ['deleting'] }],
          }),
        ),
      )
    ).NatGateways ?? [];
  await Promise.all(
    deleting.map(({ NatGatewayId: id }) =>
      waitWithSdk(
        ctx,
        ctx.aws.ec2,
        { what: `NAT gateway ${id} to be deleted`, resourceId: id!, maxWaitSeconds: NETWORK_WAITS.natDelete },
        (config) => waitUntilNatGatewayDeleted(config, { NatGatewayIds: [id!] }),
      ),
    ),
  );
}
