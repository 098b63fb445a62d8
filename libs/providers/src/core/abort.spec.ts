import { AbortLatch } from './abort';

describe('AbortLatch', () => {
  it('runs its listeners once, in order, on the first abort, with the reason kept', () => {
    const latch = new AbortLatch();
    const calls: string[] = [];
    latch.addEventListener('abort', () => calls.push('a'));
    latch.addEventListener('abort', () => calls.push(`b:${latch.aborted}`), { once: true });
    const reason = new Error('gone');
    latch.abort(reason);
    latch.abort(new Error('again'));
    expect(calls).toEqual(['a', 'b:true']);
    expect(latch.aborted).toBe(true);
    expect(latch.reason).toBe(reason);
    expect(latch.listenerCount).toBe(0);
  });

  it('gives a default reason, never runs a removed listener nor one added after the abort', () => {
    const latch = new AbortLatch();
    const removed = jest.fn();
    const late = jest.fn();
    latch.addEventListener('abort', removed);
    latch.removeEventListener('abort', removed);
    latch.removeEventListener('abort', () => undefined); // unknown: no effect
    expect(latch.listenerCount).toBe(0);
    latch.abort();
    latch.addEventListener('abort', late);
    latch.abort();
    expect(removed).not.toHaveBeenCalled();
    expect(late).not.toHaveBeenCalled();
    expect(latch.reason).toBeInstanceOf(Error);
  });

  it('a listener that throws does not stop the others and is reported as a warning', () => {
    const latch = new AbortLatch();
    const after = jest.fn();
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      latch.addEventListener('abort', () => {
        throw new Error('listener broke');
      });
      latch.addEventListener('abort', after);
      expect(() => latch.abort()).not.toThrow();
      expect(after).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledWith(expect.objectContaining({ message: 'listener broke' }), 'AbortLatchListenerError');
    } finally {
      warn.mockRestore();
    }
  });
});
