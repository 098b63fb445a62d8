import { JobName } from './queue.constants';

export type Handler = (data: unknown, meta: { jobId: string; attemptsMade: number }) => Promise<void>;

export interface FoundHandler {
  name: string;
  owner: string;
  handler: Handler;
}

/** Builds the job → handler table; refuses a job with no handler, two handlers, or an unknown name. */
export function buildHandlerTable(found: FoundHandler[]): Map<JobName, Handler> {
  const known = new Set<string>(Object.values(JobName));
  const byName = new Map<string, FoundHandler[]>();
  for (const f of found) byName.set(f.name, [...(byName.get(f.name) ?? []), f]);
  const problems: string[] = [];
  for (const name of known) {
    const list = byName.get(name) ?? [];
    if (list.length === 0) problems.push(`job "${name}" has no handler`);
    if (list.length > 1) problems.push(`job "${name}" has ${list.length} handlers (${list.map((f) => f.owner).join(', ')})`);
  }
  for (const name of byName.keys()) if (!known.has(name)) problems.push(`handler for unknown job "${name}"`);
  if (problems.length > 0) throw new Error(`worker refuses to boot: ${problems.join('; ')}`);
  return new Map([...byName].map(([name, list]) => [name as JobName, list[0].handler]));
}
