/** `gitlab-ha schema`: the JSON Schema of gitlab-ha.yaml, for editors' YAML language servers. */
import { configJsonSchema } from '../../config/index.js';
import type { CliIo } from '../io.js';

export function schemaCommand(io: CliIo): number {
  io.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  return 0;
}
