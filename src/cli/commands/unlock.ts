/** `gitlab-ha unlock`: clear a stale lock left by a run that died. */
import { clearLock } from '../../state/index.js';
import type { CliIo } from '../io.js';
import type { GlobalOptions } from '../session.js';
import { loadDeployment } from '../session.js';

export async function unlockCommand(options: GlobalOptions & { force: boolean }, io: CliIo): Promise<number> {
  const { state } = await loadDeployment(options, io);
  const result = await clearLock(state.path, { force: options.force });
  io.stdout.write(`${result.reason}\n`);
  return 0;
}
