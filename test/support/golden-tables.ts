/**
 * The Delta conformance tables in ../shared (read-only there), and writable copies of
 * them for tests that change a table.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const GOLDEN = path.resolve(import.meta.dirname, '../../../shared/conformance/delta-golden');

/** A writable copy of `<case>/delta` in a new temp directory; returns its path. */
export async function copyGoldenTable(name: string, prefix = 'strata-golden-'): Promise<string> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), prefix));
  await fs.cp(path.join(GOLDEN, name, 'delta'), dir, { recursive: true });
  await makeWritable(dir);
  return dir;
}

async function makeWritable(dir: string): Promise<void> {
  await fs.chmod(dir, 0o755);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(full);
    else await fs.chmod(full, 0o644);
  }
}
