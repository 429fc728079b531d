/**
 * A private redis-server for tests that stop and restart one (scripts/redis-test-server.sh
 * starts it on a free loopback port in `dir`, pauses or stops it). Such a test runs where
 * Debian's redis-server is installed, and must run under CI, which installs it.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../scripts/redis-test-server.sh');

/** `start` prints the server's URL; `pause` and `stop` print nothing. */
export function redisServer(command: 'start' | 'pause' | 'stop', dir: string): string {
  return execFileSync(SCRIPT, [command, dir], { encoding: 'utf8' }).trim();
}

export const haveRedisServer = (() => {
  try {
    execFileSync('redis-server', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

/** Whether the suite must run (CI) rather than be skipped where redis-server is missing. */
export const redisRequired = process.env.CI === 'true' || process.env.CI === '1';
