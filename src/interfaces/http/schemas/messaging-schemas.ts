import type { Room } from '../../../domain/room';
import { Recipient, RoomName, Uuid } from '../../recipient-schema';
import { z } from '../../zod';

/** Request and response shapes of the messaging endpoints: they validate input and generate the OpenAPI document. */

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

export const MessageResponse = z.object({ message: MessageSchema }).openapi('MessageResponse');
export const RoomResponse = z.object({ room: RoomSchema }).openapi('RoomResponse');
export const MessagePage = pageOf(MessageSchema, z.number().int()).openapi('MessagePage', {
  description: 'items in ascending seq; nextCursor is the `before` of the previous page, null at the beginning',
});
export const RoomPage = pageOf(RoomSchema, z.string()).openapi('RoomPage');
export const MemberPage = pageOf(z.object({ id: z.string(), username: z.string() }), z.string()).openapi('MemberPage');

export const presentRoom = (room: Room) => ({ id: room.id, name: room.name, createdBy: room.createdBy, createdAt: room.createdAt.toISOString() });
