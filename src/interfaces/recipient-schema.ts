import { z } from './zod';

/**
 * Who a message is for, as clients write it over HTTP (`POST /api/messages`) and WebSocket
 * (`send` frames) alike: one schema, so both transports accept exactly the same recipients.
 */
export const Uuid = z.uuid().openapi({ example: '01936f3e-8a4b-7c2d-9e1f-0a1b2c3d4e5f' });
export const RoomName = z.string().max(64).openapi({ example: 'general', description: '1-64 of letters, digits, _ and -; unique ignoring case' });

export const Recipient = z
  .union([z.object({ userId: Uuid }).strict(), z.object({ room: RoomName.min(1) }).strict()])
  .openapi('Recipient', { description: 'A user (direct message) or a room' });
