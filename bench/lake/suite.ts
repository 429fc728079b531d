/** The lake suite: the figures issue 2 asks of Delta tables (append overhead, snapshot load, concurrent commits). */
import type { Suite } from '../harness.js';
import { appendOverhead } from './append-overhead.js';
import { concurrentCommits } from './concurrent-commits.js';
import { snapshotLoad } from './snapshot-load.js';

export const lakeSuite: Suite = {
  name: 'lake',
  scenarios: [appendOverhead, snapshotLoad, concurrentCommits],
};
