import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_LIMITS, executorOptionsFromConfig } from '../../src/executor/index.js';
import { capMemory } from '../../src/executor/wasm-module.js';

describe('executor configuration', () => {
  it('defaults to the documented limits', () => {
    const opts = executorOptionsFromConfig(loadConfig({}));
    expect(opts).toEqual({
      spareVMs: 2,
      maxConcurrentRuns: 4,
      allowLoopback: false,
      optimize: true,
      limits: {
        wallMs: 60_000,
        memoryBytes: 256 * 1024 * 1024,
        requestTimeoutMs: 40_000,
        maxBodyBytes: 10 * 1024 * 1024,
        maxRequests: 100,
        maxRedirects: 5,
        maxOutputBytes: 1024 * 1024,
        maxCodeBytes: 10 * 1024 * 1024,
      },
    });
    for (const [k, v] of Object.entries(opts.limits!))
      expect(DEFAULT_LIMITS[k as keyof typeof DEFAULT_LIMITS]).toBe(v);
  });

  it('reads every knob from the environment, and refuses nonsense', () => {
    const opts = executorOptionsFromConfig(
      loadConfig({
        RUN_TIMEOUT_MS: '5000',
        EXECUTOR_MEMORY_MB: '128',
        EXECUTOR_MAX_REQUESTS: '7',
        EXECUTOR_SPARE_VMS: '0',
        CONNECTOR_HTTP_ALLOW_LOOPBACK: 'true',
        EXECUTOR_OPTIMIZE: 'false',
        EXECUTOR_SNAPSHOT_CACHE: 'off',
      }),
    );
    expect(opts).toMatchObject({
      spareVMs: 0,
      allowLoopback: true,
      optimize: false,
      snapshotCache: false,
      limits: { wallMs: 5000, memoryBytes: 128 * 1024 * 1024, maxRequests: 7 },
    });
    expect(() => loadConfig({ EXECUTOR_MEMORY_MB: '10' })).toThrow(/EXECUTOR_MEMORY_MB/);
    expect(() => loadConfig({ EXECUTOR_MAX_REDIRECTS: '-1' })).toThrow(/EXECUTOR_MAX_REDIRECTS/);
    expect(() => loadConfig({ EXECUTOR_OPTIMIZE: 'no' })).toThrow(/EXECUTOR_OPTIMIZE/);
    expect(
      executorOptionsFromConfig(loadConfig({ EXECUTOR_SNAPSHOT_CACHE: '/var/cache/registry' }))
        .snapshotCache,
    ).toBe('/var/cache/registry');
  });
});

describe('capMemory', () => {
  // A minimal module: magic, version, a memory section with one memory of min 1 page, no max.
  const module = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 0, 1]);

  it('gives a memory without a maximum the maximum asked for', () => {
    const capped = capMemory(module, 4 * 64 * 1024);
    const memory = new WebAssembly.Instance(new WebAssembly.Module(capped)).exports;
    expect(memory).toEqual({});
    expect([...capped.subarray(8)]).toEqual([5, 4, 1, 1, 1, 4]);
    // The declared maximum holds: growing past it fails.
    const withExport = new Uint8Array([
      0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 0, 1, 7, 5, 1, 1, 0x6d, 2, 0,
    ]);
    const { m } = new WebAssembly.Instance(
      new WebAssembly.Module(capMemory(withExport, 2 * 64 * 1024)),
    ).exports as { m: WebAssembly.Memory };
    expect(m.grow(1)).toBe(1);
    expect(() => m.grow(1)).toThrow(RangeError);
  });

  it('refuses what it cannot cap', () => {
    expect(() => capMemory(new Uint8Array([1, 2, 3, 4, 1, 0, 0, 0]), 1)).toThrow(
      'not a WebAssembly binary',
    );
    expect(() => capMemory(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), 1)).toThrow(
      /no memory section/,
    );
  });
});
