import { buildHandlerTable } from './job-registry';
import { JobName } from './queue.constants';

const handler = async (): Promise<void> => undefined;
const all = () => Object.values(JobName).map((name) => ({ name, owner: `Owner.${name}`, handler }));

describe('buildHandlerTable', () => {
  it('maps every job name to its single handler', () => {
    const table = buildHandlerTable(all());
    expect([...table.keys()].sort()).toEqual(Object.values(JobName).sort());
  });

  it('refuses to boot when a job has no handler', () => {
    expect(() => buildHandlerTable(all().slice(1))).toThrow(/has no handler/);
  });

  it('refuses to boot when a job has two handlers', () => {
    const list = all();
    expect(() => buildHandlerTable([...list, { ...list[0], owner: 'Other.handle' }])).toThrow(/has 2 handlers \(.*Other\.handle\)/);
  });

  it('refuses a handler for an unknown job', () => {
    expect(() => buildHandlerTable([...all(), { name: 'nope.do', owner: 'X.y', handler }])).toThrow(/unknown job "nope.do"/);
  });
});
