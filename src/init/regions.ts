/**
 * What the wizard offers when it cannot ask AWS (no credentials): the commercial regions enabled
 * by default, and their usual availability zone letters. AZ letters are mapped per account and
 * some regions skip letters (ap-northeast-1 has no "b" for new accounts), so offline answers are
 * checked against the account at apply.
 */

export interface KnownRegion {
  name: string;
  location: string;
  /** Zone letters most accounts see. */
  zoneLetters: string;
}

export const KNOWN_REGIONS: readonly KnownRegion[] = [
  { name: 'us-east-1', location: 'N. Virginia', zoneLetters: 'abcdef' },
  { name: 'us-east-2', location: 'Ohio', zoneLetters: 'abc' },
  { name: 'us-west-1', location: 'N. California', zoneLetters: 'abc' },
  { name: 'us-west-2', location: 'Oregon', zoneLetters: 'abcd' },
  { name: 'ca-central-1', location: 'Canada (Central)', zoneLetters: 'abd' },
  { name: 'sa-east-1', location: 'Sao Paulo', zoneLetters: 'abc' },
  { name: 'eu-west-1', location: 'Ireland', zoneLetters: 'abc' },
  { name: 'eu-west-2', location: 'London', zoneLetters: 'abc' },
  { name: 'eu-west-3', location: 'Paris', zoneLetters: 'abc' },
  { name: 'eu-central-1', location: 'Frankfurt', zoneLetters: 'abc' },
  { name: 'eu-north-1', location: 'Stockholm', zoneLetters: 'abc' },
  { name: 'ap-south-1', location: 'Mumbai', zoneLetters: 'abc' },
  { name: 'ap-northeast-1', location: 'Tokyo', zoneLetters: 'acd' },
  { name: 'ap-northeast-2', location: 'Seoul', zoneLetters: 'abcd' },
  { name: 'ap-northeast-3', location: 'Osaka', zoneLetters: 'abc' },
  { name: 'ap-southeast-1', location: 'Singapore', zoneLetters: 'abc' },
  { name: 'ap-southeast-2', location: 'Sydney', zoneLetters: 'abc' },
];

/** The zones to offer for `region` without AWS: the known letters, or a, b, c for other regions. */
export function offlineZones(region: string): string[] {
  const letters = KNOWN_REGIONS.find((known) => known.name === region)?.zoneLetters ?? 'abc';
  return [...letters].map((letter) => `${region}${letter}`);
}

export function regionLocation(region: string): string | undefined {
  return KNOWN_REGIONS.find((known) => known.name === region)?.location;
}
