/** The grant form's text fields as the API wants them. */
export type GrantRole = 'writer' | 'reader';

/** `id, region` → ['id', 'region']; blank → null (every column). Duplicates are dropped. */
export function parseColumns(text: string): string[] | null {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  return names.length === 0 ? null : [...new Set(names)];
}
