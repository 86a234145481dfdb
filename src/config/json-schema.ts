/**
 * JSON Schema of gitlab-ha.yaml for editors (yaml-language-server, VS Code). The input side of the
 * zod schema, so keys with defaults are optional. schema/gitlab-ha.schema.json holds a copy that a
 * test keeps equal to this output.
 */
import { z } from 'zod';
import { configSchema } from './schema.js';

/** A URN rather than a URL: the schema is shipped with the tool, not served from anywhere. */
export const CONFIG_SCHEMA_ID = 'urn:gitlab-ha:schema:config';

export function configJsonSchema(): Record<string, unknown> {
  const { $schema, ...body } = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' });
  return {
    $schema,
    $id: CONFIG_SCHEMA_ID,
    title: 'gitlab-ha configuration',
    description:
      'gitlab-ha.yaml: one highly available GitLab deployment on AWS. Cross-field rules (subnets inside the VPC, availability zones in the region, min <= desired <= max, ...) are checked by gitlab-ha itself.',
    ...body,
  };
}
