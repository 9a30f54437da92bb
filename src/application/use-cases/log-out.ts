import { sessionKeyOf } from '../../domain/session';
import type { EventPublisher } from '../ports/event-publisher';
import type { SessionRevoker } from '../ports/session-revoker';

/** Ends one session: its row goes, and every node closes the WebSockets opened with it. */
export class LogOut {
  constructor(
    private readonly sessions: SessionRevoker,
    private readonly publisher: EventPublisher,
  ) {}

  async execute(session: { sessionId: string; userId: string }): Promise<void> {
    await this.sessions.revoke(session.sessionId);
    await this.publisher.publish({
      type: 'session.revoked',
      sessionKey: sessionKeyOf(session.sessionId),
      userId: session.userId,
    });
  }
}
