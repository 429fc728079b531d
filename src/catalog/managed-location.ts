/**
 * Where managed tables live: `<warehouse>/lake/<schema>/<table>` (or, when that is
 * taken, `<table>.<random>` beside it: see table-creation.ts). Each name part
 * becomes one directory name: lower-case letters, digits, `_` and `-` as they are,
 * every other byte of its UTF-8 as `%XX`. So the mapping is one-to-one, safe on
 * case-insensitive file systems ("Orders" and orders get different directories), and
 * no name can escape the lake root (`.`, `/` and `..` are escaped).
 *
 * The catalog records a managed table's location relative to the lake root, so a
 * warehouse directory can be moved or copied as a whole.
 */
import * as path from 'node:path';
import type { TableName } from './table-name.js';

export function pathSegment(identifier: string): string {
  let out = '';
  for (const char of identifier) {
    if (/^[a-z0-9_-]$/.test(char)) out += char;
    else for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The location of a managed table, relative to the lake root (always with `/`). */
export function managedRelativeLocation(name: TableName): string {
  return `${pathSegment(name.schema)}/${pathSegment(name.table)}`;
}

export function absoluteLocation(lakeRoot: string, relative: string): string {
  return path.join(lakeRoot, ...relative.split('/'));
}

/** Whether `location` (a plain path) is the lake root or inside it. */
export function isInside(lakeRoot: string, location: string): boolean {
  const relative = path.relative(lakeRoot, location);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
