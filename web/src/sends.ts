import { recipientOf, type Conversation, type PendingMessage } from './conversation';
import { Outbox } from './outbox';
import type { ClientFrame, ServerFrame, StoredMessage } from './types';

const ACK_TIMEOUT_MS = 10_000;

/** A random id that works outside secure contexts too (crypto.randomUUID needs https or localhost). */
function newClientMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `web-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * My messages from the moment I press Enter until their stored copy arrives. Each keeps its
 * clientMessageId for good, so however often it goes again (no ack in time, a new socket,
 * `rate_limited`, `unavailable`, the Retry button) the server stores it once.
 */
export class Sends {
  private readonly ackTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly outbox = new Outbox(({ conversation, pending }) => this.write(conversation, pending));
  private count = 0;

  constructor(
    private readonly socketSend: (frame: ClientFrame) => boolean,
    private readonly changed: () => void,
  ) {}

  send(conversation: Conversation, body: string): void {
    const pending: PendingMessage = { clientMessageId: newClientMessageId(), order: this.count++, body: body.trim(), createdAt: Date.now(), state: 'sending', note: null };
    conversation.pending.push(pending);
    conversation.lastActivity = new Date().toISOString();
    this.transmit(conversation, pending);
  }

  retry(conversation: Conversation, clientMessageId: string): void {
    const pending = conversation.pending.find((entry) => entry.clientMessageId === clientMessageId);
    if (!pending) return;
    pending.state = 'sending';
    pending.note = null;
    this.transmit(conversation, pending);
  }

  discard(conversation: Conversation, clientMessageId: string): void {
    this.clearAckTimer(clientMessageId);
    conversation.pending = conversation.pending.filter((entry) => entry.clientMessageId !== clientMessageId);
  }

  /** A new socket: everything not given up goes again, in the order written. */
  resendAll(conversations: Iterable<Conversation>): void {
    for (const conversation of conversations) {
      for (const pending of conversation.pending) if (pending.state !== 'failed') this.transmit(conversation, pending);
    }
    this.outbox.pump();
  }

  acknowledged(conversation: Conversation | undefined, clientMessageId: string): void {
    const pending = conversation?.pending.find((entry) => entry.clientMessageId === clientMessageId);
    if (!pending) return;
    pending.state = 'accepted';
    pending.note = null;
    this.clearAckTimer(clientMessageId);
  }

  /** Stored copies of my messages arrived: they are sent. */
  delivered(conversation: Conversation, messages: StoredMessage[], myId: string): void {
    const ids = new Set(messages.filter((message) => message.sender.id === myId && message.clientMessageId).map((message) => message.clientMessageId));
    for (const id of ids) this.clearAckTimer(id!);
    conversation.pending = conversation.pending.filter((entry) => !ids.has(entry.clientMessageId));
  }

  /** An error frame about one of my sends: wait as told and go again, or show why it failed. False when it was about none. */
  refused(conversations: Iterable<Conversation>, frame: Extract<ServerFrame, { type: 'error' }>): boolean {
    for (const conversation of conversations) {
      const pending = conversation.pending.find((entry) => entry.clientMessageId === frame.clientMessageId);
      if (!pending) continue;
      this.clearAckTimer(pending.clientMessageId);
      if (frame.code === 'rate_limited' || frame.code === 'unavailable') {
        const seconds = Math.max(1, Math.ceil(Number(frame.details?.retryAfterSeconds ?? 1)));
        pending.state = 'waiting';
        pending.note = frame.code === 'rate_limited' ? `Sending too fast: retrying in ${seconds} s` : `Parley is busy: retrying in ${seconds} s`;
        this.outbox.pauseFor(seconds * 1_000);
        this.transmit(conversation, pending);
      } else {
        pending.state = 'failed';
        pending.note = frame.message;
      }
      return true;
    }
    return false;
  }

  stop(): void {
    for (const timer of this.ackTimers.values()) clearTimeout(timer);
    this.ackTimers.clear();
    this.outbox.clear();
  }

  private transmit(conversation: Conversation, pending: PendingMessage): void {
    this.clearAckTimer(pending.clientMessageId);
    this.outbox.enqueue({ conversation, pending });
  }

  /** The outbox's one way out. An unanswered send goes again with the same id (a node that died with the frame). */
  private write(conversation: Conversation, pending: PendingMessage): 'sent' | 'closed' | 'dropped' {
    if (!conversation.pending.includes(pending) || pending.state === 'failed') return 'dropped';
    const sent = this.socketSend({ type: 'send', to: recipientOf(conversation), body: pending.body, clientMessageId: pending.clientMessageId });
    if (!sent) {
      pending.note = 'waiting for the connection';
      this.changed();
      return 'closed';
    }
    pending.state = 'sending';
    pending.note = null;
    this.ackTimers.set(
      pending.clientMessageId,
      setTimeout(() => {
        if (conversation.pending.includes(pending) && pending.state === 'sending') this.transmit(conversation, pending);
      }, ACK_TIMEOUT_MS),
    );
    this.changed();
    return 'sent';
  }

  private clearAckTimer(clientMessageId: string): void {
    const timer = this.ackTimers.get(clientMessageId);
    if (timer) clearTimeout(timer);
    this.ackTimers.delete(clientMessageId);
  }
}
