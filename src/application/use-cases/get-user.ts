import { notFound } from '../../domain/errors';
import { viewOf, type UserView } from '../../domain/user';
import type { UserRepository } from '../ports/user-repository';

/** One user's public profile, with the email only when viewers look at themselves. */
export class GetUser {
  constructor(private readonly users: UserRepository) {}

  async execute(query: { userId: string; viewerId: string | undefined }): Promise<UserView> {
    const user = await this.users.findById(query.userId);
    // A deactivated account is gone as far as other people are concerned.
    if (!user || (!user.active && user.id !== query.viewerId)) throw notFound('The user');
    return viewOf(user, query.viewerId);
  }
}
