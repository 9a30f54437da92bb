import type { PublicUser, Role, User } from '../../domain/user';
import type { Page } from './page';

export interface NewUser {
  id: string;
  username: string;
  email: string;
  passwordHash: string;
  role: Role;
}


/** Where accounts live. Lookups by username and email ignore case. */
export interface UserRepository {
  /** Inserts the user; throws username_taken / email_taken when either is already used. */
  create(user: NewUser): Promise<User>;
  findById(id: string): Promise<User | null>;
  /** Whether the account exists, active or not. Accounts are never deleted, so a yes stays a yes. */
  exists(id: string): Promise<boolean>;
  /** Finds by username or by email (whichever the login matches), ignoring case, with the stored hash. */
  findForLogin(login: string): Promise<{ user: User; passwordHash: string } | null>;
  /** Users whose username starts with `search`, ordered by username, after `cursor`. */
  list(query: { search?: string; limit: number; cursor?: string }): Promise<Page<PublicUser>>;
  setActive(id: string, active: boolean): Promise<User | null>;
}
