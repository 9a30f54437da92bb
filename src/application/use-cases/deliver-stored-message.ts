import { directParticipants } from '../../domain/conversation';
import type { StoredEvent } from '../ports/event-publisher';
import type { LocalDelivery } from '../ports/local-delivery';
import type { RoomMembersDirectory } from '../ports/room-members-directory';

/**
 * Hands a stored message to this node's sockets of its recipients: the two people of a direct
 * conversation (from its id), or the room's members at least as recent as the membership the
 * store read (`membersVersion`). Throws when the members could not be read: the caller retries.
 */
export class DeliverStoredMessage {
  constructor(
    private readonly rooms: RoomMembersDirectory,
    private readonly delivery: LocalDelivery,
  ) {}

  async execute(event: StoredEvent): Promise<void> {
    this.delivery.deliver(event.message, await this.recipientsOf(event), event.storedAt);
  }

  private async recipientsOf({ message, membersVersion, recipients }: StoredEvent): Promise<readonly string[]> {
    const participants = directParticipants(message.conversationId);
    if (participants) return participants;
    // Written by a version that named the recipients.
    if (recipients) return recipients;
    // A message to a room that did not exist when it was stored reaches nobody.
    if (!message.roomId) return [];
    return this.rooms.membersOf(message.roomId, membersVersion ?? 0);
  }
}
