import type { Message } from '../domain/message';

/** A message as clients see it, over HTTP and in WebSocket `message` and `ack` frames alike. */
export interface PresentedMessage {
  id: string;
  conversationId: string;
  seq: number | null;
  sender: { id: string; username: string };
  to: Message['to'];
  body: string;
  clientMessageId?: string;
  createdAt: string;
}

/**
 * The one presenter of a message: both transports send exactly these fields, in this order.
 * `roomId` (how the store and the fan-out find the room) is internal and left out: clients name rooms.
 */
export const presentMessage = (message: Message): PresentedMessage => ({
  id: message.id,
  conversationId: message.conversationId,
  seq: message.seq,
  sender: { id: message.sender.id, username: message.sender.username },
  to: message.to,
  body: message.body,
  ...(message.clientMessageId === undefined ? {} : { clientMessageId: message.clientMessageId }),
  createdAt: message.createdAt.toISOString(),
});
