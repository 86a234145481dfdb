/**
 * What the wizard reads from AWS to offer real choices: the account's regions, the region's
 * availability zones and its issued ACM certificates. Every lookup is read-only, bounded in time,
 * and allowed to fail: the wizard then falls back to built-in lists (see regions.ts) and says so.
 * Without credentials the first lookup fails and the rest are not tried.
 */
import { DescribeCertificateCommand, ListCertificatesCommand } from '@aws-sdk/client-acm';
import type { CertificateSummary } from '@aws-sdk/client-acm';
import { DescribeAvailabilityZonesCommand, DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../aws/clients.js';
import { awsErrorCode, isAwsError } from '../aws/errors.js';

export type Lookup<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface CertificateOption {
  arn: string;
  domain: string;
  /** Subject alternative names (the domain included). */
  names: string[];
  notAfter: Date | undefined;
}

export interface AwsLookup {
  regions(): Promise<Lookup<string[]>>;
  availabilityZones(region: string): Promise<Lookup<string[]>>;
  certificates(region: string): Promise<Lookup<CertificateOption[]>>;
  /**
   * Why a certificate typed by hand cannot serve HTTPS (not found, not issued), or undefined when it
   * can, or when AWS cannot be asked (apply checks it again).
   */
  certificateProblem(region: string, arn: string): Promise<string | undefined>;
  /** Whether a lookup has reached AWS (false before the first one, and without credentials). */
  readonly online: boolean;
  close(): void;
}

export interface AwsLookupOptions {
  /** Clients for one region (the CLI's createAws with the chosen profile). */
  clientsFor(region: string): AwsClients;
  /** Region to ask for the region list before one is chosen. */
  homeRegion: string;
  /** Per-request time limit; credential resolution and retries included. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Failures that mean AWS cannot be used at all (no usable credentials, or no answer in time): the
 * rest of the wizard then stops asking it instead of waiting again.
 */
const GIVE_UP_FAILURES = new Set([
  'TimeoutError',
  'AbortError',
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'AuthFailure',
  'SignatureDoesNotMatch',
]);

export function createAwsLookup(options: AwsLookupOptions): AwsLookup {
  const clients = new Map<string, AwsClients>();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let unusable: string | undefined;
  let reached = false;

  const clientsFor = (region: string): AwsClients => {
    let regional = clients.get(region);
    if (!regional) {
      regional = options.clientsFor(region);
      clients.set(region, regional);
    }
    return regional;
  };

  async function lookup<T>(what: string, request: (signal: AbortSignal) => Promise<T>): Promise<Lookup<T>> {
    if (unusable !== undefined) return { ok: false, reason: unusable };
    try {
      const value = await request(AbortSignal.timeout(timeoutMs));
      reached = true;
      return { ok: true, value };
    } catch (error) {
      const reason = describeFailure(what, error);
      if (isGiveUpFailure(error)) unusable = reason;
      return { ok: false, reason };
    }
  }

  return {
    get online() {
      return reached && unusable === undefined;
    },

    regions: () =>
      lookup('ec2:DescribeRegions', async (abortSignal) => {
        const output = await clientsFor(options.homeRegion).ec2.send(new DescribeRegionsCommand({}), {
          abortSignal,
        });
        return (output.Regions ?? [])
          .flatMap((region) => (region.RegionName ? [region.RegionName] : []))
          .sort();
      }),

    availabilityZones: (region) =>
      lookup('ec2:DescribeAvailabilityZones', async (abortSignal) => {
        const output = await clientsFor(region).ec2.send(
          new DescribeAvailabilityZonesCommand({
            // Local Zones and Wavelength Zones cannot hold RDS Multi-AZ or ElastiCache replicas.
            Filters: [
              { Name: 'zone-type', Values: ['availability-zone'] },
              { Name: 'state', Values: ['available'] },
            ],
          }),
          { abortSignal },
        );
        return (output.AvailabilityZones ?? [])
          .flatMap((zone) => (zone.ZoneName ? [zone.ZoneName] : []))
          .sort();
      }),

    certificates: (region) =>
      lookup('acm:ListCertificates', async (abortSignal) => {
        const summaries: CertificateSummary[] = [];
        let nextToken: string | undefined;
        do {
          // Without Includes.keyTypes ListCertificates returns RSA_2048 certificates only, the kind
          // a classic load balancer's predefined TLS policies negotiate.
          const page = await clientsFor(region).acm.send(
            new ListCertificatesCommand({ CertificateStatuses: ['ISSUED'], NextToken: nextToken }),
            { abortSignal },
          );
          summaries.push(...(page.CertificateSummaryList ?? []));
          nextToken = page.NextToken;
        } while (nextToken);
        return summaries.flatMap(toCertificateOption);
      }),

    async certificateProblem(region, arn) {
      if (!this.online) return undefined;
      const found = await lookup('acm:DescribeCertificate', async (abortSignal) => {
        try {
          const output = await clientsFor(region).acm.send(
            new DescribeCertificateCommand({ CertificateArn: arn }),
            { abortSignal },
          );
          return output.Certificate?.Status ?? 'UNKNOWN';
        } catch (error) {
          if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
          throw error;
        }
      });
      if (!found.ok) return undefined;
      if (found.value === undefined)
        return `no ACM certificate ${arn} in ${region} for this account; pick one from the list or request one in ACM`;
      if (found.value !== 'ISSUED')
        return `the certificate is ${found.value}, not ISSUED; a load balancer can only serve an issued certificate (finish its validation in ACM first)`;
      return undefined;
    },

    close() {
      for (const regional of clients.values()) regional.destroy();
      clients.clear();
    },
  };
}

function toCertificateOption(summary: CertificateSummary): CertificateOption[] {
  if (!summary.CertificateArn) return [];
  const domain = summary.DomainName ?? '';
  const names = summary.SubjectAlternativeNameSummaries ?? [domain];
  return [{ arn: summary.CertificateArn, domain, names, notAfter: summary.NotAfter }];
}

function isGiveUpFailure(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  return GIVE_UP_FAILURES.has(name) || GIVE_UP_FAILURES.has(awsErrorCode(error) ?? '');
}

function describeFailure(what: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.name === 'CredentialsProviderError')
    return `no AWS credentials found (${what}: ${firstLine(message)})`;
  const code = awsErrorCode(error);
  return `${what} failed: ${firstLine(message)}${code && code !== message ? ` (${code})` : ''}`;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}
