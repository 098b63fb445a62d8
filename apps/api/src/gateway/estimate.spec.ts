import { estimatePromptTokens, estimateTextTokens, quickPromptEstimate, quickTextEstimate } from './estimate';

const SAMPLES: Record<string, string> = {
  english: 'The quick brown fox jumps over the lazy dog while the gateway meters every token it forwards. '.repeat(20),
  code: 'function add(a: number, b: number): number {\n  return a + b; // sum\n}\nconst xs = [1, 2, 3].map((x) => add(x, 2));\n'.repeat(20),
  json: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'lookup', parameters: {} } }] }).repeat(20),
  chinese: '计费网关为每个请求记录输入和输出的令牌数量，并按照价格目录计算成本。'.repeat(20),
  japanese: 'ゲートウェイはすべてのリクエストのトークン数を記録し、価格表から費用を計算します。'.repeat(20),
  russian: 'Шлюз учитывает каждый токен запроса и ответа и считает стоимость по каталогу цен. '.repeat(20),
  emoji: '🚀✨🔥 usage 📈 '.repeat(40),
};

describe('the admission token guess (no tokenizer on the hot path)', () => {
  it.each(Object.keys(SAMPLES))('is never below the tokenizer for %s text, and within 3x of it', (kind) => {
    const text = SAMPLES[kind];
    const exact = estimateTextTokens(text);
    const quick = quickTextEstimate(text);
    expect(quick).toBeGreaterThanOrEqual(exact);
    expect(quick).toBeLessThanOrEqual(exact * 3);
  });

  it('covers a whole prompt, tool calls included, from above', () => {
    const messages = [
      { role: 'system', content: SAMPLES.english },
      { role: 'user', content: [{ type: 'text', text: SAMPLES.chinese }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: SAMPLES.json } }] },
    ] as never;
    expect(quickPromptEstimate(messages)).toBeGreaterThanOrEqual(estimatePromptTokens(messages));
  });

  it('counts nothing for empty text', () => {
    expect(quickTextEstimate('')).toBe(0);
    expect(quickPromptEstimate([])).toBe(3);
  });
});
