import { redactDeep } from './redact';

describe('redactDeep', () => {
  it('redacts secret-looking fields at any depth and keeps the rest', () => {
    const out = redactDeep({
      headers: { authorization: 'Bearer sk-live', 'x-api-key': 'tg_abc_def', accept: 'json' },
      body: { apiKey: 'sk-1', nested: { client_secret: 's', password: 'p', refreshToken: 't', model: 'gpt' } },
      providerKey: 'sk-2',
      key: 'k',
      keyId: 'kid-1',
      list: [{ secret: 'x' }],
    }) as Record<string, any>;
    expect(out.headers.authorization).toBe('[REDACTED]');
    expect(out.headers['x-api-key']).toBe('[REDACTED]');
    expect(out.headers.accept).toBe('json');
    expect(out.body.apiKey).toBe('[REDACTED]');
    expect(out.body.nested).toEqual({ client_secret: '[REDACTED]', password: '[REDACTED]', refreshToken: '[REDACTED]', model: 'gpt' });
    expect(out.providerKey).toBe('[REDACTED]');
    expect(out.key).toBe('[REDACTED]');
    expect(out.keyId).toBe('kid-1');
    expect(out.list[0].secret).toBe('[REDACTED]');
  });

  it('does not loop forever on deep objects', () => {
    const deep: Record<string, unknown> = {};
    let cur = deep;
    for (let i = 0; i < 50; i++) cur = cur.next = {} as Record<string, unknown>;
    expect(JSON.stringify(redactDeep(deep))).toContain('[Truncated]');
  });
});
