import { DomainError, notFound } from '../../domain/errors';
import type { Role } from '../../domain/user';
import type { EventPublisher } from '../ports/event-publisher';
import type { SessionRevoker } from '../ports/session-revoker';
import type { UserRepository } from '../ports/user-repository';

/**
 * An admin switches an account off: no more logins, every session ended, every socket closed
 * (by the announcement, or at the sockets' next session re-check when Kafka is down).
 */
export class DeactivateUser {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRevoker,
    private readonly publisher: EventPublisher,
  ) {}

  async execute(request: { actor: { id: string; role: Role }; userId: string }): Promise<{ announced: boolean }> {
    if (request.actor.role !== 'admin') throw new DomainError('forbidden', 'Only an admin can deactivate accounts.');
    if (request.actor.id === request.userId) {
      throw new DomainError('forbidden', 'An admin cannot deactivate their own account.');
    }

    const user = await this.users.setActive(request.userId, false);
    if (!user) throw notFound('The user');

    await this.sessions.revokeAllForUser(user.id);
    try {
      await this.publisher.publish({ type: 'user.deactivated', userId: user.id });
      return { announced: true };
    } catch {
      return { announced: false };
    }
  }
}
