/**
 * Static analysis of connector code: prism's syntax errors, then the DSL rules of dsl.ts checked on
 * the AST, plus the names and source text of the actions and triggers. Nothing is evaluated.
 */
import {
  CONNECTOR,
  KIND_OF_CLASS,
  type Kind,
  type Lenient,
  type MapOf,
  type Rule,
  type Shape,
} from './dsl.js';
import { byName, entries, type HashNode } from './hash.js';
import { discardRuby, loadRuby, SourceText, type Node, type Ruby } from './prism.js';
import { extractStructure, type CodeStructure } from './structure.js';

export type DiagnosticKind = 'syntax' | 'semantic';

export interface Diagnostic {
  severity: 'error' | 'warning';
  kind: DiagnosticKind;
  message: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units (JS string indices) from the start of the line. */
  column: number;
}

export interface CodeAnalysis {
  diagnostics: Diagnostic[];
  hasErrors: boolean;
  actions: string[];
  triggers: string[];
  title: string | null;
  /** Exact source text of each action/trigger value, by name. */
  definitions: { actions: Record<string, string>; triggers: Record<string, string> };
  /** Fields of the connection, actions and triggers, as far as they can be read statically. */
  structure: CodeStructure | null;
}

/**
 * What a version stores of its code's analysis, and all that leaves the worker: the definitions'
 * source text (the whole code again) and the title stay behind, so a 10 MB upload does not copy
 * ~10 MB of strings across the thread boundary for nothing. The structure leaves as the JSON text
 * it is stored as, and the code's digest comes along: for 10 MB of code, receiving the structure
 * as objects, serializing it again and hashing the code held the main thread ~75 ms.
 */
export type StoredAnalysis = Pick<
  CodeAnalysis,
  'diagnostics' | 'hasErrors' | 'actions' | 'triggers'
> & {
  /** `structure` as JSON text (`null` without one). */
  structureJson: string;
  /** SHA-256 (hex) of the code's UTF-8 bytes. */
  codeSha256: string;
};

export function storedPart(
  { diagnostics, hasErrors, actions, triggers, structure }: CodeAnalysis,
  codeSha256: string,
): StoredAnalysis {
  return {
    diagnostics,
    hasErrors,
    actions,
    triggers,
    structureJson: JSON.stringify(structure ?? null),
    codeSha256,
  };
}

/** Bounds the stored diagnostics for pathological input; errors are kept in preference to warnings. */
export const MAX_DIAGNOSTICS = 1000;

/** A diagnostic before its byte offset becomes a line and column. */
interface Finding {
  severity: Diagnostic['severity'];
  kind: DiagnosticKind;
  offset: number;
  message: (line: number) => string;
}

/** `code` as a string or as its UTF-8 bytes (which the parser reads as they are). */
export async function analyzeConnectorCode(code: string | Uint8Array): Promise<CodeAnalysis> {
  const ruby = await loadRuby();
  const source = new SourceText(code);
  const empty = {
    actions: [],
    triggers: [],
    title: null,
    definitions: { actions: {}, triggers: {} },
    structure: null,
  };

  let result;
  try {
    result = await ruby.parse(source.bytes);
  } catch (error) {
    // Stack exhaustion, in the JS deserialiser or in WASM, is how very deep nesting fails.
    if (!(error instanceof RangeError || error instanceof WebAssembly.RuntimeError)) throw error;
    discardRuby();
    const message = () =>
      'Line 1 has syntax errors: the parser gave up, most likely because the code is nested too deeply.';
    return {
      ...empty,
      ...report(source, [{ severity: 'error', kind: 'syntax', offset: 0, message }]),
    };
  }

  // prism reports an unclosed delimiter at its opening: a missing comma on line 3 also yields
  // "expected a `}`" at the `{` on line 1. Those go last, so the first error is the breaking token.
  const unclosed = (e: { type: string }) => /_term(_|$)/.test(e.type);
  const errors = [...result.errors.filter((e) => !unclosed(e)), ...result.errors.filter(unclosed)];
  const findings: Finding[] = errors.map((e) => ({
    severity: 'error',
    kind: 'syntax',
    offset: e.location.startOffset,
    message: (line) => `Line ${line} has syntax errors: ${e.message}`,
  }));
  // Verbose-level warnings (unused variables, …) are lint noise; default-level ones (duplicated keys, …) matter.
  for (const w of result.warnings) {
    if (w.level !== 'default') continue;
    findings.push({
      severity: 'warning',
      kind: 'syntax',
      offset: w.location.startOffset,
      message: (line) => `Line ${line}: ${w.message}`,
    });
  }
  // Error recovery leaves a partial tree: neither checked nor mined for names.
  if (result.errors.length > 0) return { ...empty, ...report(source, findings) };

  const checker = new Checker(ruby, source, findings);
  const root = checker.program(result.value.statements.body);
  return { ...(root ? extract(ruby, source, root) : empty), ...report(source, findings) };
}

