import { useState } from 'react';
import { fetchQuery, graphql, useRelayEnvironment } from 'react-relay';
import { commitRunConnector } from '../../mutations/RunConnectorMutation';
import type { Environment } from 'relay-runtime';
import type { InputFormRunQuery } from '../../__generated__/InputFormRunQuery.graphql';
import { refusalText } from '../../refusals';
import { hasEnded } from '../../run-status';

/**
 * The Test tab's input form: generated from an action's or trigger's input fields. Literal fields
 * come from the code's analysis; fields the code computes (object definitions, config fields) and
 * the choices of `pick_list` fields come from running the code itself — `…input_fields` and
 * `pick_lists.<p>` on the executor with the chosen connection, as the platform's console does.
 * Those evaluation runs are ordinary runs (they show in the runs list).
 */

export interface FieldSpec {
  name: string;
  type?: string;
  optional?: boolean;
  label?: string | null;
  controlType?: string | null;
  pickList?: string | null;
}

/** A pick list's choices: [label, value]. */
export type Choices = Record<string, [string, string][]>;

const runQuery = graphql`
  query InputFormRunQuery($id: ID!) {
    node(id: $id) {
      ... on ConnectorRun {
        status
        output
        error {
          message
          line
        }
      }
    }
  }
`;

/** Runs a target and waits for its output (a refusal or a failed run rejects, in words). */
async function runForOutput(
  environment: Environment,
  input: { connectorId: string; version: number; target: string; connectionId: string | null },
): Promise<unknown> {
  const id = await new Promise<string>((resolve, reject) =>
    commitRunConnector(environment, {
      variables: {
        input: {
          connectorId: input.connectorId,
          version: input.version,
          target: input.target,
          input: {},
          ...(input.connectionId ? { connectionId: input.connectionId } : {}),
        },
      },
      onCompleted: (r) => {
        const p = r.runConnector;
        const refusal = p.userErrors[0];
        if (refusal) reject(new Error(refusalText(refusal.code, refusal.message, refusal.detail)));
        else if (p.run) resolve(p.run.id);
        else reject(new Error('The run did not start.'));
      },
      onError: reject,
    }),
  );
  for (;;) {
    const r = await fetchQuery<InputFormRunQuery>(
      environment,
      runQuery,
      { id },
      { fetchPolicy: 'network-only' },
    ).toPromise();
    const node = r?.node;
    if (node?.status && hasEnded(node.status)) {
      if (node.status === 'SUCCEEDED') return node.output;
      throw new Error(
        `${input.target} ${node.status === 'FAILED' ? 'failed' : `ended ${node.status}`}${node.error?.line ? ` (line ${node.error.line})` : ''}: ${node.error?.message ?? 'no output'}`,
      );
    }
    await new Promise((done) => setTimeout(done, 250));
  }
}

/** Fields as the executor evaluates them (the DSL's snake_case keys), in the form's shape. */
function fieldsFrom(output: unknown): FieldSpec[] {
  if (!Array.isArray(output)) throw new Error('The input fields did not evaluate to a list.');
  return output
    .filter(
      (f): f is Record<string, unknown> =>
        !!f && typeof f === 'object' && typeof (f as { name?: unknown }).name === 'string',
    )
    .map((f) => ({
      name: String(f.name),
      type: typeof f.type === 'string' ? f.type : undefined,
      optional: f.optional === false ? false : undefined,
      label: typeof f.label === 'string' ? f.label : null,
      controlType: typeof f.control_type === 'string' ? f.control_type : null,
      pickList: typeof f.pick_list === 'string' ? f.pick_list : null,
    }));
}

function choicesFrom(output: unknown): [string, string][] {
  if (!Array.isArray(output)) return [];
  return output
    .filter(Array.isArray)
    .map(
      (pair) => [String(pair[0]), String(pair.length > 1 ? pair[1] : pair[0])] as [string, string],
    );
}

export interface Evaluated {
  /** What the evaluation was for: a change of target or version makes it stale. */
  key: string;
  fields: FieldSpec[];
  choices: Choices;
}

/**
 * Evaluates a target's input fields (when the code computes them) and the choices of its pick
 * list fields, by running them with the chosen connection.
 */
export function useFieldEvaluation(a: {
  connectorId: string;
  version: number;
  target: string;
  connectionId: string | null;
  literal: FieldSpec[] | null;
}) {
  const environment = useRelayEnvironment();
  const [evaluated, setEvaluated] = useState<Evaluated | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const key = `${a.version}:${a.target}:${a.connectionId ?? ''}`;
  const current = evaluated?.key === key ? evaluated : null;
  const partTarget = a.target.startsWith('actions.')
    ? `${a.target}.input_fields`
    : a.target.replace(/\.poll$/, '.input_fields');
  const evaluable = a.target !== 'test';
  const needsRun = evaluable && (a.literal === null || a.literal.some((f) => f.pickList));

  const evaluate = async () => {
    setBusy(true);
    setError(null);
    try {
      const run = (target: string) =>
        runForOutput(environment, {
          connectorId: a.connectorId,
          version: a.version,
          target,
          connectionId: a.connectionId,
        });
      const fields = a.literal ?? fieldsFrom(await run(partTarget));
      const choices: Choices = {};
      for (const list of new Set(fields.map((f) => f.pickList).filter((p): p is string => !!p)))
        choices[list] = choicesFrom(await run(`pick_lists.${list}`));
      setEvaluated({ key, fields, choices });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return {
    fields: current?.fields ?? a.literal,
    choices: current?.choices ?? {},
    needsRun: needsRun && !current,
    evaluate,
    busy,
    error,
  };
}

export function InputForm({
  fields,
  choices,
  value,
  onChange,
}: {
  fields: FieldSpec[];
  choices: Choices;
  value: Record<string, unknown>;
  onChange: (v: Record<string, unknown>) => void;
}) {
  if (fields.length === 0) return <p className="muted small">No input.</p>;
  return (
    <>
      {fields.map((f) => {
        const id = `input-${f.name}`;
        const label = `${f.label ?? f.name}${f.optional === false ? ' *' : ''}`;
        if (f.type === 'boolean') {
          return (
            <div className="row" key={f.name}>
              <input
                id={id}
                type="checkbox"
                checked={value[f.name] === true}
                onChange={(e) => onChange({ ...value, [f.name]: e.target.checked })}
              />
              <label htmlFor={id}>{label}</label>
            </div>
          );
        }
        const options = f.pickList ? choices[f.pickList] : undefined;
        if (options) {
          return (
            <div className="row" key={f.name}>
              <label htmlFor={id}>{label}</label>
              <select
                id={id}
                value={value[f.name] === undefined ? '' : String(value[f.name])}
                onChange={(e) => {
                  const next = { ...value };
                  if (e.target.value === '') delete next[f.name];
                  else next[f.name] = e.target.value;
                  onChange(next);
                }}
              >
                <option value="">—</option>
                {options.map(([text, v]) => (
                  <option key={v} value={v}>
                    {text}
                  </option>
                ))}
              </select>
            </div>
          );
        }
        const numeric = f.type === 'integer' || f.type === 'number';
        return (
          <div className="row" key={f.name}>
            <label htmlFor={id}>{label}</label>
            <input
              id={id}
              type={numeric ? 'number' : 'text'}
              value={value[f.name] === undefined ? '' : String(value[f.name])}
              onChange={(e) => {
                const next = { ...value };
                if (e.target.value === '') delete next[f.name];
                else next[f.name] = numeric ? Number(e.target.value) : e.target.value;
                onChange(next);
              }}
            />
          </div>
        );
      })}
    </>
  );
}
