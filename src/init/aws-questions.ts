/**
 * The questions whose choices come from AWS when it can be asked: the region (DescribeRegions), the
 * availability zones (DescribeAvailabilityZones) and the HTTPS certificate (ACM ListCertificates).
 * Without AWS they fall back to built-in lists, or to typing, and the wizard says so once.
 */
import type { Asker, Question } from './asker.js';
import type { AwsLookup, CertificateOption } from './aws-lookup.js';
import { PRESELECTED_ZONES } from './defaults.js';
import type { Prompts } from './prompts.js';
import { KNOWN_REGIONS, offlineZones, regionLocation } from './regions.js';

/** Says once that AWS could not be asked and what is offered instead. */
export type NoteOffline = (reason: string, fallback: string) => void;

export interface AwsQuestionContext {
  asker: Asker;
  lookup: AwsLookup;
  noteOffline: NoteOffline;
}

/** Choice values that cannot be a region, zone or ARN. */
const OTHER = '\u0000other';
const NONE = '\u0000none';

export async function askRegion({ asker, lookup, noteOffline }: AwsQuestionContext, defaultRegion: string) {
  let regions: string[] = [];
  let offline = false;
  if (asker.willPrompt('region', true)) {
    const listed = await lookup.regions();
    if (listed.ok && listed.value.length > 0) regions = listed.value;
    else {
      offline = true;
      if (!listed.ok) noteOffline(listed.reason, 'the built-in list of regions');
      regions = KNOWN_REGIONS.map((known) => known.name);
    }
  }
  const question: Question<'region'> = {
    key: 'region',
    default: defaultRegion,
    prompt: async (prompts, validate, current) => {
      const chosen = await prompts.select<string>({
        message: 'AWS region',
        choices: [
          ...regions.map((name) => {
            const location = regionLocation(name);
            return { value: name, name: location ? `${name}  ${location}` : name };
          }),
          // The built-in list has the default regions only; opt-in regions are typed.
          ...(offline ? [{ value: OTHER, name: 'another region (type its name)' }] : []),
        ],
        ...(current !== undefined && regions.includes(current) ? { default: current } : {}),
      });
      if (chosen !== OTHER) return chosen;
      const typed = await prompts.input({
        message: 'Region name',
        validate: (text) => validate(text.trim()),
      });
      return typed.trim();
    },
  };
  return (await asker.ask(question)) ?? defaultRegion;
}

export async function askZones({ asker, lookup, noteOffline }: AwsQuestionContext, region: string) {
  let zones = offlineZones(region);
  if (asker.answersWithoutFlag('availabilityZones')) {
    const listed = await lookup.availabilityZones(region);
    if (listed.ok && listed.value.length > 0) zones = listed.value;
    else if (!listed.ok) noteOffline(listed.reason, `the usual zones of ${region}`);
  }
  const question: Question<'availabilityZones'> = {
    key: 'availabilityZones',
    default: zones.slice(0, PRESELECTED_ZONES),
    prompt: (prompts, validate, current) =>
      prompts.checkbox({
        message: 'Availability zones (space to select, at least 2)',
        choices: zones.map((zone) => ({
          value: zone,
          name: zone,
          checked: current?.includes(zone) ?? false,
        })),
        validate: (selected) => validate([...selected]),
      }),
  };
  return (await asker.ask(question)) ?? [];
}

export async function askCertificate(
  { asker, lookup }: AwsQuestionContext,
  region: string,
  externalUrl: string,
) {
  const https = externalUrl.startsWith('https:');
  let certificates: CertificateOption[] = [];
  if (asker.willPrompt('certificateArn', !https)) {
    const listed = await lookup.certificates(region);
    if (listed.ok) certificates = coveringFirst(listed.value, hostOf(externalUrl));
  }
  const typeArn = async (
    prompts: Prompts,
    validate: (arn: string | undefined) => Promise<true | string>,
    current?: string,
  ) => {
    const typed = await prompts.input({
      message: https
        ? 'ACM certificate ARN for HTTPS (required for an https URL)'
        : 'ACM certificate ARN for HTTPS on 443 (empty: HTTP only)',
      ...(current !== undefined ? { default: current } : {}),
      validate: (text) => validate(text.trim() === '' ? undefined : text.trim()),
    });
    return typed.trim() === '' ? undefined : typed.trim();
  };
  const question: Question<'certificateArn'> = {
    key: 'certificateArn',
    default: undefined,
    optional: !https,
    check: async (arn) => {
      if (arn !== undefined) return lookup.certificateProblem(region, arn);
      return https ? 'an https URL needs a certificate: TLS ends at the load balancer' : undefined;
    },
    prompt: async (prompts, validate, current) => {
      if (certificates.length === 0) return typeArn(prompts, validate, current);
      const chosen = await prompts.select<string>({
        message: 'Certificate for HTTPS (issued ACM certificates in this region)',
        choices: [
          ...(https ? [] : [{ value: NONE, name: 'none: HTTP only' }]),
          ...certificates.map((certificate) => ({
            value: certificate.arn,
            name: certificate.names.join(', '),
            description: `${certificate.arn}${certificate.notAfter ? `, expires ${certificate.notAfter.toISOString().slice(0, 10)}` : ''}`,
          })),
          { value: OTHER, name: 'another certificate (type its ARN)' },
        ],
        ...(current !== undefined ? { default: current } : {}),
      });
      if (chosen === NONE) return undefined;
      return chosen === OTHER ? typeArn(prompts, validate) : chosen;
    },
  };
  return asker.ask(question);
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/** Certificates whose names cover `host` (exactly, or by a wildcard one label up) come first. */
function coveringFirst(certificates: CertificateOption[], host: string): CertificateOption[] {
  const labels = host.split('.').length;
  const covers = (certificate: CertificateOption) =>
    certificate.names.some(
      (name) =>
        name === host ||
        (name.startsWith('*.') && host.endsWith(name.slice(1)) && name.split('.').length === labels),
    );
  return [...certificates.filter(covers), ...certificates.filter((certificate) => !covers(certificate))];
}
