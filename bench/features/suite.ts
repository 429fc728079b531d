/** The features suite: the online stores' read latency beside a plain Redis MGET. */
import type { Suite } from '../harness.js';
import { onlineRead } from './online-read.js';

export const featuresSuite: Suite = {
  name: 'features',
  scenarios: [onlineRead],
};
