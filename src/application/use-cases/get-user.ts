import { notFound } from '../../domain/errors';
import type { PresenceStatus } from '../../domain/presence';
import { viewOf, type UserView } from '../../domain/user';
import type { UserRepository } from '../ports/user-repository';

/** One user's public profile, with the email only when viewers look at themselves, and their presence when one is given. */
export class GetUser {
  constructor(
    private readonly users: UserRepository,
    private readonly presence?: { lookup(userIds: readonly string[]): Promise<Map<string, PresenceStatus>> },
  ) {}

  async execute(query: { userId: string; viewerId: string | undefined }): Promise<UserView> {
    const user = await this.users.findById(query.userId);
    // A deactivated account is gone as far as other people are concerned.
    if (!user || (!user.active && user.id !== query.viewerId)) throw notFound('The user');
    const view = viewOf(user, query.viewerId);
    if (!this.presence) return view;
    const { online, lastSeenAt } = (await this.presence.lookup([user.id])).get(user.id)!;
    return { ...view, presence: { online, lastSeenAt: lastSeenAt?.toISOString() ?? null } };
  }
}
