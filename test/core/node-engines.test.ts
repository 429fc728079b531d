/**
 * Strata supports Node 20 (package.json `engines`, the README): every package `npm ci`
 * installs must accept it, or npm prints EBADENGINE warnings on a fresh clone. Pinned
 * versions (package.json `overrides`) keep transitive dependencies that moved to Node 22
 * on a Node 20 release; this test notices a lock file update that brings one back.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// semver is npm's own version arithmetic, installed by many dependencies.
const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
};

interface LockPackage {
  readonly version?: string;
  readonly optional?: boolean;
  readonly engines?: { readonly node?: string } | readonly string[];
}

const NODE_20 = '20.19.0';

describe('dependencies on Node 20', () => {
  it(`every installed package accepts Node ${NODE_20}`, () => {
    const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
      packages: Record<string, LockPackage>;
    };
    const refusing = Object.entries(lock.packages)
      // Optional packages are platform binaries npm skips when they do not fit.
      .filter(([, p]) => !p.optional && !Array.isArray(p.engines))
      .flatMap(([name, p]) => {
        const range = (p.engines as { node?: string } | undefined)?.node;
        return range === undefined || semver.satisfies(NODE_20, range)
          ? []
          : [`${name}@${p.version} wants node ${range}`];
      });
    expect(refusing).toEqual([]);
  });
});
