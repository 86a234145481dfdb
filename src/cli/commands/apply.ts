/** `gitlab-ha apply`: create or converge every step, resumable from the state file. */
import { runApply } from '../../engine/runner.js';
import { STEPS } from '../../steps/index.js';
import type { CliIo } from '../io.js';
import type { GlobalOptions } from '../session.js';
import { checkAccount, commandLine, reportRun, withLockedDeployment } from '../session.js';

export function applyCommand(options: GlobalOptions, io: CliIo): Promise<number> {
  return withLockedDeployment(options, io, 'apply', async (deployment) => {
    await checkAccount(deployment.aws, deployment.state, 'bind');
    return reportRun(options, io, deployment, (env) =>
      runApply(env, {
        steps: STEPS,
        aws: deployment.aws,
        concurrency: io.concurrency,
        resumeCommand: commandLine('apply', options),
      }),
    );
  });
}
