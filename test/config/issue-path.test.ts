import { describe, expect, it } from 'vitest';
import { formatPath, parsePath, type PathSegment } from '../../src/config/issue-path.js';

describe('formatPath / parsePath', () => {
  it.each<[PathSegment[], string]>([
    [[], ''],
    [['name'], 'name'],
    [['network', 'publicSubnetCidrs', 1], 'network.publicSubnetCidrs[1]'],
    [['tags', 'cost-center'], 'tags.cost-center'],
    [['tags', 'aws:owner'], 'tags["aws:owner"]'],
    [['tags', 'a "quoted" key.x'], 'tags["a \\"quoted\\" key.x"]'],
    [['$schema'], '$schema'],
  ])('%j <-> %s', (segments, text) => {
    // GIVEN path segments
    // WHEN they are formatted and parsed back
    // THEN the text is readable and the round trip is exact
    expect(formatPath(segments)).toBe(text);
    expect(parsePath(text)).toEqual(segments);
  });

  it('refuses text it could not have produced', () => {
    // GIVEN a malformed path
    // WHEN it is parsed
    // THEN it throws, naming the position
    expect(() => parsePath('network..x')).toThrow('Malformed config path "network..x" at character 7');
  });
});
