/**
 * Runs the real `strata` command (src/cli/main.ts through tsx, so the tests exercise the
 * source, not a possibly stale build) as a child process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** With `input`, that text is the command's standard input (otherwise it has none). */
export function strata(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; input?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, main, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, ...options.env },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export const tempDir = (prefix = 'strata-cli-') => mkdtempSync(path.join(tmpdir(), prefix));

export interface BackgroundCli {
  readonly pid: number;
  /** Everything written so far. */
  readonly output: { stdout: string; stderr: string };
  /** Resolves once stdout contains `text`, rejects when the process exits first or after timeoutMs. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a long-running `strata` command (`strata up`) in the background. */
export function startStrata(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): BackgroundCli {
  const child = spawn(process.execPath, ['--import', tsx, main, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  return {
    pid: child.pid!,
    output,
    async waitFor(text, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!output.stdout.includes(text)) {
        if (child.exitCode !== null || Date.now() > deadline)
          throw new Error(
            `strata ${args.join(' ')} never printed "${text}"; stdout: ${output.stdout}\nstderr: ${output.stderr}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
