/**
 * Grants on feature views, by source table: a view is what its source table is to the
 * principal. A principal with grants reads a view only if it may read the source
 * table, every feature and join key it asks for is among the columns its grant shows,
 * and the grant has no row filter (a SQL predicate over source rows cannot be judged on
 * materialized feature rows, so such a view is refused with 403 rather than served
 * unfiltered). Otherwise the view is invisible: answered exactly as a view that does not
 * exist (404, no names suggested). Views over SQL sources read several tables the plan
 * does not name, so only principals without grants (admins, ungranted roles) see them.
 * Pushes ask the same of write access.
 */
import { isStrataError } from '../../core/index.js';
import { FeatureNotFoundError, type ServedView } from '../../features/index.js';
import type { ApiContext } from '../api-context.js';
import { ForbiddenError, type Principal } from '../../catalog/index.js';

export async function checkViewAccess(
  ctx: ApiContext,
  principal: Principal,
  views: readonly Pick<ServedView, 'view' | 'source' | 'joinKeys' | 'features'>[],
  mode: 'read' | 'write',
): Promise<void> {
  if (principal.grants === null) return;
  for (const view of views) {
    const hidden = () => new FeatureNotFoundError(`feature view ${view.view}`, []);
    if (view.source.kind !== 'table') throw hidden();
    let access;
    try {
      access = await ctx.tables.access(principal, view.source.table, mode);
    } catch (error) {
      if (isStrataError(error, 'CATALOG_TABLE_NOT_FOUND')) throw hidden();
      throw error;
    }
    if (access.rowFilter !== null)
      throw new ForbiddenError(
        `Feature view ${view.view}: the grant on ${access.table.name} filters its rows, which online features cannot honour; ask for a grant without a row filter.`,
        { view: view.view },
      );
    const columns = access.columns;
    if (columns !== null)
      for (const name of [...view.joinKeys, ...view.features])
        if (!columns.includes(name)) throw new FeatureNotFoundError(`feature ${view.view}:${name}`, []);
  }
}
