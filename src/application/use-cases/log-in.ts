import { DomainError } from '../../domain/errors';
import { accountDeactivated, invalidCredentials, type User } from '../../domain/user';
import type { LoginThrottle, ThrottleKeys } from '../ports/login-throttle';
import type { PasswordHasher } from '../ports/password-hasher';
import type { UserRepository } from '../ports/user-repository';

export interface LoginAttempt {
  /** A username or an email. */
  login: string;
  password: string;
  clientIp: string;
}

const tooManyAttempts = (seconds: number) =>
  new DomainError('too_many_attempts', 'Too many failed logins; try again later.', { retryAfterSeconds: seconds });

/** Checks a username (or email) and password, throttling guessers per account and per address. */
export class LogIn {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
  ) {}

  async execute(attempt: LoginAttempt): Promise<User> {
    const found = await this.users.findForLogin(attempt.login);
    // The account, not the login string: its username and its email count as one. A login that
    // names no account counts under its own name, so throttling does not reveal who exists.
    const keys: ThrottleKeys = { account: found?.user.id ?? `login:${attempt.login.toLowerCase()}`, ip: attempt.clientIp };
    const wait = await this.throttle.begin(keys);
    if (wait !== null) throw tooManyAttempts(wait);

    // Without an account the dummy comparison still runs, so timing does not reveal who exists.
    const matches = found
      ? await this.hasher.verify(attempt.password, found.passwordHash)
      : await this.hasher.verifyAgainstDummy(attempt.password);
    // A failure stays counted: begin() counted it already.
    if (!found || !matches) throw invalidCredentials();

    await this.throttle.succeeded(keys);
    // Only someone who knows the password learns that the account is deactivated.
    if (!found.user.active) throw accountDeactivated();
    return found.user;
  }
}