/**
 * Findings keep the order they were made in (syntax errors as sorted above; the checker walks in
 * source order), so the first error is the one to show. Past the cap, errors beat warnings.
 */
function report(
  source: SourceText,
  findings: Finding[],
): Pick<CodeAnalysis, 'diagnostics' | 'hasErrors'> {
  let kept = findings;
  if (findings.length > MAX_DIAGNOSTICS) {
    const rank = (i: number) => (findings[i].severity === 'error' ? 0 : 1);
    const indices = findings.map((_, i) => i).sort((a, b) => rank(a) - rank(b) || a - b);
    kept = indices
      .slice(0, MAX_DIAGNOSTICS)
      .sort((a, b) => a - b)
      .map((i) => findings[i]);
  }
  const positions = source.positions(kept.map((f) => f.offset));
  const diagnostics: Diagnostic[] = kept.map((f, i) => ({
    severity: f.severity,
    kind: f.kind,
    message: f.message(positions[i].line),
    ...positions[i],
  }));
  if (findings.length > kept.length) {
    const message = `${findings.length - kept.length} more diagnostics not shown.`;
    diagnostics.push({ severity: 'warning', kind: 'semantic', message, line: 1, column: 1 });
  }
  return { diagnostics, hasErrors: findings.some((f) => f.severity === 'error') };
}

function extract(
  ruby: Ruby,
  source: SourceText,
  root: HashNode,
): Omit<CodeAnalysis, 'diagnostics' | 'hasErrors'> {
  const top = byName(ruby, root);
  const title = top.get('title');
  const definitions = (key: string): Record<string, string> => {
    const value = top.get(key);
    if (!(value instanceof ruby.nodes.HashNode)) return {};
    return Object.fromEntries(
      [...byName(ruby, value)].map(([name, node]) => [name, source.text(node.location)]),
    );
  };
  const actions = definitions('actions');
  const triggers = definitions('triggers');
  return {
    actions: Object.keys(actions),
    triggers: Object.keys(triggers),
    title: title instanceof ruby.nodes.StringNode ? title.unescaped.value : null,
    definitions: { actions, triggers },
    structure: extractStructure(ruby, root),
  };
}

/** Where a hash sits: `where` ends the messages about its keys, `path` names nested hashes. */
interface Scope {
  where: string;
  path: string;
}

const isKinds = (rule: Rule): rule is readonly Kind[] => Array.isArray(rule);
const isLenient = (rule: Rule): rule is Lenient =>
  !Array.isArray(rule) && (rule as Lenient).type === 'lenient';

const kindList = (kinds: readonly Kind[]) =>
  kinds.length === 1 ? kinds[0] : `${kinds.slice(0, -1).join(', ')} or ${kinds[kinds.length - 1]}`;

/** Walks the top-level hash along the dsl.ts table, adding a finding per broken rule. */
class Checker {
  constructor(
    private readonly ruby: Ruby,
    private readonly source: SourceText,
    private readonly findings: Finding[],
  ) {}

  private add(severity: Finding['severity'], at: Node | number, message: string): void {
    const offset = typeof at === 'number' ? at : at.location.startOffset;
    this.findings.push({ severity, kind: 'semantic', offset, message: () => message });
  }

