/**
 * What to do next, as data. A library error names the fix in the library's words
 * (`Pass mergeSchema to add it.`, `registerExternal("main.t", "<location>")`), but the
 * CLI's user has flags and commands instead. So an error whose message names a fix keeps
 * it in `details.remedy` too, and writes the phrase with `libraryPhrase`; an interface
 * finds that exact phrase in the message and puts its own words in its place (the CLI's
 * are in src/cli). API clients get the structured remedy in the error body's details.
 */
export type Remedy =
  /** An option of the call that failed, e.g. `mergeSchema`, `force`. */
  | { readonly kind: 'option'; readonly option: string }
  /** Registering an existing Delta table under a catalog name. */
  | { readonly kind: 'registerTable'; readonly name: string; readonly location?: string }
  /** Creating a schema. */
  | { readonly kind: 'createSchema'; readonly schema: string }
  /** Adding a CHECK constraint the way that checks existing rows. */
  | { readonly kind: 'addConstraint' };

/** The remedy as the library's API names it (what messages contain). */
export function libraryPhrase(remedy: Remedy): string {
  switch (remedy.kind) {
    case 'option':
      return remedy.option;
    case 'registerTable':
      return `registerExternal(${JSON.stringify(remedy.name)}, ${remedy.location ? JSON.stringify(remedy.location) : '<location>'})`;
    case 'createSchema':
      return `createSchema(${JSON.stringify(remedy.schema)})`;
    case 'addConstraint':
      return 'addConstraint';
  }
}

/** The remedy in an error's details, when it has one. */
export function remedyOf(details: Readonly<Record<string, unknown>>): Remedy | undefined {
  const remedy = details.remedy as Partial<Remedy> | undefined;
  if (typeof remedy !== 'object' || remedy === null) return undefined;
  if (remedy.kind === 'option' && typeof remedy.option === 'string') return remedy as Remedy;
  if (remedy.kind === 'registerTable' && typeof remedy.name === 'string') return remedy as Remedy;
  if (remedy.kind === 'createSchema' && typeof remedy.schema === 'string') return remedy as Remedy;
  if (remedy.kind === 'addConstraint') return remedy as Remedy;
  return undefined;
}
