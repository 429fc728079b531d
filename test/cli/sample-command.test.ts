/** `strata sample`: writes the README's data set, and never overwrites files without --force. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { strata, tempDir } from './run-cli.js';

describe('strata sample', () => {
  it('writes the files, refuses to overwrite them, and overwrites them with --force', async () => {
    const dir = tempDir('strata-sample-');
    const first = await strata(['sample'], { cwd: dir });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('wrote sample/orders-2026-01.csv (600 rows)');
    const orders = readFileSync(path.join(dir, 'sample', 'orders-2026-01.csv'), 'utf8');
    expect(orders.split('\n')[0]).toBe('id,customer_id,region,day,amount');

    const again = await strata(['sample'], { cwd: dir });
    expect(again).toMatchObject({ code: 1, stderr: expect.stringContaining('pass --force to overwrite them') });
    expect(await strata(['sample', '--force'], { cwd: dir })).toMatchObject({ code: 0 });
    expect(readFileSync(path.join(dir, 'sample', 'orders-2026-01.csv'), 'utf8')).toBe(orders);
  });
});
