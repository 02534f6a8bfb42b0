/**
 * The Ruby parser (@ruby/prism, WASM) behind a memoised loader, plus the byte-offset → line/column
 * mapping its locations need (prism reports offsets in bytes of the UTF-8 source).
 */
import type * as PrismModule from '@ruby/prism';
import { loadLazyPrism, parseInThread } from './prism-lazy.js';

export type Prism = typeof PrismModule;
export type Node = PrismModule.Node;
export type ParseResult = ReturnType<Awaited<ReturnType<Prism['loadPrism']>>>;
export interface Location {
  startOffset: number;
  length: number;
}

export interface Ruby {
  /** The node classes, for `instanceof` checks that survive bundling (class names may not). */
  nodes: Prism;
  /** Parses UTF-8 source (SourceText.bytes); lambda and block bodies are read lazily (prism-lazy.ts). */
  parse(source: Uint8Array): Promise<ParseResult>;
  /** The Ruby class a literal evaluates to ('Proc' for lambdas), or null when it depends on runtime. */
  classOf(node: Node): string | null;
}

/**
 * The platform runs Ruby 2.7; prism's oldest grammar is 3.3, the nearest to it, so code using
 * syntax newer than that is reported rather than accepted.
 */
const RUBY_VERSION = '3.3';

/**
 * WASM memory only grows: parsing 10 MB needs ~180 MB in the instance. Inputs above this size are
 * parsed in a thread of its own that ends with the parse (prism-lazy.ts' parseInThread, ≈30 ms to
 * start next to seconds of parsing), which frees that memory at once, before the tree is read.
 */
const SHARED_INSTANCE_MAX_BYTES = 1 << 20;

let loading: Promise<Ruby> | null = null;

/** Loads the WASM module once per process; imported lazily so merely importing this file costs nothing. */
export function loadRuby(): Promise<Ruby> {
  loading ??= (async () => {
    const nodes = await import('@ruby/prism');
    const shared = await loadLazyPrism(nodes);
    const classOf = literalClasses(nodes);
    return {
      nodes,
      classOf,
      parse: async (source: Uint8Array) =>
        source.length > SHARED_INSTANCE_MAX_BYTES
          ? parseInThread(nodes, source, RUBY_VERSION)
          : shared(source, RUBY_VERSION),
    };
  })();
  loading.catch(() => (loading = null));
  return loading;
}

function literalClasses(n: Prism): (node: Node) => string | null {
  const classes = new Map<unknown, string>([
    [n.StringNode, 'String'],
    [n.InterpolatedStringNode, 'String'],
    [n.XStringNode, 'String'],
    [n.InterpolatedXStringNode, 'String'],
    [n.SourceFileNode, 'String'],
    [n.SymbolNode, 'Symbol'],
    [n.InterpolatedSymbolNode, 'Symbol'],
    [n.IntegerNode, 'Integer'],
    [n.SourceLineNode, 'Integer'],
    [n.FloatNode, 'Float'],
    [n.RationalNode, 'Rational'],
    [n.ImaginaryNode, 'Complex'],
    [n.ArrayNode, 'Array'],
    [n.HashNode, 'Hash'],
    [n.TrueNode, 'TrueClass'],
    [n.FalseNode, 'FalseClass'],
    [n.NilNode, 'NilClass'],
    [n.RegularExpressionNode, 'Regexp'],
    [n.InterpolatedRegularExpressionNode, 'Regexp'],
    [n.RangeNode, 'Range'],
    [n.LambdaNode, 'Proc'],
  ]);
  return (node) => {
    // `lambda do … end`, `lambda { … }` and `proc { … }` are calls with a literal block.
    if (node instanceof n.CallNode) {
      const isProc =
        node.receiver === null &&
        (node.name === 'lambda' || node.name === 'proc') &&
        node.block instanceof n.BlockNode;
      return isProc ? 'Proc' : null;
    }
    return classes.get(node.constructor) ?? null;
  };
}

/**
 * A parse that throws (very deep nesting overflows the JS deserialiser's stack or the WASM stack)
 * can leave the WASM instance's memory corrupt, so the next call gets a fresh instance.
 */
export function discardRuby(): void {
  loading = null;
}

/** The source as UTF-8 bytes with a line index: turns prism's byte offsets into positions and text. */
export class SourceText {
  readonly bytes: Buffer;
  /** Byte offset at which each line starts; lines end at '\n' as in prism. */
  private readonly lineStarts: number[] = [0];

  constructor(code: string | Uint8Array) {
    this.bytes =
      typeof code === 'string'
        ? Buffer.from(code, 'utf8')
        : Buffer.from(code.buffer, code.byteOffset, code.byteLength);
    for (let i = this.bytes.indexOf(10); i !== -1; i = this.bytes.indexOf(10, i + 1))
      this.lineStarts.push(i + 1);
  }

  /** Exact source text of a node. */
  text(loc: Location): string {
    return this.bytes.toString('utf8', loc.startOffset, loc.startOffset + loc.length);
  }

  /** 0-based index of the line holding a byte offset. */
  lineIndex(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * 1-based line and column of each byte offset, in the order given. Columns count UTF-16 code
   * units (JS string indices, as editors such as Monaco do). Offsets are visited in ascending order
   * and decoding resumes from the previous one on the same line, so many positions on one huge
   * line stay linear.
   */
  positions(offsets: number[]): { line: number; column: number }[] {
    const out: { line: number; column: number }[] = new Array(offsets.length);
    const ascending = offsets.map((_, i) => i).sort((a, b) => offsets[a] - offsets[b]);
    let line = -1;
    let from = 0;
    let column = 1;
    for (const i of ascending) {
      const index = this.lineIndex(offsets[i]);
      if (index !== line) [line, from, column] = [index, this.lineStarts[index], 1];
      column += this.bytes.toString('utf8', from, offsets[i]).length;
      from = offsets[i];
      out[i] = { line: line + 1, column };
    }
    return out;
  }
}
