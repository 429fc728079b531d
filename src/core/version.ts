import { readFileSync } from 'node:fs';

/** Strata's package version, read once from package.json (written into commitInfo.engineInfo). */
export const STRATA_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export const ENGINE_INFO = `strata/${STRATA_VERSION}`;
