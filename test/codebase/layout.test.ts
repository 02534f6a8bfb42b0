import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// src/graphql/schema/ mirrors src/domain/, and the comment at Connector's definition names every
// file that adds fields to Connector or its versions, so a reader finds them all from there.

const schemaDir = join(import.meta.dirname, '../../src/graphql/schema');
const files = readdirSync(schemaDir).filter((f) => f.endsWith('.ts'));

describe('src/graphql/schema layout', () => {
  it("names, at Connector's definition, every file that extends Connector or ConnectorVersion", () => {
    const extending = files.filter(
      (f) =>
        f !== 'connectors.ts' &&
        /ObjectFields\('Connector(Version)?'/.test(readFileSync(join(schemaDir, f), 'utf8')),
    );
    expect(extending.length).toBeGreaterThan(3);
    const source = readFileSync(join(schemaDir, 'connectors.ts'), 'utf8');
    const comment = source.slice(
      source.lastIndexOf('/*', source.indexOf('export const ConnectorNode')),
      source.indexOf('export const ConnectorNode'),
    );
    expect(extending.filter((f) => !comment.includes(f))).toEqual([]);
  });
});
