import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_ID, configJsonSchema } from '../../src/config/index.js';

const SCHEMA_FILE = resolve(import.meta.dirname, '../../schema/gitlab-ha.schema.json');

describe('configJsonSchema', () => {
  it('matches the committed schema/gitlab-ha.schema.json', async () => {
    // GIVEN the schema file editors use
    const committed: unknown = JSON.parse(await readFile(SCHEMA_FILE, 'utf8'));

    // WHEN the schema is generated from the zod schema
    const generated = configJsonSchema();

    // THEN they are equal, so the file cannot go stale (regenerate it when this fails:
    // npx tsc -p tsconfig.build.json, write configJsonSchema() from dist/config/json-schema.js
    // to the file, then npx prettier --write schema/gitlab-ha.schema.json)
    expect(committed).toEqual(generated);
  });

  it('describes the input side: only keys without defaults are required', () => {
    // GIVEN the generated schema
    const schema = configJsonSchema() as {
      $id: string;
      title: string;
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { required?: string[] }>;
    };

    // WHEN its identity and required keys are read
    // THEN it is identified, titled, strict, and defaulted keys are optional
    expect(schema.$id).toBe(CONFIG_SCHEMA_ID);
    expect(schema.title).toBe('gitlab-ha configuration');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['name', 'region', 'network', 'gitlab']);
    expect(schema.properties['network']?.required).toEqual([
      'availabilityZones',
      'publicSubnetCidrs',
      'privateSubnetCidrs',
    ]);
    expect(schema.properties['gitlab']?.required).toEqual(['externalUrl']);
  });
});
