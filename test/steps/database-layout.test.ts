import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { engineVersionSatisfies, instanceDrift } from '../../src/steps/database/drift.js';
import { databaseLayout, finalSnapshotIdentifier } from '../../src/steps/database/layout.js';
import { passwordProblem } from '../../src/steps/database/password.js';

function layout(database: ConfigInput['database'] = {}) {
  return databaseLayout(
    configSchema.parse({
      name: 'demo',
      region: 'eu-west-1',
      network: {
        availabilityZones: ['eu-west-1a', 'eu-west-1b'],
        publicSubnetCidrs: ['10.0.0.0/24', '10.0.1.0/24'],
        privateSubnetCidrs: ['10.0.10.0/24', '10.0.11.0/24'],
      },
      database,
      gitlab: { externalUrl: 'https://gitlab.example.com' },
    }),
  );
}

describe('database layout', () => {
  it('names the final snapshot after the deployment and the UTC time, as a valid RDS identifier', () => {
    // GIVEN a deployment name with hyphens and a time
    const at = new Date('2024-06-01T09:05:07.999Z');

    // WHEN the final snapshot identifier is made
    const id = finalSnapshotIdentifier('my-gitlab', at);

    // THEN it is <name>-final-<yyyymmdd>-<hhmmss>: a letter first, single hyphens, at most 255 characters
    expect(id).toBe('my-gitlab-final-20240601-090507');
    expect(id).toMatch(/^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/);
    expect(id.length).toBeLessThanOrEqual(255);
  });

  it('fills in io1 IOPS from the config defaults and keeps gp3 without IOPS', () => {
    // GIVEN the default storage and a gp3 storage
    // WHEN laid out
    // THEN io1 gets the guide's 1000 IOPS, gp3 keeps its baseline
    expect(layout().instance).toMatchObject({ storageType: 'io1', allocatedStorage: 100, iops: 1000 });
    expect(layout({ storage: { type: 'gp3', sizeGb: 50 } }).instance).toMatchObject({
      storageType: 'gp3',
      iops: undefined,
    });
    expect(layout()).toMatchObject({ instanceIdentifier: 'demo-db', subnetGroupName: 'demo-db' });
  });
});

describe('database password rules', () => {
  it.each([
    ['Abcdefg1', undefined],
    ['x'.repeat(128), undefined],
    ['short', 'it is 5 characters long; RDS needs 8 to 128'],
    ['x'.repeat(129), 'it is 129 characters long; RDS needs 8 to 128'],
    ['with/slash', "it contains '/', which RDS does not allow in a master password"],
    ['with"quote', "it contains '\"', which RDS does not allow in a master password"],
    [
      'tab\there1',
      'it contains characters other than printable ASCII, which RDS does not allow in a master password',
    ],
    [
      'päßwörter',
      'it contains characters other than printable ASCII, which RDS does not allow in a master password',
    ],
  ])('judges %j: %s', (password, problem) => {
    // GIVEN a candidate password
    // WHEN checked against RDS's rules
    // THEN the problem (if any) is said without repeating the password
    expect(passwordProblem(password)).toBe(problem);
  });
});

describe('database drift rules', () => {
  it.each([
    ['16.6', '16', true],
    ['16.6', '16.4', true],
    ['16.6', '16.6', true],
    ['16.4', '16.6', false],
    ['17.2', '16', false],
    ['16.10', '16.9', true],
  ])('live %s satisfies configured %s: %s', (live, wanted, ok) => {
    // GIVEN a live and a configured engine version
    // WHEN compared
    // THEN a newer minor of the same major is fine, anything else is drift
    expect(engineVersionSatisfies(live, wanted)).toBe(ok);
  });

  it('counts a pending modification as done, so apply does not ask again', () => {
    // GIVEN an instance whose Multi-AZ and backup retention changes are still pending
    const live = {
      DBInstanceIdentifier: 'demo-db',
      DBInstanceClass: 'db.m6i.large',
      EngineVersion: '16.6',
      MultiAZ: false,
      BackupRetentionPeriod: 1,
      PendingModifiedValues: { MultiAZ: true, BackupRetentionPeriod: 7 },
      StorageType: 'io1',
      AllocatedStorage: 100,
      Iops: 1000,
      StorageEncrypted: true,
      PubliclyAccessible: false,
      DeletionProtection: false,
      VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-db' }],
      DBName: 'gitlabhq_production',
      MasterUsername: 'gitlab',
    };

    // WHEN compared with the default config
    const drift = instanceDrift(layout(), 'sg-db', live, 'eu-west-1');

    // THEN there is nothing to do
    expect(drift).toEqual({ converge: [], modify: {}, left: [] });
  });

  it('reports an unencrypted instance as not changeable, and converges extra security groups', () => {
    // GIVEN an unencrypted instance with a second security group
    const live = {
      DBInstanceIdentifier: 'demo-db',
      DBInstanceClass: 'db.m6i.large',
      EngineVersion: '16.6',
      MultiAZ: true,
      BackupRetentionPeriod: 7,
      StorageType: 'io1',
      AllocatedStorage: 100,
      Iops: 1000,
      StorageEncrypted: false,
      VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-db' }, { VpcSecurityGroupId: 'sg-extra' }],
      DBName: 'gitlabhq_production',
      MasterUsername: 'gitlab',
    };

    // WHEN compared with the default config
    const drift = instanceDrift(layout(), 'sg-db', live, 'eu-west-1');

    // THEN the groups are set back to the db group alone, and encryption is reported with what to do
    expect(drift.modify).toEqual({ VpcSecurityGroupIds: ['sg-db'] });
    expect(drift.converge).toEqual([{ setting: 'security groups', from: 'sg-db, sg-extra', to: 'sg-db' }]);
    expect(drift.left).toEqual([
      {
        setting: 'storage encryption',
        from: 'false',
        to: 'true',
        remedy:
          'encryption cannot be switched on for an existing instance: restore an encrypted copy of a snapshot of it',
      },
    ]);
  });
});
