import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

// Proves the lint rules that keep libs/ plain TypeScript actually fire (Nx tags + banned imports).
const ROOT = resolve(__dirname, '..', '..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };

interface LintMessage {
  ruleId: string | null;
  message: string;
}

function lint(filePath: string, source: string): LintMessage[] {
  const r = spawnSync(resolve(ROOT, 'node_modules/.bin/eslint'), ['--stdin', '--stdin-filename', filePath, '--format', 'json'], {
    cwd: ROOT,
    input: source,
    encoding: 'utf8',
    env,
  });
  return (JSON.parse(r.stdout) as Array<{ messages: LintMessage[] }>)[0].messages;
}

describe('module boundaries', () => {
  jest.setTimeout(60_000);

  beforeAll(() => {
    // The Nx rule silently skips itself without a cached project graph.
    spawnSync(resolve(ROOT, 'node_modules/.bin/nx'), ['show', 'projects'], { cwd: ROOT, env });
  });

  it('libs may not import NestJS, TypeORM, BullMQ, ioredis or Express', () => {
    const banned = ['@nestjs/common', 'typeorm', 'bullmq', 'ioredis', 'express'];
    const source = banned.map((p, i) => `import * as m${i} from '${p}';`).join('\n') + `\nexport const all = [${banned.map((_, i) => `m${i}`).join(', ')}];\n`;
    for (const file of ['libs/providers/src/core/probe.ts', 'libs/billing/src/probe.ts']) {
      const hits = lint(file, source).filter((m) => m.ruleId === '@nx/enforce-module-boundaries');
      expect(hits.map((m) => m.message)).toEqual(banned.map((p) => expect.stringContaining(`not allowed to import "${p}"`)));
    }
  });

  it('libs may not import an app', () => {
    const hits = lint('libs/billing/src/probe.ts', `import { AppConfig } from '../../../apps/api/src/config/app-config';\nexport const y = AppConfig;\n`);
    expect(hits.some((m) => m.ruleId === '@nx/enforce-module-boundaries')).toBe(true);
  });

  it('libs/providers may not use a vendor SDK', () => {
    const hits = lint('libs/providers/src/openai/probe.ts', `import OpenAI from 'openai';\nexport const y = OpenAI;\n`);
    expect(hits.some((m) => m.ruleId === 'no-restricted-imports')).toBe(true);
  });

  it('a relative import inside a lib is accepted', () => {
    expect(lint('libs/billing/src/probe.ts', `import { x } from './other';\nexport const y = x;\n`)).toEqual([]);
  });
});
