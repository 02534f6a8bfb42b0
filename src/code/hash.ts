import type { Node, Ruby } from './prism.js';

export type HashNode = InstanceType<Ruby['nodes']['HashNode']>;

export interface Entry {
  /** null when the key is not a symbol or string literal (or is a `**splat`). */
  name: string | null;
  key: Node;
  value: Node;
}

/** The hash's entries in source order, duplicates included. */
export function entries(ruby: Ruby, hash: HashNode): Entry[] {
  const { AssocNode, SymbolNode, StringNode } = ruby.nodes;
  return hash.elements.map((element) => {
    if (!(element instanceof AssocNode)) {
      const splat = element as InstanceType<Ruby['nodes']['AssocSplatNode']>;
      return { name: null, key: splat, value: splat.value ?? splat };
    }
    const { key, value } = element;
    const name =
      key instanceof SymbolNode || key instanceof StringNode ? key.unescaped.value : null;
    return { name, key, value };
  });
}

/**
 * Entries by name with Ruby's semantics for repeated keys: the first one's position, the last one's
 * value. Symbol and string keys are one name, as the platform reads the hash with indifferent access.
 */
export function byName(ruby: Ruby, hash: HashNode): Map<string, Node> {
  const map = new Map<string, Node>();
  for (const { name, value } of entries(ruby, hash)) if (name !== null) map.set(name, value);
  return map;
}
