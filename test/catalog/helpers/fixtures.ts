import type { StructType } from '../../../src/lake/index.js';

/** A small schema for tables whose contents do not matter. */
export const PEOPLE: StructType = {
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: false, metadata: {} },
    { name: 'name', type: 'string', nullable: true, metadata: {} },
    { name: 'day', type: 'date', nullable: true, metadata: {} },
  ],
};
