import { execFile, spawn, type ChildProcess } from 'node:child_process';

/** The real executable, as a user runs it. */
export const BIN = new URL('../../bin/connector-registry.js', import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a separate process; resolves with its exit code and output (never rejects on a non-zero exit). */
export function cli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'node',
      [BIN, ...args],
      { env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** `serve` as a separate process; resolves once it prints where it listens. */
export function startServerProcess(
  env: NodeJS.ProcessEnv,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn('node', [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /on (http:\/\/\S+\/graphql)/.exec(out);
      if (m) resolve({ url: m[1], child });
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code, signal) =>
      reject(new Error(`server exited (${code ?? signal}): ${out}`)),
    );
  });
}

/** Ends a child process with `signal` and waits for it to be gone. */
export function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
