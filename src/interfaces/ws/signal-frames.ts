import { z } from 'zod';
import type { PresenceStatus } from '../../domain/presence';

/** The presence and typing frames of the protocol: what clients send, and what they are told. */

/** At most this many users in one `watch`: a snapshot frame each, and an entry each in the node's watch index. */
export const MAX_WATCHED_USERS = 200;

export const watchFrame = z.object({
  type: z.literal('watch'),
  users: z.array(z.uuid('must be a user id (UUID)')).max(MAX_WATCHED_USERS, `at most ${MAX_WATCHED_USERS} users at once`),
});

export const typingFrame = z.object({
  type: z.literal('typing'),
  conversationId: z.string().min(1).max(200),
});

export type WatchFrame = z.infer<typeof watchFrame>;
export type TypingFrame = z.infer<typeof typingFrame>;

export type SignalServerFrame =
  | { type: 'presence'; userId: string; online: boolean; lastSeenAt: string | null }
  | { type: 'typing'; conversationId: string; userId: string };

export function presenceFrame(userId: string, status: PresenceStatus): SignalServerFrame {
  return { type: 'presence', userId, online: status.online, lastSeenAt: status.lastSeenAt?.toISOString() ?? null };
}

/**
 * The conversation a typing frame names, read before the flood guard (typing frames sent too
 * often are dropped there, uncounted); undefined for any other frame.
 */
export function typingConversationOf(text: string): string | undefined {
  if (!text.includes('"typing"')) return undefined;
  try {
    const raw = JSON.parse(text) as { type?: unknown; conversationId?: unknown };
    return raw.type === 'typing' && typeof raw.conversationId === 'string' ? raw.conversationId : undefined;
  } catch {
    return undefined;
  }
}
