/**
 * The README is executed: every block marked `sh exec` or `ts exec <file>` runs, in
 * order, as a reader following it would run it — one bash session in one fresh directory,
 * with `strata` on the PATH the way the README's install step puts it there (`npm link`,
 * here into a throwaway npm prefix). The first failing command fails the test with the
 * block's README line and its output. Processes a block starts in the background
 * (`strata up &`) are stopped with the session's process group at the end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readmeBlocks, type ReadmeBlock } from './readme-blocks.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const blocks = readmeBlocks(readFileSync(path.join(root, 'README.md'), 'utf8'));
const count = (kind: ReadmeBlock['kind']) => blocks.filter((b) => b.kind === kind).length;
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const BLOCK_TIMEOUT_MS = 120_000;
const ERROR_LINE = '@@readme-error-at-line ';

let dir: string;
let session: Session | undefined;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'strata-readme-'));
  // The README's `strata` is the compiled CLI; a stale build would test old code (and warn).
  const probe = run(process.execPath, [path.join(root, 'bin', 'strata.js'), '--version'], root);
  if (probe.stderr.includes('npm run build')) run('npm', ['run', 'build'], root);
  // `npm link`, as the README says, into a private prefix; scripts off: the build is done.
  run('npm', ['link', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], root, npmEnv());
}, 180_000);

let passed = false;
afterAll(() => {
  session?.stop();
  // Kept after a failure, to look at what the blocks left (the path is in the failure).
  if (passed) rmSync(dir, { recursive: true, force: true });
});

describe('README', () => {
  it(`runs its ${blocks.length} marked blocks in order (${count('sh')} sh exec, ${count('ts')} ts exec)`, async () => {
    const work = path.join(dir, 'work');
    mkdirSync(work);
    session = new Session(work);
    const times: string[] = [];
    for (const [i, block] of blocks.entries()) {
      const started = Date.now();
      if (block.kind === 'ts') {
        // The reader saves the file where they are and runs it; tsx is the project's own.
        const saved = path.join(dir, `block-${i}.ts`);
        writeFileSync(saved, block.code);
        await session.run(
          block,
          `cp ${quote(saved)} ${quote(block.file)}\nnode --import ${quote(tsx)} ${quote(block.file)} < /dev/null\n`,
        );
      } else {
        const saved = path.join(dir, `block-${i}.sh`);
        writeFileSync(saved, block.code);
        // Its own stdin is not the session's script.
        await session.run(block, `source ${quote(saved)} < /dev/null\n`);
      }
      times.push(`line ${block.line} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    // The count makes a block that lost its marker visible; the times show where the minutes go.
    console.log(
      `README: ran ${blocks.length} blocks (${count('sh')} sh exec, ${count('ts')} ts exec): ${times.join(', ')}`,
    );
    expect(blocks.length).toBeGreaterThan(0);
    passed = true;
  }, 600_000);
});

/** One bash for the whole README, so `cd`, variables and background jobs carry from block to block. */
class Session {
  private readonly shell: ChildProcess;
  private output = '';
  private exit: Promise<number | null>;

  constructor(cwd: string) {
    this.shell = spawn('bash', ['--noprofile', '--norc'], {
      cwd,
      env: readerEnv(),
      detached: true, // its own process group: background jobs are stopped with it
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    for (const stream of [this.shell.stdout!, this.shell.stderr!])
      stream.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    this.exit = new Promise((resolve) => this.shell.on('close', (code) => resolve(code)));
    // On a failing command, say which line of the block (of the sourced file) it was on.
    this.shell.stdin!.write(`set -eo pipefail\ntrap 'echo "${ERROR_LINE}$LINENO" >&2' ERR\n`);
  }

  async run(block: ReadmeBlock, script: string): Promise<void> {
    const start = this.output.length;
    const done = `@@readme-block-done-${block.line}@@`;
    this.shell.stdin!.write(`${script}echo ${done}\n`);
    const deadline = Date.now() + BLOCK_TIMEOUT_MS;
    let exited: number | null | undefined;
    void this.exit.then((code) => (exited = code));
    while (!this.output.includes(done, start)) {
      if (exited !== undefined || Date.now() > deadline) {
        const output = this.output.slice(start);
        const failedAt = [...output.matchAll(new RegExp(`${ERROR_LINE}(\\d+)`, 'g'))].at(-1)?.[1];
        const where =
          block.kind === 'sh' && failedAt !== undefined
            ? `the command on README line ${block.line + Number(failedAt) - 1} (block at line ${block.line})`
            : `the ${block.kind} block at README line ${block.line}`;
        const why =
          exited !== undefined ? `failed (exit code ${exited})` : `did not finish in ${BLOCK_TIMEOUT_MS / 1000} s`;
        throw new Error(`${where} ${why}.\n--- block ---\n${block.code}--- output ---\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  stop(): void {
    try {
      process.kill(-this.shell.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

/** The environment of a reader who ran `npm link`: strata on the PATH, no Strata settings of the tester's own. */
function readerEnv(): NodeJS.ProcessEnv {
  const env = npmEnv();
  for (const name of Object.keys(env)) if (name.startsWith('STRATA_')) delete env[name];
  env.PATH = `${path.join(dir, 'npm-prefix', 'bin')}${path.delimiter}${env.PATH ?? ''}`;
  // `npm link @strata-data/strata` in the library example: offline, and no rebuild of the clone.
  env.npm_config_offline = 'true';
  env.npm_config_ignore_scripts = 'true';
  return env;
}

function npmEnv(): NodeJS.ProcessEnv {
  return { ...process.env, npm_config_prefix: path.join(dir, 'npm-prefix'), npm_config_update_notifier: 'false' };
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
