import { describe, expect, it } from 'vitest';
import {
  checkConfigRules,
  configSchema,
  DEFAULT_DATABASE_IOPS,
  normalizeConfig,
  type Config,
  type ConfigInput,
} from '../../src/config/index.js';

const MINIMAL: ConfigInput = {
  name: 'acme-gitlab',
  region: 'eu-west-1',
  network: {
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    publicSubnetCidrs: ['10.0.0.0/24', '10.0.1.0/24'],
    privateSubnetCidrs: ['10.0.10.0/24', '10.0.11.0/24'],
  },
  gitlab: { externalUrl: 'http://gitlab.example.com' },
};

/** A schema-valid, normalized config with `changes` merged over the minimal one (one level deep). */
function configWith(changes: Record<string, unknown> = {}): Config {
  const input: Record<string, unknown> = { ...MINIMAL };
  for (const [key, value] of Object.entries(changes)) {
    const base = (MINIMAL as Record<string, unknown>)[key];
    input[key] = typeof base === 'object' && base !== null ? { ...base, ...(value as object) } : value;
  }
  return normalizeConfig(configSchema.parse(input));
}

describe('checkConfigRules', () => {
  it('finds nothing wrong with the minimal config', () => {
    // GIVEN the minimal config with defaults
    // WHEN the rules run
    // THEN there are no issues
    expect(checkConfigRules(configWith())).toEqual([]);
  });

  it('allows io2 up to 1000 IOPS per GB and no more', () => {
    // GIVEN io2 storage of 100 GB at exactly the limit, and one IOPS over it
    const atLimit = configWith({ database: { storage: { type: 'io2', sizeGb: 100, iops: 100_000 } } });
    const overLimit = configWith({ database: { storage: { type: 'io2', sizeGb: 100, iops: 100_001 } } });

    // WHEN the rules run
    // THEN only the second is refused, with the size that would allow it
    expect(checkConfigRules(atLimit)).toEqual([]);
    expect(checkConfigRules(overLimit)).toEqual([
      {
        path: 'database.storage.iops',
        message:
          '100001 IOPS is too many for 100 GB of RDS io2: at most 1000 IOPS per GB, so 100000; lower iops or raise sizeGb to 101',
      },
    ]);
  });

  it('allows gp3 IOPS from 400 GB', () => {
    // GIVEN gp3 storage of 400 GB with provisioned IOPS
    const config = configWith({ database: { storage: { type: 'gp3', sizeGb: 400, iops: 12_000 } } });

    // WHEN the rules run
    // THEN it is accepted
    expect(checkConfigRules(config)).toEqual([]);
  });

  it('asks for iops on io1 when the config was not normalized', () => {
    // GIVEN io1 storage without iops that skipped normalizeConfig
    const config = configSchema.parse({ ...MINIMAL, database: { storage: { type: 'io1', sizeGb: 100 } } });

    // WHEN the rules run
    // THEN the missing iops is reported rather than assumed
    expect(checkConfigRules(config)).toEqual([
      { path: 'database.storage.iops', message: 'RDS io1 storage needs iops (e.g. 1000)' },
    ]);
  });

  it('applies the newest known PostgreSQL minimum to GitLab majors beyond the table', () => {
    // GIVEN GitLab 20 with PostgreSQL 16, and with PostgreSQL 17
    const tooOld = configWith({ gitlab: { version: '20.0.0' }, database: { engineVersion: '16' } });
    const recent = configWith({ gitlab: { version: '20.0.0' }, database: { engineVersion: '17.2' } });

    // WHEN the rules run
    // THEN 16 is refused and 17.2 accepted
    expect(checkConfigRules(tooOld).map((issue) => issue.message)).toEqual([
      'PostgreSQL 16 is not supported by GitLab 20.0.0: GitLab 20.x needs PostgreSQL 17 or newer; set engineVersion to "17" or a later major',
    ]);
    expect(checkConfigRules(recent)).toEqual([]);
  });

  it('accepts an https URL once a certificate in the same region is set', () => {
    // GIVEN an https URL with an ACM certificate from the deployment's region
    const config = configWith({
      gitlab: { externalUrl: 'https://gitlab.example.com' },
      loadBalancer: { certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' },
    });

    // WHEN the rules run
    // THEN there are no issues
    expect(checkConfigRules(config)).toEqual([]);
  });

  it('does not region-check IAM server certificates, which are global', () => {
    // GIVEN an IAM server certificate ARN (its region field is empty)
    const config = configWith({
      gitlab: { externalUrl: 'https://gitlab.example.com' },
      loadBalancer: { certificateArn: 'arn:aws:iam::123456789012:server-certificate/gitlab' },
    });

    // WHEN the rules run
    // THEN there are no issues
    expect(checkConfigRules(config)).toEqual([]);
  });

  it('reports an admin SSH CIDR with host bits set', () => {
    // GIVEN an sshAccessCidr that is an address, not a network
    const config = configWith({ gitlab: { sshAccessCidr: '203.0.113.7/24' } });

    // WHEN the rules run
    // THEN it suggests the network
    expect(checkConfigRules(config)).toEqual([
      {
        path: 'gitlab.sshAccessCidr',
        message: '203.0.113.7/24 has host bits set; did you mean 203.0.113.0/24?',
      },
    ]);
  });

  it('accepts availability zones of a GovCloud region', () => {
    // GIVEN a us-gov-west-1 deployment
    const config = configWith({
      region: 'us-gov-west-1',
      network: { availabilityZones: ['us-gov-west-1a', 'us-gov-west-1b'] },
    });

    // WHEN the rules run
    // THEN its zones count as belonging to the region
    expect(checkConfigRules(config)).toEqual([]);
  });

  it('caps io1 data volumes at 50 IOPS per GB', () => {
    // GIVEN a 100 GB io1 data volume with 6000 IOPS
    const config = configWith({ storage: { dataVolume: { type: 'io1', sizeGb: 100, iops: 6000 } } });

    // WHEN the rules run
    // THEN the IOPS are refused with the size that would allow them
    expect(checkConfigRules(config)).toEqual([
      {
        path: 'storage.dataVolume.iops',
        message:
          '6000 IOPS is too many for a 100 GB io1 volume: at most 50 IOPS per GB, so 5000; lower iops or raise sizeGb to 120',
      },
    ]);
  });

  it('reports min > max once, without a second complaint about desired', () => {
    // GIVEN min 5, desired 2 (default), max 4
    const config = configWith({ autoScaling: { min: 5, max: 4 } });

    // WHEN the rules run
    // THEN only min > max is reported
    expect(checkConfigRules(config)).toEqual([
      { path: 'autoScaling.min', message: 'min (5) is greater than max (4); need min <= desired <= max' },
    ]);
  });
});

describe('normalizeConfig', () => {
  it('fills io1 IOPS with the default without touching its argument', () => {
    // GIVEN a parsed config with io1 storage and no iops
    const parsed = configSchema.parse(MINIMAL);

    // WHEN it is normalized
    const normalized = normalizeConfig(parsed);

    // THEN the copy has 1000 IOPS and the original is unchanged
    expect(normalized.database.storage.iops).toBe(DEFAULT_DATABASE_IOPS);
    expect(DEFAULT_DATABASE_IOPS).toBe(1000);
    expect(parsed.database.storage.iops).toBeUndefined();
  });

  it('keeps IOPS that were set', () => {
    // GIVEN io2 storage with 3000 IOPS
    const parsed = configSchema.parse({ ...MINIMAL, database: { storage: { type: 'io2', iops: 3000 } } });

    // WHEN it is normalized
    // THEN the IOPS stay as written
    expect(normalizeConfig(parsed).database.storage.iops).toBe(3000);
  });
});
