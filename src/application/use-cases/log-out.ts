import { sessionKeyOf } from '../../domain/session';
import type { EventPublisher } from '../ports/event-publisher';
import type { SessionRevoker } from '../ports/session-revoker';

/**
 * Ends one session: its row goes first, so the session is over whatever happens next; then
 * every node is told to close the WebSockets opened with it. When that announcement cannot
 * be made (Kafka down), the sockets still close at their next session re-check: `announced`
 * says which way it went. Logging out must work while Kafka is down.
 */
export class LogOut {
  constructor(
    private readonly sessions: SessionRevoker,
    private readonly publisher: EventPublisher,
  ) {}

  async execute(session: { sessionId: string; userId: string }): Promise<{ announced: boolean }> {
    await this.sessions.revoke(session.sessionId);
    try {
      await this.publisher.publish({ type: 'session.revoked', sessionKey: sessionKeyOf(session.sessionId), userId: session.userId });
      return { announced: true };
    } catch {
      return { announced: false };
    }
  }
}
