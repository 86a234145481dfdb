/**
 * The predefined (sample) SSL negotiation policies of classic load balancers, as
 * DescribeLoadBalancerPolicies lists them without a load balancer name: every protocol and cipher
 * AWS knows, each `true` where the policy enables it. Only the policies the tool and its tests use.
 */
import type { PolicyAttribute, PolicyRecord } from './records.js';

export const SSL_NEGOTIATION_POLICY_TYPE = 'SSLNegotiationPolicyType';
export const REFERENCE_SECURITY_POLICY = 'Reference-Security-Policy';
/** What an HTTPS/SSL listener created without a policy gets. */
export const DEFAULT_SECURITY_POLICY = 'ELBSecurityPolicy-2016-08';

const PROTOCOLS = ['Protocol-SSLv3', 'Protocol-TLSv1', 'Protocol-TLSv1.1', 'Protocol-TLSv1.2'] as const;

const CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES128-SHA256',
  'ECDHE-RSA-AES128-SHA256',
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES128-SHA',
  'DHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-RSA-AES256-SHA384',
  'ECDHE-RSA-AES256-SHA',
  'ECDHE-ECDSA-AES256-SHA',
  'AES128-GCM-SHA256',
  'AES128-SHA256',
  'AES128-SHA',
  'AES256-GCM-SHA384',
  'AES256-SHA256',
  'AES256-SHA',
  'DHE-DSS-AES128-SHA',
  'CAMELLIA128-SHA',
  'EDH-RSA-DES-CBC3-SHA',
  'DES-CBC3-SHA',
  'ECDHE-RSA-RC4-SHA',
  'RC4-SHA',
] as const;

/** Every SSL negotiation attribute, `true` for the enabled ones, in AWS's order. */
function sslAttributes(enabled: ReadonlySet<string>): PolicyAttribute[] {
  return [...PROTOCOLS, 'Server-Defined-Cipher-Order', ...CIPHERS].map((name) => ({
    name,
    value: String(enabled.has(name)),
  }));
}

const TLS_1_2_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES128-SHA256',
  'ECDHE-RSA-AES128-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-RSA-AES256-SHA384',
  'AES128-GCM-SHA256',
  'AES128-SHA256',
  'AES256-GCM-SHA384',
  'AES256-SHA256',
];

const POLICY_2016_08_CIPHERS = [
  ...TLS_1_2_CIPHERS,
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-RSA-AES256-SHA',
  'ECDHE-ECDSA-AES256-SHA',
  'AES128-SHA',
  'AES256-SHA',
];

function predefined(name: string, protocols: string[], ciphers: string[]): PolicyRecord {
  return {
    name,
    typeName: SSL_NEGOTIATION_POLICY_TYPE,
    attributes: sslAttributes(new Set([...protocols, 'Server-Defined-Cipher-Order', ...ciphers])),
  };
}

/** A fresh copy per store, so a test may change one (e.g. drop a cipher) without touching others. */
export function predefinedPolicies(): Map<string, PolicyRecord> {
  const policies = [
    predefined('ELBSecurityPolicy-TLS-1-2-2017-01', ['Protocol-TLSv1.2'], TLS_1_2_CIPHERS),
    predefined(
      'ELBSecurityPolicy-TLS-1-1-2017-01',
      ['Protocol-TLSv1.1', 'Protocol-TLSv1.2'],
      POLICY_2016_08_CIPHERS,
    ),
    predefined(
      DEFAULT_SECURITY_POLICY,
      ['Protocol-TLSv1', 'Protocol-TLSv1.1', 'Protocol-TLSv1.2'],
      POLICY_2016_08_CIPHERS,
    ),
  ];
  return new Map(policies.map((p) => [p.name, p]));
}

/** The policy types CreateLoadBalancerPolicy accepts. */
export const POLICY_TYPES = new Set([
  SSL_NEGOTIATION_POLICY_TYPE,
  'ProxyProtocolPolicyType',
  'LBCookieStickinessPolicyType',
  'AppCookieStickinessPolicyType',
  'BackendServerAuthenticationPolicyType',
  'PublicKeyPolicyType',
]);
