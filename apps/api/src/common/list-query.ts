import type { Response } from 'express';
import { ApiError } from './api-error';

/** The react-admin simple-rest dialect: ?range=[0,24]&sort=["createdAt","DESC"]&filter={...}. */
export interface ListQuery<F extends string = string> {
  skip: number;
  take: number;
  sortField: string;
  sortOrder: 'ASC' | 'DESC';
  filter: Partial<Record<F | 'id' | 'q', unknown>>;
}

export interface ListOptions<F extends string> {
  sortable: readonly string[];
  filterable: readonly F[];
  defaultSort?: [string, 'ASC' | 'DESC'];
  maxPageSize?: number;
}

function parseJson(name: string, raw: unknown): unknown {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || raw.length > 4096) throw ApiError.badRequest(`Query parameter "${name}" is not valid JSON`);
  try {
    return JSON.parse(raw);
  } catch {
    throw ApiError.badRequest(`Query parameter "${name}" is not valid JSON`);
  }
}

export function parseListQuery<F extends string>(query: Record<string, unknown>, opts: ListOptions<F>): ListQuery<F> {
  const max = opts.maxPageSize ?? 500;
  let skip = 0;
  let take = 25;
  const range = parseJson('range', query.range);
  if (range !== undefined) {
    if (!Array.isArray(range) || range.length !== 2 || !range.every((n) => Number.isSafeInteger(n) && n >= 0) || range[1] < range[0]) {
      throw ApiError.badRequest('Query parameter "range" must be [start, end] with 0 <= start <= end');
    }
    skip = range[0];
    take = Math.min(range[1] - range[0] + 1, max);
  }
  const [defField, defOrder] = opts.defaultSort ?? ['createdAt', 'DESC'];
  let sortField = defField;
  let sortOrder: 'ASC' | 'DESC' = defOrder;
  const sort = parseJson('sort', query.sort);
  if (sort !== undefined) {
    if (!Array.isArray(sort) || sort.length !== 2 || typeof sort[0] !== 'string' || !['ASC', 'DESC'].includes(String(sort[1]).toUpperCase())) {
      throw ApiError.badRequest('Query parameter "sort" must be ["field", "ASC" | "DESC"]');
    }
    if (!opts.sortable.includes(sort[0])) throw ApiError.badRequest(`Cannot sort by "${sort[0]}"; sortable: ${opts.sortable.join(', ')}`);
    sortField = sort[0];
    sortOrder = String(sort[1]).toUpperCase() as 'ASC' | 'DESC';
  }
  const rawFilter = parseJson('filter', query.filter) ?? {};
  if (typeof rawFilter !== 'object' || rawFilter === null || Array.isArray(rawFilter)) throw ApiError.badRequest('Query parameter "filter" must be an object');
  const filter: ListQuery<F>['filter'] = {};
  for (const [k, v] of Object.entries(rawFilter as Record<string, unknown>)) {
    if (k !== 'id' && k !== 'q' && !(opts.filterable as readonly string[]).includes(k)) {
      throw ApiError.badRequest(`Cannot filter by "${k}"; filterable: ${['id', 'q', ...opts.filterable].join(', ')}`);
    }
    filter[k as F] = v;
  }
  return { skip, take, sortField, sortOrder, filter };
}

/** Ids from `filter.id` (react-admin getMany sends an array), validated as UUIDs. */
export function filterIds(filter: { id?: unknown }): string[] | undefined {
  if (filter.id === undefined) return undefined;
  const ids = Array.isArray(filter.id) ? filter.id : [filter.id];
  if (ids.length > 1000 || !ids.every((x) => typeof x === 'string' && UUID.test(x))) throw ApiError.badRequest('filter.id must be one or more ids');
  return ids as string[];
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Sets Content-Range as react-admin expects (the header is exposed by CORS). */
export function setContentRange(res: Response, resource: string, q: { skip: number }, count: number, total: number): void {
  const end = count === 0 ? q.skip : q.skip + count - 1;
  res.setHeader('Content-Range', `${resource} ${q.skip}-${end}/${total}`);
}
