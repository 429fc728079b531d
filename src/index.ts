/** Strata's library entry point: the public API of each module. */
export * from './core/index.js';
export * from './storage/index.js';
export * from './lake/index.js';
export * from './engine/index.js';
export * from './meta/index.js';
export * from './catalog/index.js';
export * from './flows/index.js';
export * from './features/index.js';
