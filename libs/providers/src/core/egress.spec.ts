import { guardedLookup, isPrivateAddress } from './egress';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::10.0.0.1',
    '[::1]',
    'not-an-ip',
  ])('%s is blocked', (ip) => expect(isPrivateAddress(ip)).toBe(true));

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '172.32.0.1'])('%s is allowed', (ip) =>
    expect(isPrivateAddress(ip)).toBe(false),
  );
});

describe('guardedLookup', () => {
  it('refuses a hostname resolving to loopback', (done) => {
    guardedLookup('localhost', {}, (err) => {
      expect(err).toMatchObject({ code: 'TOLLGATE_EGRESS_BLOCKED' });
      done();
    });
  });
});
