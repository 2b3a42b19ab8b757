import { badRequest } from './graph-error';
import { FilterSyntaxError, parseFilter, type Predicate } from './odata-filter';

export interface QueryOptions {
  select?: string[];
  top?: number;
  skip: number;
  orderBy?: { field: string; desc: boolean };
  filter?: Predicate;
  expand?: string;
}

/** Reads $select/$top/$skip/$orderby/$filter/$expand (keys case-insensitive, with or without "$"). */
export function parseQueryOptions(query: Record<string, string | undefined>, maxTop = 1000): QueryOptions {
  const get = (name: string): string | undefined => {
    for (const [k, v] of Object.entries(query))
      if (k.toLowerCase() === `$${name}` || k.toLowerCase() === name) return v;
    return undefined;
  };
  const select = get('select')
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const topRaw = get('top');
  const top = topRaw === undefined ? undefined : Number(topRaw);
  if (top !== undefined && (!Number.isInteger(top) || top < 0))
    throw badRequest(`Invalid value '${topRaw}' for $top.`, 'BadRequest');
  const skip = Number(get('skip') ?? '0');
  let orderBy: QueryOptions['orderBy'];
  const orderRaw = get('orderby');
  if (orderRaw) {
    const [field, dir] = orderRaw.trim().split(/\s+/);
    orderBy = { field: field ?? 'receivedDateTime', desc: (dir ?? 'asc').toLowerCase() === 'desc' };
  }
  let filter: Predicate | undefined;
  const filterRaw = get('filter');
  if (filterRaw) {
    try {
      filter = parseFilter(filterRaw);
    } catch (err) {
      if (err instanceof FilterSyntaxError) throw badRequest(`Invalid filter clause: ${err.message}.`, 'BadRequest');
      throw err;
    }
  }
  return {
    select,
    top: top === undefined ? undefined : Math.min(top, maxTop),
    skip: Number.isInteger(skip) && skip > 0 ? skip : 0,
    orderBy,
    filter,
    expand: get('expand'),
  };
}

/** Sorts a copy by the given field (ISO dates and strings compare lexically, which is chronological for ISO). */
export function sortBy<T extends object>(items: T[], order: { field: string; desc: boolean }): T[] {
  const key = order.field;
  return [...items].sort((a, b) => {
    const av = String((a as Record<string, unknown>)[key] ?? '');
    const bv = String((b as Record<string, unknown>)[key] ?? '');
    const cmp = av < bv ? -1 : av > bv ? 1 : 0;
    return order.desc ? -cmp : cmp;
  });
}

/** Projects an object on $select (case-insensitive), always keeping id and @odata.etag. */
export function project(
  full: Record<string, unknown>,
  select: string[] | undefined,
  defaults: readonly string[],
): Record<string, unknown> {
  const wanted = select && select.length ? select : defaults;
  const out: Record<string, unknown> = {};
  if ('@odata.etag' in full) out['@odata.etag'] = full['@odata.etag'];
  out.id = full.id;
  for (const name of wanted) {
    const key = Object.keys(full).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key) out[key] = full[key];
  }
  return out;
}

/** Rebuilds a request URL with some query options replaced (for @odata.nextLink). */
export function linkWith(
  base: string,
  query: Record<string, string | undefined>,
  replace: Record<string, string | undefined>,
): string {
  const merged: Record<string, string | undefined> = { ...query };
  for (const [k, v] of Object.entries(replace)) {
    for (const existing of Object.keys(merged)) if (existing.toLowerCase() === k.toLowerCase()) delete merged[existing];
    merged[k] = v;
  }
  const qs = Object.entries(merged)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  return qs ? `${base}?${qs}` : base;
}
