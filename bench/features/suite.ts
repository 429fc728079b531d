/** The features suite: training sets against a hand-written ASOF join; the online stores' reads beside a plain Redis MGET; materialization, incremental beside full; serving over HTTP. */
import type { Suite } from '../harness.js';
import { materializeScenario } from './materialize.js';
import { onlineRead } from './online-read.js';
import { onlineServing } from './online-serving.js';
import { trainingSet } from './training-set.js';

export const featuresSuite: Suite = {
  name: 'features',
  scenarios: [trainingSet, onlineRead, materializeScenario, onlineServing],
};
