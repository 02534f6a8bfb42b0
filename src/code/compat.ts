/**
 * Classifies the change between two versions' structures (src/code/structure.ts) the way an
 * installer cares about: what can break recipes built on the old version. Breaking: an action or
 * trigger removed (a rename is a removal plus an addition), a required input field added (or an
 * optional one made required), an output field removed or its type changed, a connection field
 * removed or changed, or a required one added. Additions are not breaking. Where either side's
 * fields cannot be read statically the change is UNKNOWN, never silently safe.
 */
import type { CodeStructure, FieldSpec, OperationSpec } from './structure.js';

export type ChangeLevel = 'NONE' | 'NON_BREAKING' | 'UNKNOWN' | 'BREAKING';

export interface Change {
  breaking: boolean;
  /** True when the fields could not be compared (computed at run time). */
  unknown?: boolean;
  subject: string;
  message: string;
}

export interface ChangeReport {
  level: ChangeLevel;
  changes: Change[];
}

function fieldsByName(fields: FieldSpec[]): Map<string, FieldSpec> {
  return new Map(fields.map((f) => [f.name, f]));
}

function compareInputs(subject: string, before: FieldSpec[], after: FieldSpec[], out: Change[]) {
  const old = fieldsByName(before);
  for (const f of after) {
    const was = old.get(f.name);
    if (!was) {
      out.push({
        breaking: !f.optional,
        subject,
        message: `${f.optional ? 'Optional' : 'Required'} input field '${f.name}' added to ${subject}.`,
      });
    } else if (was.optional && !f.optional) {
      out.push({
        breaking: true,
        subject,
        message: `Input field '${f.name}' of ${subject} became required.`,
      });
    } else if (was.type !== f.type) {
      out.push({
        breaking: true,
        subject,
        message: `Input field '${f.name}' of ${subject} changed type from ${was.type} to ${f.type}.`,
      });
    }
  }
  for (const f of before)
    if (!after.some((a) => a.name === f.name))
      out.push({
        breaking: false,
        subject,
        message: `Input field '${f.name}' removed from ${subject}.`,
      });
}

function compareOutputs(
  subject: string,
  before: FieldSpec[],
  after: FieldSpec[],
  out: Change[],
  path = '',
) {
  const now = fieldsByName(after);
  for (const f of before) {
    const next = now.get(f.name);
    const name = `${path}${f.name}`;
    if (!next)
      out.push({
        breaking: true,
        subject,
        message: `Output field '${name}' removed from ${subject}.`,
      });
    else if (next.type !== f.type)
      out.push({
        breaking: true,
        subject,
        message: `Output field '${name}' of ${subject} changed type from ${f.type} to ${next.type}.`,
      });
    else if (f.properties && next.properties)
      compareOutputs(subject, f.properties, next.properties, out, `${name}.`);
  }
  const old = fieldsByName(before);
  for (const f of after)
    if (!old.has(f.name))
      out.push({
        breaking: false,
        subject,
        message: `Output field '${path}${f.name}' added to ${subject}.`,
      });
}

function compareOperations(
  kind: 'action' | 'trigger',
  before: Record<string, OperationSpec>,
  after: Record<string, OperationSpec>,
  out: Change[],
) {
  for (const name of Object.keys(before)) {
    const subject = `${kind} '${name}'`;
    const next = after[name];
    if (!next) {
      out.push({ breaking: true, subject, message: `The ${subject} was removed (or renamed).` });
      continue;
    }
    const prev = before[name];
    for (const side of ['input', 'output'] as const) {
      const a = prev[side];
      const b = next[side];
      if (a && b) {
        if (side === 'input') compareInputs(subject, a, b, out);
        else compareOutputs(subject, a, b, out);
      } else if (JSON.stringify(a) !== JSON.stringify(b)) {
        out.push({
          breaking: false,
          unknown: true,
          subject,
          message: `The ${side} fields of ${subject} are computed at run time; they could not be compared.`,
        });
      }
    }
  }
  for (const name of Object.keys(after))
    if (!before[name])
      out.push({
        breaking: false,
        subject: `${kind} '${name}'`,
        message: `The ${kind} '${name}' was added.`,
      });
}

function compareConnection(before: FieldSpec[] | null, after: FieldSpec[] | null, out: Change[]) {
  const subject = 'connection';
  if (!before || !after) {
    if (JSON.stringify(before) !== JSON.stringify(after))
      out.push({
        breaking: false,
        unknown: true,
        subject,
        message: 'The connection fields are computed at run time; they could not be compared.',
      });
    return;
  }
  const old = fieldsByName(before);
  for (const f of after) {
    const was = old.get(f.name);
    if (!was)
      out.push({
        breaking: !f.optional,
        subject,
        message: `${f.optional ? 'Optional' : 'Required'} connection field '${f.name}' added.`,
      });
    else if (was.type !== f.type || was.optional !== f.optional)
      out.push({ breaking: true, subject, message: `Connection field '${f.name}' changed.` });
  }
  for (const f of before)
    if (!after.some((a) => a.name === f.name))
      out.push({ breaking: true, subject, message: `Connection field '${f.name}' removed.` });
}

export function classifyChange(
  before: CodeStructure | null,
  after: CodeStructure | null,
): ChangeReport {
  if (!before || !after) {
    // A side with syntax errors has no structure.
    return {
      level: 'UNKNOWN',
      changes: [
        {
          breaking: false,
          unknown: true,
          subject: 'code',
          message:
            'One of the versions could not be read (it has syntax errors); the change could not be classified.',
        },
      ],
    };
  }
  const changes: Change[] = [];
  compareConnection(before.connectionFields, after.connectionFields, changes);
  compareOperations('action', before.actions, after.actions, changes);
  compareOperations('trigger', before.triggers, after.triggers, changes);
  const level: ChangeLevel = changes.some((c) => c.breaking)
    ? 'BREAKING'
    : changes.some((c) => c.unknown)
      ? 'UNKNOWN'
      : changes.length
        ? 'NON_BREAKING'
        : 'NONE';
  return { level, changes };
}
