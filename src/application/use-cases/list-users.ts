import type { PublicUser } from '../../domain/user';
import type { Page } from '../ports/page';
import type { UserRepository } from '../ports/user-repository';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** The user directory: a prefix search on usernames, a page at a time, in username order. */
export class ListUsers {
  constructor(private readonly users: UserRepository) {}

  async execute(query: { search?: string; limit?: number; cursor?: string }): Promise<Page<PublicUser>> {
    const limit = Math.min(Math.max(query.limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
    return this.users.list({ search: query.search || undefined, limit, cursor: query.cursor || undefined });
  }
}
