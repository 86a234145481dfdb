import { describe, expect, it } from 'vitest';
import { schemaReference, suggestSubnets } from '../../src/init/index.js';

describe('suggested subnets', () => {
  it('gives /24s from the start of a /16 for public and from the tenth block for private', () => {
    // GIVEN a /16 and three zones  WHEN subnets are suggested
    const suggested = suggestSubnets('10.20.0.0/16', 3);

    // THEN they follow the familiar layout
    expect(suggested).toEqual({
      public: ['10.20.0.0/24', '10.20.1.0/24', '10.20.2.0/24'],
      private: ['10.20.10.0/24', '10.20.11.0/24', '10.20.12.0/24'],
    });
  });

  it('uses sixteenths of smaller VPCs, down to /28, and packs them when there is no room for a gap', () => {
    // GIVEN VPCs from /22 to /26  WHEN subnets are suggested for two zones
    // THEN the blocks shrink with the VPC and stay inside it
    expect(suggestSubnets('172.16.4.0/22', 2)).toEqual({
      public: ['172.16.4.0/26', '172.16.4.64/26'],
      private: ['172.16.6.128/26', '172.16.6.192/26'],
    });
    expect(suggestSubnets('192.168.1.0/25', 2)).toEqual({
      public: ['192.168.1.0/28', '192.168.1.16/28'],
      private: ['192.168.1.32/28', '192.168.1.48/28'],
    });
    expect(suggestSubnets('192.168.1.0/26', 3)).toBeUndefined();
  });

  it('suggests nothing for a CIDR that is not valid', () => {
    // GIVEN CIDRs with host bits or a bad prefix  WHEN subnets are suggested  THEN there are none
    expect(suggestSubnets('10.0.0.1/16', 2)).toBeUndefined();
    expect(suggestSubnets('10.0.0.0/33', 2)).toBeUndefined();
  });
});

describe('the schema reference in the written file', () => {
  it('is the package schema relative to the config folder, with forward slashes', () => {
    // GIVEN a config next to the package and one two folders away
    const schema = '/opt/tools/gitlab-ha/schema/gitlab-ha.schema.json';

    // WHEN the reference is computed  THEN it is relative to each config's folder
    expect(schemaReference('/opt/tools/gitlab-ha/gitlab-ha.yaml', schema)).toBe(
      'schema/gitlab-ha.schema.json',
    );
    expect(schemaReference('/srv/deploy/prod/gitlab-ha.yaml', schema)).toBe(
      '../../../opt/tools/gitlab-ha/schema/gitlab-ha.schema.json',
    );
  });
});
