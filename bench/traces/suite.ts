/** The traces suite: learned durations and prediction-driven scheduling on real WfCommons executions. */
import type { Suite } from '../harness.js';
import { durationAccuracy } from './duration-accuracy.js';
import { jctStream } from './jct-stream.js';
import { makespanRatios } from './makespan-ratios.js';
import { spotCost } from './spot-cost.js';

export const tracesSuite: Suite = {
  name: 'traces',
  scenarios: [durationAccuracy, makespanRatios, jctStream, spotCost],
};
