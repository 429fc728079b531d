/** The features suite: training sets against a hand-written ASOF join; the online stores' reads beside a plain Redis MGET; serving over HTTP. */
import type { Suite } from '../harness.js';
import { onlineRead } from './online-read.js';
import { onlineServing } from './online-serving.js';
import { trainingSet } from './training-set.js';

export const featuresSuite: Suite = { name: 'features', scenarios: [trainingSet, onlineRead, onlineServing] };
