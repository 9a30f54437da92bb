import type { Message } from '../../../domain/message';
import type { Room } from '../../../domain/room';
import { z } from './zod';

/** Request and response shapes of the messaging endpoints: they validate input and generate the OpenAPI document. */
const Uuid = z.uuid().openapi({ example: '01936f3e-8a4b-7c2d-9e1f-0a1b2c3d4e5f' });
const RoomName = z.string().max(64).openapi({ example: 'general', description: '1-64 of letters, digits, _ and -; unique ignoring case' });

export const Recipient = z
  .union([z.object({ userId: Uuid }).strict(), z.object({ room: RoomName.min(1) }).strict()])
  .openapi('Recipient', { description: 'A user (direct message) or a room' });

export const SendMessageBody = z
  .object({
    to: Recipient,
    body: z.string().openapi({ description: '1-4000 code points after trimming; no U+0000', example: 'hello' }),
    clientMessageId: z.string().min(1).max(128).optional().openapi({ description: 'Makes retries safe: the same id from the same sender is accepted once' }),
  })
  .openapi('SendMessage');

export const MessageSchema = z
  .object({
    id: Uuid,
    conversationId: z.string().openapi({ example: 'room:general' }),
    seq: z.number().int().nullable().openapi({ description: 'Position in the conversation (1, 2, 3 …); null until stored' }),
    sender: z.object({ id: Uuid, username: z.string() }),
    to: Recipient,
    body: z.string(),
    clientMessageId: z.string().optional(),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Message');

export const RoomSchema = z
  .object({ id: Uuid, name: RoomName, createdBy: Uuid, createdAt: z.string().openapi({ format: 'date-time' }) })
  .openapi('Room');

export const CreateRoomBody = z.object({ name: z.string() }).openapi('CreateRoom');
export const MessageIdParams = z.object({ id: Uuid });
export const UserIdParams = z.object({ userId: Uuid });
export const RoomNameParams = z.object({ name: RoomName });

export const historyQuery = (defaultLimit: number, maxLimit: number) =>
  z.object({
    before: z.coerce.number().int().min(1).optional().openapi({ description: 'The nextCursor of the previous page' }),
    limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit),
  });
export const roomListQuery = (defaultLimit: number, maxLimit: number) =>
  z.object({
    search: z.string().max(64).optional().openapi({ description: 'Name prefix, ignoring case' }),
    cursor: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit),
  });

export const pageOf = <T extends z.ZodType>(item: T, cursor: z.ZodType) => z.object({ items: z.array(item), nextCursor: cursor.nullable() });

export const presentMessage = (message: Message) => ({
  id: message.id,
  conversationId: message.conversationId,
  seq: message.seq,
  sender: { id: message.sender.id, username: message.sender.username },
  to: message.to,
  body: message.body,
  ...(message.clientMessageId === undefined ? {} : { clientMessageId: message.clientMessageId }),
  createdAt: message.createdAt.toISOString(),
});

export const presentRoom = (room: Room) => ({ id: room.id, name: room.name, createdBy: room.createdBy, createdAt: room.createdAt.toISOString() });
