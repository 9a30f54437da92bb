import { z } from 'zod';
import type { PublicUser } from '../../domain/user';
import type { ClientErrorCode } from '../error-catalog';
import type { PresentedMessage } from '../message-presenter';
import { Recipient } from '../recipient-schema';
import { refusingNul } from '../refuse-nul';
import { typingFrame, watchFrame, type SignalServerFrame, type TypingFrame, type WatchFrame } from './signal-frames';

/** What a client may send: the recipient as over HTTP; the use cases check bodies and ids further. */

const sendFrame = z.object({
  type: z.literal('send'),
  to: Recipient,
  body: z.string(),
  clientMessageId: z.string().min(1).max(128),
});

const resumeFrame = z.object({
  type: z.literal('resume'),
  since: z.record(z.string().min(1).max(200), z.number().int().min(0)).refine((since) => Object.keys(since).length <= 1000, {
    message: 'at most 1000 conversations at once',
  }),
});

/** I have read the conversation up to `seq`: the rules of PUT /api/conversations/{id}/read. */
const readFrame = z.object({
  type: z.literal('read'),
  conversationId: z.string().min(1).max(200),
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

export type SendFrame = z.infer<typeof sendFrame>;
export type ResumeFrame = z.infer<typeof resumeFrame>;
export type ReadFrame = z.infer<typeof readFrame>;
export type ClientFrame = SendFrame | ResumeFrame | WatchFrame | TypingFrame | ReadFrame;

// U+0000 is refused in any string or key of a frame, as over HTTP: a resume key `room:\u0000` must not reach SQL.
const schemas: Record<ClientFrame['type'], z.ZodType<ClientFrame>> = {
  send: refusingNul(sendFrame),
  resume: refusingNul(resumeFrame),
  watch: refusingNul(watchFrame),
  typing: refusingNul(typingFrame),
  read: refusingNul(readFrame),
};

/** What the server sends. */
export type ServerFrame =
  | { type: 'hello'; user: PublicUser; node: string }
  | { type: 'message'; message: PresentedMessage }
  | { type: 'ack'; clientMessageId: string; message: PresentedMessage }
  | { type: 'resumed' }
  /** `userId` read the conversation up to `seq`: my other devices, or a read receipt from the other person. */
  | { type: 'read'; conversationId: string; userId: string; seq: number }
  | SignalServerFrame
  | {
      type: 'error';
      code: ClientErrorCode;
      message: string;
      clientMessageId?: string;
      conversationId?: string;
      details?: Record<string, unknown>;
    };

export type ParsedFrame =
  | { ok: true; frame: ClientFrame }
  | {
      ok: false;
      code: 'malformed_json' | 'unknown_frame' | 'validation_failed';
      message: string;
      clientMessageId?: string;
      conversationId?: string;
      details?: Record<string, unknown>;
    };

/**
 * The clientMessageId of a frame refused before it is parsed (rate_limited), so the client
 * learns which send to retry. The frame is within WS_MAX_FRAME_BYTES, so parsing is bounded.
 */
export function clientMessageIdOf(text: string): { clientMessageId?: string } {
  try {
    const raw: unknown = JSON.parse(text);
    const clientMessageId = typeof raw === 'object' && raw !== null ? (raw as { clientMessageId?: unknown }).clientMessageId : undefined;
    return typeof clientMessageId === 'string' ? { clientMessageId } : {};
  } catch {
    return {};
  }
}

/** Turns a text frame into a client frame, or says which error frame to answer with. */
export function parseClientFrame(text: string): ParsedFrame {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, code: 'malformed_json', message: 'The frame is not valid JSON.' };
  }
  const type = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as { type?: unknown }).type : undefined;
  const schema = typeof type === 'string' && Object.hasOwn(schemas, type) ? schemas[type as ClientFrame['type']] : undefined;
  if (!schema) return { ok: false, code: 'unknown_frame', message: `Frames have a type: ${Object.keys(schemas).map((type) => `"${type}"`).join(', ')}.` };
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, frame: result.data };
  const { clientMessageId, conversationId } = raw as { clientMessageId?: unknown; conversationId?: unknown };
  return {
    ok: false,
    code: 'validation_failed',
    message: 'The frame is not valid.',
    ...(typeof clientMessageId === 'string' ? { clientMessageId } : {}),
    ...(typeof conversationId === 'string' && conversationId.length <= 200 ? { conversationId } : {}),
    details: { fields: result.error.issues.map((issue) => ({ field: issue.path.join('.') || '(frame)', message: issue.message })) },
  };
}
