import { describe, expect, it } from 'vitest';
import { cidrContains, cidrsOverlap, parseIpv4Cidr, type Ipv4Network } from '../../src/config/cidr.js';

function network(text: string): Ipv4Network {
  const parsed = parseIpv4Cidr(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.network;
}

describe('parseIpv4Cidr', () => {
  it.each([
    ['10.0.0.0/16', 10 * 2 ** 24, 16],
    ['255.255.255.255/32', 2 ** 32 - 1, 32],
    ['0.0.0.0/0', 0, 0],
  ])('parses %s', (text, address, prefix) => {
    // GIVEN a canonical CIDR block
    // WHEN it is parsed
    // THEN the address is an unsigned 32-bit number and the text is kept
    expect(parseIpv4Cidr(text)).toEqual({ ok: true, network: { address, prefix, text } });
  });

  it.each([
    ['10.0.0.0', '"10.0.0.0" is not an IPv4 CIDR block like 10.0.0.0/16'],
    ['10.0.0.256/32', '10.0.0.256/32 has octet 256; each octet must be 0-255'],
    ['10.0.0.0/33', '10.0.0.0/33 has prefix /33; an IPv4 prefix is at most /32'],
    ['10.01.0.0/16', '10.01.0.0/16 has octet 01 with a leading zero; write 1'],
    ['10.0.1.5/24', '10.0.1.5/24 has host bits set; did you mean 10.0.1.0/24?'],
    ['1.2.3.4/0', '1.2.3.4/0 has host bits set; did you mean 0.0.0.0/0?'],
    ['192.168.255.255/17', '192.168.255.255/17 has host bits set; did you mean 192.168.128.0/17?'],
  ])('refuses %s', (text, problem) => {
    // GIVEN a malformed or non-canonical CIDR block
    // WHEN it is parsed
    // THEN the problem says what is wrong (and the canonical block for host bits)
    expect(parseIpv4Cidr(text)).toEqual({ ok: false, problem });
  });
});

describe('cidrContains / cidrsOverlap', () => {
  it.each([
    ['10.0.0.0/16', '10.0.5.0/24', true],
    ['10.0.0.0/16', '10.0.0.0/16', true],
    ['10.0.0.0/16', '10.1.0.0/24', false],
    ['10.0.5.0/24', '10.0.0.0/16', false],
    ['0.0.0.0/0', '255.255.255.240/28', true],
    ['128.0.0.0/1', '127.255.255.0/24', false],
  ])('%s contains %s: %s', (outer, inner, expected) => {
    // GIVEN two blocks
    // WHEN containment is checked
    // THEN it matches the address arithmetic
    expect(cidrContains(network(outer), network(inner))).toBe(expected);
  });

  it.each([
    ['10.0.0.0/24', '10.0.0.0/23', true],
    ['10.0.0.0/24', '10.0.1.0/24', false],
    ['10.0.1.0/24', '10.0.1.128/25', true],
  ])('%s overlaps %s: %s', (a, b, expected) => {
    // GIVEN two blocks
    // WHEN overlap is checked both ways
    // THEN it is symmetric and matches the arithmetic
    expect(cidrsOverlap(network(a), network(b))).toBe(expected);
    expect(cidrsOverlap(network(b), network(a))).toBe(expected);
  });
});
