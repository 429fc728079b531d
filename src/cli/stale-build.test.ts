import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { staleBuildWarning } from './stale-build.js';

/** A checkout with dist/cli/main.js built at t=2000 s and one source file modified at `sourceTime`. */
function checkout(sourceTime: number, withSrc = true): string {
  const root = mkdtempSync(path.join(tmpdir(), 'stale-build-'));
  mkdirSync(path.join(root, 'dist', 'cli'), { recursive: true });
  const main = path.join(root, 'dist', 'cli', 'main.js');
  writeFileSync(main, '');
  utimesSync(main, 2000, 2000);
  if (withSrc) {
    mkdirSync(path.join(root, 'src', 'lake'), { recursive: true });
    for (const [file, time] of [
      ['src/lake/old.ts', 1000],
      ['src/lake/edited.ts', sourceTime],
      ['src/lake/edited.test.ts', 3000], // tests are not built: never a reason
    ] as const) {
      writeFileSync(path.join(root, file), '');
      utimesSync(path.join(root, file), time, time);
    }
  }
  return root;
}

const mainOf = (root: string) => pathToFileURL(path.join(root, 'dist', 'cli', 'main.js')).href;

describe('staleBuildWarning', () => {
  it('names the newer source file and says to run npm run build', async () => {
    const root = checkout(2500);
    const warning = await staleBuildWarning(mainOf(root));
    expect(warning).toContain(path.join('src', 'lake', 'edited.ts'));
    expect(warning).toContain('npm run build');
  });

  it('says nothing when the build is newer than every source file, or there is no src/', async () => {
    expect(await staleBuildWarning(mainOf(checkout(1500)))).toBeUndefined();
    expect(await staleBuildWarning(mainOf(checkout(2500, false)))).toBeUndefined();
  });

  it('says nothing when the source itself runs (tsx)', async () => {
    const root = checkout(2500);
    expect(await staleBuildWarning(pathToFileURL(path.join(root, 'src', 'cli', 'main.ts')).href)).toBeUndefined();
  });
});
