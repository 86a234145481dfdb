/**
 * Suggested subnet CIDRs for a VPC: equal blocks, public ones from the start of the VPC and private
 * ones from the tenth block on, so a /16 gets the familiar 10.0.0.0/24, 10.0.1.0/24 ... and
 * 10.0.10.0/24, 10.0.11.0/24 ..., with room to add zones later without renumbering.
 */
import { parseIpv4Cidr } from '../config/cidr.js';

export interface SuggestedSubnets {
  public: string[];
  private: string[];
}

/** /24 blocks for large VPCs; a sixteenth of the VPC for smaller ones, down to AWS's /28 minimum. */
const PREFERRED_PREFIX = 24;
const SMALLEST_PREFIX = 28;
const FIRST_PRIVATE_BLOCK = 10;

/** Undefined when the VPC CIDR is not valid or too small for `zoneCount` public + private subnets. */
export function suggestSubnets(vpcCidr: string, zoneCount: number): SuggestedSubnets | undefined {
  const parsed = parseIpv4Cidr(vpcCidr);
  if (!parsed.ok || zoneCount < 1) return undefined;
  const { address, prefix: vpcPrefix } = parsed.network;
  const prefix = Math.min(SMALLEST_PREFIX, Math.max(PREFERRED_PREFIX, vpcPrefix + 4));
  if (prefix < vpcPrefix) return undefined;
  const blocks = 2 ** (prefix - vpcPrefix);
  // Leave a gap between public and private blocks when the VPC has room for it.
  const firstPrivate =
    blocks >= FIRST_PRIVATE_BLOCK + zoneCount
      ? FIRST_PRIVATE_BLOCK
      : blocks >= 2 * zoneCount
        ? zoneCount
        : -1;
  if (firstPrivate < 0) return undefined;
  const size = 2 ** (32 - prefix);
  const block = (index: number) => `${formatAddress(address + index * size)}/${prefix}`;
  const indexes = Array.from({ length: zoneCount }, (_, index) => index);
  return {
    public: indexes.map((index) => block(index)),
    private: indexes.map((index) => block(firstPrivate + index)),
  };
}

function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join('.');
}