  /** The program must be one hash literal; returns it (even when followed by more code) or null. */
  program(statements: Node[]): HashNode | null {
    const [first, second] = statements;
    if (!first) {
      this.add('error', 0, 'Connector code is empty; expected a hash literal.');
      return null;
    }
    if (second)
      this.add(
        'error',
        second,
        'Connector code must be a single hash literal; found more code after it.',
      );
    if (!(first instanceof this.ruby.nodes.HashNode)) {
      const got = this.ruby.classOf(first) ?? `\`${this.snippet(first)}\``;
      this.add('error', first, `Expected connector code to be a hash literal but got ${got}.`);
      return null;
    }
    this.shape(first, CONNECTOR, { where: ' at top level', path: '' });
    return first;
  }

  private snippet(node: Node): string {
    const text = this.source.text(node.location).split('\n')[0];
    return text.length > 40 ? `${text.slice(0, 40)}…` : text;
  }

  /**
   * Checks a value's kind when it is a literal, then descends into hashes. Anything else (a method
   * call, a constant, …) might evaluate to the right kind, so it passes unchecked.
   */
  private value(node: Node, rule: Rule, key: string, where: string, inner: Scope): void {
    const got = this.ruby.classOf(node);
    if (got === null) return;
    if (isLenient(rule)) {
      if (rule.kinds.includes(KIND_OF_CLASS[got])) return;
      if (rule.alsoClasses.includes(got))
        this.add(
          'warning',
          node,
          `Expected ${kindList(rule.kinds)} for '${key}'${where} but got ${got}: ${rule.note}.`,
        );
      else
        this.add(
          'error',
          node,
          `Expected ${kindList(rule.kinds)} for '${key}'${where} but got ${got}.`,
        );
      return;
    }
    const expected = isKinds(rule) ? rule : (['hash'] as const);
    if (!expected.includes(KIND_OF_CLASS[got])) {
      this.add(
        'error',
        node,
        `Expected ${kindList(expected)} for '${key}'${where} but got ${got}.`,
      );
    } else if (!isKinds(rule)) {
      if (rule.type === 'shape') this.shape(node as HashNode, rule, inner);
      else this.map(node as HashNode, rule, inner);
    }
  }

  private shape(hash: HashNode, shape: Shape, scope: Scope): void {
    const named = this.named(hash, scope);
    const present = new Set(named.map((e) => e.name));
    for (const { anyOf, severity, why } of shape.required ?? []) {
      if (!anyOf.some((k) => present.has(k)))
        this.add(
          severity,
          hash,
          `Missing ${anyOf.map((k) => `'${k}'`).join(' or ')}${scope.where}${why ? `: ${why}` : ''}.`,
        );
    }
    for (const { name, key, value } of named) {
      // hasOwn: user-chosen names such as 'constructor' must not hit Object.prototype.
      const rule = Object.hasOwn(shape.keys, name) ? shape.keys[name] : undefined;
      if (rule === undefined) {
        if (shape.warnUnknownKeys) this.add('warning', key, `Unknown key '${name}'${scope.where}.`);
        continue;
      }
      const path = scope.path ? `${scope.path}.${name}` : name;
      if (rule) this.value(value, rule, name, scope.where, { where: ` in ${path}`, path });
    }
  }

  private map(hash: HashNode, map: MapOf, scope: Scope): void {
    for (const { name, value } of this.named(hash, scope)) {
      const path = `${scope.path}.${name}`;
      const where = map.noun ? ` in '${name}' ${map.noun}` : ` in ${path}`;
      this.value(value, map.entry, name, scope.where, { where, path });
    }
  }

  /** Entries with literal names; warns about keys it cannot name and about names given twice. */
  private named(hash: HashNode, scope: Scope): { name: string; key: Node; value: Node }[] {
    const named: { name: string; key: Node; value: Node }[] = [];
    const firstKey = new Map<string, Node>();
    for (const { name, key, value } of entries(this.ruby, hash)) {
      if (name === null) {
        this.add(
          'warning',
          key,
          `Cannot check \`${this.snippet(key)}\`${scope.where}: keys should be symbols or strings.`,
        );
        continue;
      }
      // prism already warns when the same literal repeats; :a and 'a' are the same name only to the platform.
      const first = firstKey.get(name);
      if (first && first.constructor !== key.constructor) {
        this.add(
          'warning',
          key,
          `Key '${name}'${scope.where} is defined more than once; the last definition wins.`,
        );
      }
      if (!first) firstKey.set(name, key);
      named.push({ name, key, value });
    }
    return named;
  }
}
