import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { serviceException } from '../../core/errors.js';

/** An EC2 client error with AWS's code and message (HTTP 400). */
export function ec2Error(code: string, message: string): Error {
  return serviceException(EC2ServiceException, { name: code, message });
}

export const invalidParameterValue = (message: string) => ec2Error('InvalidParameterValue', message);

export const dependencyViolation = (message: string) => ec2Error('DependencyViolation', message);

/** "The <kind> '<id>' has dependencies and cannot be deleted.", as EC2 words it. */
export const hasDependencies = (kind: string, id: string) =>
  dependencyViolation(`The ${kind} '${id}' has dependencies and cannot be deleted.`);

/** The NotFound error EC2 raises for each kind of id. */
export const notFound = {
  vpc: (id: string) => ec2Error('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`),
  subnet: (id: string) => ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`),
  internetGateway: (id: string) =>
    ec2Error('InvalidInternetGatewayID.NotFound', `The internetGateway ID '${id}' does not exist`),
  routeTable: (id: string) =>
    ec2Error('InvalidRouteTableID.NotFound', `The routeTable ID '${id}' does not exist`),
  routeTableAssociation: (id: string) =>
    ec2Error('InvalidAssociationID.NotFound', `The association ID '${id}' does not exist`),
  address: (id: string) =>
    ec2Error('InvalidAllocationID.NotFound', `The allocation ID '${id}' does not exist`),
  natGateway: (id: string) => ec2Error('NatGatewayNotFound', `The Nat Gateway ${id} was not found`),
  securityGroup: (id: string) =>
    ec2Error('InvalidGroup.NotFound', `The security group '${id}' does not exist`),
  securityGroupRule: (id: string) =>
    ec2Error('InvalidSecurityGroupRuleId.NotFound', `The security group rule ID '${id}' does not exist`),
  networkInterface: (id: string) =>
    ec2Error('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${id}' does not exist`),
  instance: (id: string) => ec2Error('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`),
  volume: (id: string) => ec2Error('InvalidVolume.NotFound', `The volume '${id}' does not exist.`),
  snapshot: (id: string) => ec2Error('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`),
  image: (id: string) => ec2Error('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`),
  launchTemplate: (id: string) =>
    ec2Error(
      'InvalidLaunchTemplateId.NotFound',
      `The specified launch template, with template ID ${id}, does not exist.`,
    ),
  launchTemplateName: (name: string) =>
    ec2Error(
      'InvalidLaunchTemplateName.NotFoundException',
      `The specified launch template, with template name ${name}, does not exist.`,
    ),
  launchTemplateVersion: (id: string, version: string) =>
    ec2Error(
      'InvalidLaunchTemplateId.VersionNotFound',
      `Could not find launch template version ${version} for launch template ${id}.`,
    ),
};
