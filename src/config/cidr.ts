/** IPv4 CIDR arithmetic for the network rules: parse strictly, compare as unsigned 32-bit numbers. */

export interface Ipv4Network {
  /** Network address as an unsigned 32-bit integer. */
  address: number;
  prefix: number;
  /** Canonical text, e.g. 10.0.1.0/24. */
  text: string;
}

export type CidrParseResult = { ok: true; network: Ipv4Network } | { ok: false; problem: string };

const CIDR_SHAPE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function maskFor(prefix: number): number {
  // `<< 32` is a no-op in JavaScript, so /0 needs its own case.
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join('.');
}

/** Parses `a.b.c.d/p`, rejecting octets over 255, prefixes over 32, leading zeros and set host bits. */
export function parseIpv4Cidr(text: string): CidrParseResult {
  const match = CIDR_SHAPE.exec(text);
  if (match === null) return { ok: false, problem: `"${text}" is not an IPv4 CIDR block like 10.0.0.0/16` };
  const [, ...parts] = match;
  const octetTexts = parts.slice(0, 4) as string[];
  const prefix = Number(parts[4]);
  for (const octet of octetTexts) {
    if (Number(octet) > 255)
      return { ok: false, problem: `${text} has octet ${octet}; each octet must be 0-255` };
    // Some tools read a leading zero as octal; refuse the ambiguity instead of guessing.
    if (octet.length > 1 && octet.startsWith('0')) {
      return { ok: false, problem: `${text} has octet ${octet} with a leading zero; write ${Number(octet)}` };
    }
  }
  if (prefix > 32)
    return { ok: false, problem: `${text} has prefix /${prefix}; an IPv4 prefix is at most /32` };
  const raw = octetTexts.reduce((acc, octet) => ((acc << 8) | Number(octet)) >>> 0, 0);
  const address = (raw & maskFor(prefix)) >>> 0;
  const canonical = `${formatAddress(address)}/${prefix}`;
  if (address !== raw) {
    return { ok: false, problem: `${text} has host bits set; did you mean ${canonical}?` };
  }
  return { ok: true, network: { address, prefix, text: canonical } };
}

/** True when every address of `inner` is inside `outer`. */
export function cidrContains(outer: Ipv4Network, inner: Ipv4Network): boolean {
  return inner.prefix >= outer.prefix && (inner.address & maskFor(outer.prefix)) >>> 0 === outer.address;
}

/** Two CIDR blocks overlap exactly when one contains the other. */
export function cidrsOverlap(a: Ipv4Network, b: Ipv4Network): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}
