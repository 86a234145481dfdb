import { describe, expect, it } from 'vitest';
import { levenshtein, suggestKey } from '../../src/config/suggest.js';

describe('levenshtein', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['vpcCdir', 'vpcCidr', 2],
    ['flaw', 'lawn', 2],
  ])('distance(%s, %s) = %i', (a, b, distance) => {
    // GIVEN two strings
    // WHEN their edit distance is computed, in both orders
    // THEN it is the textbook value
    expect(levenshtein(a, b)).toBe(distance);
    expect(levenshtein(b, a)).toBe(distance);
  });
});

describe('suggestKey', () => {
  const known = ['name', 'region', 'aws', 'backupRetentionDays', 'maxAttempts'];

  it.each([
    ['regoin', 'region'],
    ['REGION', 'region'],
    ['maxAtempts', 'maxAttempts'],
    ['ab', 'aws'],
    // 3 edits, allowed because the key is long (16 / 3 > 3)
    ['backupRetentinDs', 'backupRetentionDays'],
  ])('suggests %s -> %s', (unknown, suggestion) => {
    // GIVEN a misspelt key
    // WHEN a suggestion is asked for
    // THEN the nearest known key comes back
    expect(suggestKey(unknown, known)).toBe(suggestion);
  });

  it.each(['xyz', 'zone', 'backupDays'])('suggests nothing for %s', (unknown) => {
    // GIVEN a key too far from every known key
    // WHEN a suggestion is asked for
    // THEN there is none
    expect(suggestKey(unknown, known)).toBeUndefined();
  });
});
