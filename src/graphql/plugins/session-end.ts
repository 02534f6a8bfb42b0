import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Principal } from '../../domain/context.js';
import { UnauthenticatedError } from '../../domain/errors.js';
import { CREDENTIALS_TOPIC, endsSessionOf, type CredentialsChange } from '../../domain/sessions.js';
import type { RegistryPubSub } from '../context.js';

const REVOKED = Symbol('revoked');

/**
 * Ends every subscription stream (SSE) whose token is revoked or whose member's role changes, as
 * soon as the change is announced (CREDENTIALS_TOPIC, which reaches every gateway process): the
 * stream gets one last event, an UNAUTHENTICATED error, and closes. A client that still holds a
 * valid token subscribes again and is authorised afresh.
 */
export function useSessionEnd(pubsub: RegistryPubSub): Plugin {
  return {
    onSubscribe({ args }) {
      const actor = (args.contextValue as { actor?: Principal | null }).actor;
      if (!actor) return;
      return {
        onSubscribeResult({ result, setResult }) {
          if (
            result &&
            typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
          ) {
            setResult(endWhenRevoked(result as AsyncIterable<ExecutionResult>, actor, pubsub));
          }
        },
      };
    },
  };
}

function endWhenRevoked(
  source: AsyncIterable<ExecutionResult>,
  actor: Principal,
  pubsub: RegistryPubSub,
): AsyncIterableIterator<ExecutionResult> {
  const inner = source[Symbol.asyncIterator]();
  const changes = pubsub.subscribe(CREDENTIALS_TOPIC)[Symbol.asyncIterator]();
  let signal: (value: typeof REVOKED) => void = () => {};
  const revoked = new Promise<typeof REVOKED>((resolve) => (signal = resolve));
  void (async () => {
    for (;;) {
      const change = await changes.next();
      if (change.done) return;
      if (endsSessionOf(change.value as CredentialsChange, actor)) return signal(REVOKED);
    }
  })().catch(() => {});

  let state: 'open' | 'revoked' | 'closed' = 'open';
  const close = async () => {
    if (state === 'open') state = 'closed';
    await Promise.allSettled([inner.return?.(), changes.return?.()]);
  };
  const done = { done: true as const, value: undefined };
  return {
    async next() {
      if (state !== 'open') return done;
      const next = await Promise.race([inner.next(), revoked]);
      if (next === REVOKED) {
        if (state !== 'open') return done;
        state = 'revoked';
        await close();
        const message =
          'Your token was revoked or your role changed: this stream has ended. Subscribe again with a valid token.';
        return {
          done: false,
          value: {
            errors: [
              new GraphQLError(message, {
                originalError: new UnauthenticatedError(message),
                extensions: { code: 'UNAUTHENTICATED' },
              }),
            ],
          },
        };
      }
      if (next.done) await close();
      return next;
    },
    async return() {
      await close();
      return done;
    },
    async throw(error: unknown) {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
