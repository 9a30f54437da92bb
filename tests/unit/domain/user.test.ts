import { passwordIssues, viewOf, type User } from '../../../src/domain/user';
import { sessionKeyOf, sessionOutlived } from '../../../src/domain/session';

const user: User = {
  id: 'u1',
  username: 'alice',
  email: 'alice@example.com',
  role: 'user',
  active: true,
  createdAt: new Date('2026-11-23T00:00:00Z'),
};

describe('password rules', () => {
  it('when shorter than 8 characters, then refused', () => {
    expect(passwordIssues('1234567')).toEqual([{ field: 'password', message: expect.stringMatching(/at least 8/) }]);
  });

  it('when 8 multi-byte characters, then accepted (the minimum counts characters, not bytes)', () => {
    expect(passwordIssues('ééééééé€')).toEqual([]);
  });

  it('when 72 bytes exactly, then accepted; at 73 bytes, then refused', () => {
    expect(passwordIssues('a'.repeat(72))).toEqual([]);
    expect(passwordIssues(`${'a'.repeat(71)}é`)).toEqual([{ field: 'password', message: expect.stringMatching(/72 bytes/) }]);
  });
});

describe('what a viewer sees of a user', () => {
  it('when viewing oneself, then the email is included', () => {
    expect(viewOf(user, 'u1')).toEqual({ id: 'u1', username: 'alice', email: 'alice@example.com', createdAt: '2026-11-23T00:00:00.000Z' });
  });

  it('when viewing someone else or anonymously, then no email', () => {
    expect(viewOf(user, 'u2')).not.toHaveProperty('email');
    expect(viewOf(user, undefined)).not.toHaveProperty('email');
  });
});

describe('session lifetime and keys', () => {
  it('when younger than the maximum age, then alive; at or past it, then outlived', () => {
    expect(sessionOutlived(1_000, 1_999, 1_000)).toBe(false);
    expect(sessionOutlived(1_000, 2_000, 1_000)).toBe(true);
  });

  it('when the login time is not a number, then outlived', () => {
    expect(sessionOutlived(Number.NaN, 0, 1_000)).toBe(true);
  });

  it('when hashing a session id, then the key is its SHA-256 in hex', () => {
    expect(sessionKeyOf('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
