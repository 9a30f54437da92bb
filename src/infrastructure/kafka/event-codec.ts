import type { ChatEvent } from '../../application/ports/event-publisher';
import type { Message } from '../../domain/message';

/**
 * The wire format: JSON with the event type and a schema version, so a person reading
 * the topic with kafka-console-consumer or kcat understands every record.
 */
export const SCHEMA_VERSION = 1;

export function encodeEvent(event: ChatEvent): string {
  return JSON.stringify({ ...event, version: SCHEMA_VERSION });
}

export function eventKey(event: ChatEvent): string {
  switch (event.type) {
    case 'message.accepted':
    case 'message.stored':
      return event.message.conversationId;
    case 'session.revoked':
    case 'user.deactivated':
    case 'conversation.read':
      return event.userId;
    case 'room.members.changed':
      // One room's changes stay in order on one partition.
      return event.conversationId;
  }
}

/** Parses a record; returns null for a record this version does not understand (it is skipped, not fatal). */
export function decodeEvent(value: Buffer | null): ChatEvent | null {
  if (!value) return null;
  let raw: { type?: unknown; version?: unknown; message?: Record<string, unknown> } & Record<string, unknown>;
  try {
    raw = JSON.parse(value.toString('utf8'));
  } catch {
    return null;
  }
  if (raw.version !== SCHEMA_VERSION || typeof raw.type !== 'string') return null;
  if (raw.message) raw.message = { ...raw.message, createdAt: new Date(String(raw.message.createdAt)) } as unknown as Message as never;
  if (typeof raw.storedAt === 'string') raw.storedAt = new Date(raw.storedAt);
  const { version: _version, ...event } = raw;
  return event as unknown as ChatEvent;
}
