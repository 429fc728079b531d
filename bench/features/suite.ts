/** The features suite: training sets against a hand-written ASOF join (the online figures join it later). */
import type { Suite } from '../harness.js';
import { trainingSet } from './training-set.js';

export const featuresSuite: Suite = { name: 'features', scenarios: [trainingSet] };
