import { describe, expect, it } from 'vitest';
import { mergeCode } from '../../src/code/merge.js';
import { validCode } from '../fixtures/code.js';

const base = validCode({ actions: ['search_records', 'create_record'] });

describe('three-way merge of connector code', () => {
  it('takes theirs when ours is untouched, and ours when theirs is', () => {
    const theirs = base.replace("get('/me')", "get('/v2/me')");
    expect(mergeCode(base, base, theirs)).toEqual({ code: theirs, conflicts: [] });
    const ours = base.replace("title: 'Acme'", "title: 'Acme (ours)'");
    expect(mergeCode(base, ours, base)).toEqual({ code: ours, conflicts: [] });
  });

  it('merges changes to different parts cleanly', () => {
    const ours = base.replace("title: 'Acme'", "title: 'Acme, customised'");
    const theirs = base.replace(
      '"https://#{connection[\'subdomain\']}.acme.test"',
      '"https://#{connection[\'subdomain\']}.acme.example"',
    );
    const merged = mergeCode(base, ours, theirs);
    expect(merged.conflicts).toEqual([]);
    expect(merged.code).toContain("title: 'Acme, customised'");
    expect(merged.code).toContain('.acme.example"');
  });

  it('reports overlapping changes with both sides and line ranges, and writes nothing', () => {
    const ours = base.replace("get('/me')", "get('/me?ours=1')");
    const theirs = base.replace("get('/me')", "get('/me?theirs=1')");
    const line = base.split('\n').findIndex((l) => l.includes("get('/me')")) + 1;
    const merged = mergeCode(base, ours, theirs);
    expect(merged.code).toBeNull();
    expect(merged.conflicts).toEqual([
      {
        ours: { start: line, end: line, text: "    get('/me?ours=1')" },
        base: { start: line, end: line, text: "    get('/me')" },
        theirs: { start: line, end: line, text: "    get('/me?theirs=1')" },
      },
    ]);
    expect(mergeCode(base, ours, theirs, 'THEIRS').code).toBe(theirs);
    expect(mergeCode(base, ours, theirs, 'OURS').code).toBe(ours);
  });

  it('resolves only the conflicting parts when told which side wins', () => {
    const ours = base
      .replace("get('/me')", "get('/me?ours=1')")
      .replace("title: 'Acme'", "title: 'Ours'");
    const theirs = base
      .replace("get('/me')", "get('/me?theirs=1')")
      .replace('get("/records", input)', 'get("/v2/records", input)');
    const merged = mergeCode(base, ours, theirs, 'THEIRS');
    expect(merged.conflicts).toHaveLength(1);
    expect(merged.code).toContain("title: 'Ours'");
    expect(merged.code).toContain("get('/me?theirs=1')");
    expect(merged.code).toContain('get("/v2/records", input)');
  });
});
