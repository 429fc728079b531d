/**
 * Errors in the CLI's words. Library errors name their fix as the library's API does
 * (`Pass mergeSchema`, `registerExternal(...)`) and keep it as data (`details.remedy`);
 * here that phrase becomes the flag or command a CLI user has.
 */
import { libraryPhrase, remedyOf, type Remedy, type StrataError } from '../core/index.js';

const kebab = (option: string) => option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The remedy as the `strata` command names it. */
export function cliPhrase(remedy: Remedy): string {
  switch (remedy.kind) {
    case 'option':
      return `--${kebab(remedy.option)}`;
    case 'registerTable':
      return `\`strata table register ${remedy.name} ${remedy.location ?? '<location>'}\``;
    case 'createSchema':
      return `\`strata sql "CREATE SCHEMA ${remedy.schema}"\``;
    case 'addConstraint':
      return '`strata sql "ALTER TABLE <table> ADD CONSTRAINT <name> CHECK (<condition>)"`';
  }
}

/** The error's message with its remedy in CLI words. */
export function cliMessage(error: StrataError): string {
  const remedy = remedyOf(error.details);
  return remedy ? error.message.split(libraryPhrase(remedy)).join(cliPhrase(remedy)) : error.message;
}
