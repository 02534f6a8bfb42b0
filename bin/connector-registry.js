#!/usr/bin/env node
// Runs the compiled sources (dist/, see scripts/server-build.mjs), compiling them first when a
// source changed since the last build: no build step to forget, and no TypeScript compiler at run time.
import { buildIfStale } from '../scripts/server-build.mjs';

if (await buildIfStale()) console.error('(compiled the changed sources to dist/)');
await import('../dist/main.js');
