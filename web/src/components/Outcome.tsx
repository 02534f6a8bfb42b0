import { useCallback, useMemo, useState } from 'react';
import type { Disposable, MutationParameters } from 'relay-runtime';
import type { UseMutationConfig } from 'react-relay';
import { refusal } from '../format';
import { UserErrors, type UserError } from './UserErrors';

type Payload = Parameters<typeof refusal>[0];

/**
 * What the last action on a page came to: its refusal (`userErrors`, or a transport error) or a
 * sentence saying what it did. `run` commits a mutation and records its outcome.
 */
export function useOutcome() {
  const [errors, setErrors] = useState<UserError[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const clear = useCallback(() => {
    setErrors([]);
    setMessage(null);
  }, []);
  const fail = useCallback(
    (e: UserError | Error) => setErrors([e instanceof Error ? { message: e.message } : e]),
    [],
  );
  const run = useCallback(
    <M extends MutationParameters, P extends Payload>(
      commit: (config: UseMutationConfig<M>) => Disposable,
      variables: M['variables'],
      payload: (response: M['response']) => P,
      done: (p: NonNullable<P>) => string | null | void,
      config?: Omit<UseMutationConfig<M>, 'variables' | 'onCompleted' | 'onError'>,
    ) => {
      clear();
      commit({
        ...config,
        variables,
        onCompleted: (response) => {
          const p = payload(response);
          const refused = refusal(p);
          if (refused) return setErrors([refused]);
          const said = p ? done(p as NonNullable<P>) : null;
          if (said) setMessage(said);
        },
        onError: fail,
      });
    },
    [clear, fail],
  );
  return useMemo(
    () => ({ errors, message, setErrors, setMessage, clear, fail, run }),
    [errors, message, clear, fail, run],
  );
}

/** Shows an outcome: the refusal as an alert, or the success as a status line. */
export function Outcome({
  errors,
  message,
}: {
  errors: readonly UserError[];
  message: string | null;
}) {
  return (
    <>
      <UserErrors errors={errors} />
      {message && (
        <p role="status" className="ok-box">
          {message}
        </p>
      )}
    </>
  );
}

/** A page's outcome (`useOutcome()`), handed to the sections that act under one message line. */
export type OutcomeState = ReturnType<typeof useOutcome>;
