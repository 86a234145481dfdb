import type { Client, FinalizeHandlerArguments, MetadataBearer } from '@smithy/types';
import type { AwsStub } from 'aws-sdk-client-mock';
import type { Dispatch, InstalledStub, ServiceName } from './service.js';

/**
 * Why not `stub.callsFake(...)` like ordinary aws-sdk-client-mock tests: that replaces `send` and so
 * skips the SDK's middleware stack, and with it the retry strategy the tool relies on to survive
 * throttling. Instead `send` stays the real one (sinon keeps it as `wrappedMethod`, so the stub
 * still records every call for the vitest matchers) and each client gets one extra middleware right
 * after `retryMiddleware`: it answers from the fake and never calls `next`, so nothing is signed or
 * sent over HTTP, while errors it throws go through the SDK's real retry decisions.
 */
export function interceptClient<TInput extends object, TOutput extends MetadataBearer, TConfig>(
  service: ServiceName,
  stub: AwsStub<TInput, TOutput, TConfig>,
  dispatch: Dispatch,
): InstalledStub {
  // `send(command, options?)`: the rest arguments (abort signal...) pass through untouched.
  const realSend = stub.send.wrappedMethod as (...args: unknown[]) => Promise<TOutput>;
  stub.send.callsFake(function (this: Client<TInput, TOutput, TConfig>, command, ...rest: unknown[]) {
    routeToFake(this, service, dispatch);
    return realSend.call(this, command, ...rest);
  });
  return {
    stub,
    restore: () => stub.restore(),
    resetHistory: () => stub.resetHistory(),
  };
}

interface Route {
  service: ServiceName;
  dispatch: Dispatch;
}

/** Per client instance; a newer FakeAws re-points the route instead of stacking middleware. */
const routes = new WeakMap<object, Route>();

function routeToFake<TInput extends object, TOutput extends MetadataBearer, TConfig>(
  client: Client<TInput, TOutput, TConfig>,
  service: ServiceName,
  dispatch: Dispatch,
): void {
  const existing = routes.get(client);
  if (existing) {
    existing.dispatch = dispatch;
    return;
  }
  const route: Route = { service, dispatch };
  routes.set(client, route);
  client.middlewareStack.addRelativeTo(
    (_next: unknown, context: { commandName?: string }) => async (args: FinalizeHandlerArguments<TInput>) => {
      const output = await route.dispatch({
        service: route.service,
        command: (context.commandName ?? 'UnknownCommand').replace(/Command$/, ''),
        input: args.input,
        attempt: attemptOf(args.request),
      });
      // The handlers return the command's output shape; `$metadata` is what the SDK would add.
      return { output: { ...output, $metadata: { httpStatusCode: 200 } } as TOutput, response: {} };
    },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'gitlabHaFakeAws' },
  );
}

/** The retry middleware numbers attempts in the `amz-sdk-request: attempt=N; max=M` header. */
function attemptOf(request: unknown): number {
  const headers = (request as { headers?: Record<string, string> } | undefined)?.headers;
  const match = /attempt=(\d+)/.exec(headers?.['amz-sdk-request'] ?? '');
  return match ? Number(match[1]) : 1;
}
