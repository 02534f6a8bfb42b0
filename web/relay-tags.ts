import type { Plugin } from 'vite';

/**
 * Replaces each graphql`…` tag with an import of the artifact the Relay compiler generated for it
 * (what babel-plugin-relay does, without Babel): `graphql`query Foo {…}`` becomes the default
 * export of `src/__generated__/Foo.graphql.ts`. The compiler runs before the bundler, so a tag
 * whose artifact is missing is a build error here rather than a runtime surprise.
 */
export function relayTags(artifactDir: string): Plugin {
  const TAG = /\bgraphql`([^`]*)`/g;
  const NAME = /\b(?:query|mutation|subscription|fragment)\s+([A-Za-z_][A-Za-z0-9_]*)/;
  return {
    name: 'relay-tags',
    enforce: 'pre',
    transform(code, id) {
      if (!/\.tsx?$/.test(id) || id.includes('__generated__') || !code.includes('graphql`'))
        return null;
      const imports = new Map<string, string>();
      const out = code.replace(TAG, (_whole, text: string) => {
        const name = NAME.exec(text)?.[1];
        if (!name) throw new Error(`${id}: a graphql tag without an operation or fragment name`);
        const local = `__relay_${name}`;
        imports.set(local, `${artifactDir}/${name}.graphql.ts`);
        return local;
      });
      const header = [...imports]
        .map(([local, path]) => `import ${local} from ${JSON.stringify(path)};`)
        .join('\n');
      return { code: `${header}\n${out}`, map: null };
    },
  };
}
