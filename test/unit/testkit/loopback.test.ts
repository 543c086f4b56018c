import { describe, expect, it } from 'vitest';
import { hostMatcher, isLoopbackAddress } from '../../../testkit/loopback.ts';

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.0.0.2', '127.255.255.254', '::1', '0:0:0:0:0:0:0:1', 'localhost', 'LOCALHOST'])(
    'takes %s for this machine’s loopback',
    (address) => expect(isLoopbackAddress(address)).toBe(true),
  );

  it.each(['127.attacker.example', '127.0.0.1.nip.io', '0.0.0.0', '::', '192.0.2.1', '::2', '[::1]', 'localhost.'])(
    'does not take %s for loopback: a name that only looks like it resolves where its owner says',
    (address) => expect(isLoopbackAddress(address)).toBe(false),
  );
});

describe('hostMatcher', () => {
  const accepts = hostMatcher(['127.0.0.1', 'localhost', '::1', 'mybox.test:8080'], 4321);

  it('accepts a name on the port it listens on, IPv6 in brackets, in any case', () => {
    for (const host of ['127.0.0.1:4321', 'LocalHost:4321', '[::1]:4321'])
      expect([host, accepts(host)]).toEqual([host, true]);
  });

  it('accepts a name given with a port of its own on that port only (a forwarded port)', () => {
    expect(accepts('mybox.test:8080')).toBe(true);
    expect(accepts('mybox.test:4321')).toBe(false);
  });

  it('takes a Host without a port for port 80, as a browser or a proxy in front sends it', () => {
    const behindProxy = hostMatcher(['mybox.app.github.dev:80', 'mybox.test:8080'], 4321);
    expect(behindProxy('mybox.app.github.dev')).toBe(true);
    expect(behindProxy('mybox.app.github.dev:80')).toBe(true);
    expect(behindProxy('mybox.test')).toBe(false);
    const onPort80 = hostMatcher(['localhost'], 80);
    expect([onPort80('localhost'), onPort80('localhost:80')]).toEqual([true, true]);
  });

  it.each([
    undefined,
    '',
    'localhost',
    'localhost:80',
    'localhost:43210',
    '127.0.0.1:4321.evil.example',
    'evil.example:4321',
  ])('refuses %j', (host) => expect(accepts(host)).toBe(false));
});
