import { DomainError, validationFailed } from '../../domain/errors';
import { passwordIssues, type Role, type User } from '../../domain/user';
import type { IdGenerator } from '../ports/id-generator';
import type { PasswordHasher } from '../ports/password-hasher';
import type { RegistrationThrottle } from '../ports/registration-throttle';
import type { UserRepository } from '../ports/user-repository';

export interface Registration {
  username: string;
  email: string;
  password: string;
  role?: Role;
  /** The visitor's address, counted by the throttle; the admin CLI has none and is not throttled. */
  clientIp?: string;
}

const tooManySignUps = (seconds: number) =>
  new DomainError('too_many_attempts', 'Too many sign-ups from this address; try again later.', { retryAfterSeconds: seconds });

/** Opens an account. The caller decides what follows (a session for a visitor, nothing for the admin CLI). */
export class RegisterUser {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly ids: IdGenerator,
    private readonly throttle?: RegistrationThrottle,
  ) {}

  async execute(registration: Registration): Promise<User> {
    const issues = passwordIssues(registration.password);
    if (issues.length > 0) throw validationFailed(issues);

    // Counted before the hash: a burst from one address gets its allowance hashed and no more.
    if (registration.clientIp !== undefined && this.throttle) {
      const wait = await this.throttle.take(registration.clientIp);
      if (wait !== null) throw tooManySignUps(wait);
    }

    const passwordHash = await this.hasher.hash(registration.password);
    // Uniqueness is the database's to decide: a check first would race a concurrent registration.
    return this.users.create({
      id: this.ids.next(),
      username: registration.username,
      email: registration.email,
      passwordHash,
      role: registration.role ?? 'user',
    });
  }
}
