/**
 * `strata demo`: the 3-million-row walkthrough runs (lake, SQL, a model trained in TypeScript,
 * a warehouse for the console), re-runs from a clean state, and never clears a foreign directory.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { strata, tempDir } from './run-cli.js';

describe('strata demo', { timeout: 180_000 }, () => {
  it('loads, appends, time travels and queries, and can run again', async () => {
    const dir = path.join(tempDir('strata-demo-'), 'lake');
    for (let run = 0; run < 2; run++) {
      const { code, stdout, stderr } = await strata(['demo', '--dir', dir]);
      expect({ code, stderr: stderr.replace(/^(creating|writing).*\n/gm, '') }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toMatch(/1\. Created .*flights partitioned by month, with January–March: 1,477,911 rows/);
      expect(stdout).toMatch(/2\. Appended April onwards: 1,522,089 rows .*\(version 1,/);
      expect(stdout).toMatch(/version 0 +1477911 +2001-01-01 00:01:00 +2001-03-31 23:59:00/);
      expect(stdout).toMatch(/latest +3000000 +2001-01-01 00:01:00 +2001-07-01 00:00:00/);
      expect(stdout).toMatch(/WRITE +mode=Append/);
      // Trained on a fixed sample, so the same AUC every run; better than chance on unseen June flights.
      const auc = Number(/AUC (\d\.\d+) on 50,000 June flights/.exec(stdout)?.[1]);
      expect(auc).toBeGreaterThan(0.55);
      expect(stdout).toMatch(/with the table in its catalog as main\.flights/);
      // The feature chapter: a training set of the sampled June flights, both views materialized.
      expect(stdout).toMatch(/training set main\.flight_training: 20,000 June flights/);
      expect(stdout).toMatch(/airport_delays \d+ keys at version 0, route_delays \d+ keys at version 0/);
      // The model chapter: the gate's interval clears its threshold, so the version became champion.
      const gate = /AUC (\d\.\d+) \[(\d\.\d+), (\d\.\d+)\] → passed/.exec(stdout);
      expect(Number(gate?.[2])).toBeGreaterThan(0.6);
      expect(stdout).toMatch(/flight_delays@champion is version 1; .* P\(late\) = 0\.\d+/);
      expect(stdout).toMatch(/strata up --warehouse .* --insecure-local/);
    }
    // The demo directory is a warehouse whose catalog names the table.
    const counted = await strata(['sql', '--warehouse', dir, 'SELECT count(*) AS n FROM flights']);
    expect(counted).toMatchObject({ code: 0, stdout: expect.stringMatching(/3000000/) });
    expect(existsSync(path.join(dir, 'flights', '_delta_log', '00000000000000000002.json'))).toBe(false);
  });

  it('refuses to empty a directory it did not create', async () => {
    const dir = tempDir('strata-demo-');
    mkdirSync(path.join(dir, 'mine'));
    writeFileSync(path.join(dir, 'mine', 'keep.txt'), 'precious');
    const run = await strata(['demo', '--dir', path.join(dir, 'mine')]);
    expect(run).toMatchObject({ code: 1, stderr: expect.stringContaining('is not a Strata demo directory') });
    expect(existsSync(path.join(dir, 'mine', 'keep.txt'))).toBe(true);
  });
});
