import { ApiError, api } from './api';
import { Connection, webSocketUrl, type ConnectionState } from './connection';
import { Sends } from './sends';
import { mergeMessages, newConversation, type Conversation } from './conversation';
import {
  directConversationId,
  roomConversationId,
  type ConversationSummary,
  type Presence,
  type ServerFrame,
  type StoredMessage,
  type User,
} from './types';

const TYPING_SEND_EVERY_MS = 2_000;
const TYPING_SHOWN_MS = 5_000;
const MAX_WATCHED = 200;
const MAX_INBOX_PAGES = 5;
/**
 * Conversations named in a `resume`, most recent first: it weighs 1 frame plus 1 per 20 conversations
 * against the flood limit, so 200 cost 11 of a burst of 30. Older ones come back through the inbox.
 */
const MAX_RESUMED = 200;
/** An acknowledged send whose stored copy has not come by then is looked for in the history. */
const STORED_COPY_WAIT_MS = 5_000;

/**
 * Everything the signed-in page knows, and the rules that keep it right: stored messages once and in
 * seq order per conversation, my pending messages until their stored copy arrives, unread counts, read
 * positions, presence and typing. Views read it and re-render on `subscribe`.
 */
export class ChatStore {
  readonly conversations = new Map<string, Conversation>();
  readonly presence = new Map<string, Presence>();
  connection: ConnectionState = 'connecting';
  node: string | null = null;
  selectedId: string | null = null;
  /** Whether the server has the inbox (issue 15): GET /api/conversations answered. */
  inboxAvailable = false;
  notice: string | null = null;

  private readonly listeners = new Set<() => void>();
  private readonly socket: Connection;
  private readonly sends: Sends;
  private readonly lastTypingSent = new Map<string, number>();
  private watched = '';
  private typingSweep: ReturnType<typeof setInterval> | null = null;

  constructor(
    readonly me: User,
    private readonly onSignedOut: () => void,
  ) {
    this.socket = new Connection(webSocketUrl(), {
      opened: () => this.resumeAndResend(),
      frame: (frame) => this.handle(frame),
      state: (state) => {
        this.connection = state;
        this.changed();
      },
      sessionEnded: () => this.signedOut(),
      sessionValid: async () => {
        try {
          await api.me();
          return true;
        } catch (error) {
          return !(error instanceof ApiError && error.status === 401);
        }
      },
    });
    this.sends = new Sends((frame) => this.socket.send(frame), () => this.changed());
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  /** The inbox first, so the socket's first `resume` starts from the positions it reports. */
  async start(): Promise<void> {
    await this.loadInbox();
    this.socket.start();
    this.typingSweep = setInterval(() => this.expireTyping(), 1_000);
  }

  stop(): void {
    this.socket.stop();
    if (this.typingSweep) clearInterval(this.typingSweep);
    this.sends.stop();
  }

  async logout(): Promise<void> {
    this.stop();
    await api.logout().catch(() => undefined);
    this.onSignedOut();
  }

  private signedOut(): void {
    this.stop();
    this.onSignedOut();
  }

  /** Conversations, most recent activity first. */
  sorted(): Conversation[] {
    return [...this.conversations.values()].sort((a, b) => b.lastActivity.localeCompare(a.lastActivity));
  }

  get selected(): Conversation | null {
    return this.selectedId ? (this.conversations.get(this.selectedId) ?? null) : null;
  }

  async loadInbox(): Promise<void> {
    try {
      // The 500 most recent are plenty for a page; older ones appear when a message comes.
      let cursor: string | null = null;
      for (let pages = 0; pages < MAX_INBOX_PAGES; pages++) {
        const page = await api.conversations(cursor);
        for (const summary of page.items) this.applySummary(summary);
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      this.inboxAvailable = true;
    } catch (error) {
      // Before the inbox endpoint exists (404), the list holds what this page opened or received.
      if (!(error instanceof ApiError && error.status === 404)) this.notice = error instanceof Error ? error.message : String(error);
    }
    this.watchPeers();
    this.changed();
  }

  private applySummary(summary: ConversationSummary): void {
    const conversation =
      this.conversations.get(summary.id) ??
      newConversation(summary.id, summary.kind === 'direct' && summary.with ? { peer: summary.with } : { room: summary.room?.name ?? summary.id.slice(5) });
    this.conversations.set(summary.id, conversation);
    if (summary.with && conversation.peer?.username === '…') conversation.peer = summary.with;
    const last = summary.lastMessage && 'message' in summary.lastMessage ? summary.lastMessage.message : summary.lastMessage;
    if (last && typeof last.seq === 'number' && last.seq >= (conversation.lastMessage?.seq ?? 0)) {
      conversation.lastMessage = last;
      conversation.lastActivity = last.createdAt;
    }
    conversation.lastSeq = Math.max(conversation.lastSeq, summary.lastSeq);
    // The page may know better: a read it sent that the server had not applied when it answered.
    if (conversation.readSeq >= summary.lastSeq) conversation.unread = 0;
    else if (conversation.readSeq <= summary.readSeq) conversation.unread = summary.unread;
    conversation.readSeq = Math.max(conversation.readSeq, summary.readSeq);
  }

  /** Opens (or creates locally) the direct conversation with a person. */
  openDirect(user: { id: string; username: string }): void {
    const id = directConversationId(this.me.id, user.id);
    if (!this.conversations.has(id)) {
      const conversation = newConversation(id, { peer: user });
      conversation.lastActivity = new Date().toISOString();
      this.conversations.set(id, conversation);
      this.watchPeers();
    }
    this.select(id);
  }

  openRoom(name: string): void {
    const id = roomConversationId(name);
    if (!this.conversations.has(id)) {
      const conversation = newConversation(id, { room: name });
      conversation.lastActivity = new Date().toISOString();
      this.conversations.set(id, conversation);
    }
    this.select(id);
  }

  async leaveRoom(name: string): Promise<void> {
    await api.leaveRoom(name);
    const id = roomConversationId(name);
    this.conversations.delete(id);
    if (this.selectedId === id) this.selectedId = null;
    this.changed();
  }

  select(id: string | null): void {
    this.selectedId = id;
    this.changed();
    const conversation = id ? this.conversations.get(id) : undefined;
    if (conversation && !conversation.historyLoaded) void this.loadLatest(conversation);
  }

  /** The latest page over HTTP; merged with whatever arrived live meanwhile. */
  async loadLatest(conversation: Conversation): Promise<void> {
    try {
      const page = conversation.peer ? await api.directHistory(conversation.peer.id) : await api.roomHistory(conversation.room ?? '');
      // Merged, not replaced: messages that arrived live while the page was on its way stay.
      mergeMessages(conversation, page.items);
      if (!conversation.historyLoaded || conversation.messages[0]?.seq === page.items[0]?.seq) conversation.olderCursor = page.nextCursor;
      conversation.historyLoaded = true;
      this.sends.delivered(conversation, page.items, this.me.id);
    } catch (error) {
      this.notice = `Could not load ${conversation.peer ? conversation.peer.username : conversation.room}: ${error instanceof Error ? error.message : String(error)}`;
    }
    this.changed();
  }

  async loadOlder(conversation: Conversation): Promise<void> {
    if (conversation.loadingOlder || !conversation.olderCursor) return;
    conversation.loadingOlder = true;
    this.changed();
    try {
      const cursor = conversation.olderCursor;
      const page = conversation.peer ? await api.directHistory(conversation.peer.id, cursor) : await api.roomHistory(conversation.room ?? '', cursor);
      mergeMessages(conversation, page.items);
      conversation.olderCursor = page.nextCursor;
    } catch (error) {
      this.notice = error instanceof Error ? error.message : String(error);
    } finally {
      conversation.loadingOlder = false;
      this.changed();
    }
  }

  /** Shows the message at once as pending, then sends it; a retry reuses its clientMessageId, so it is stored once. */
  send(conversation: Conversation, body: string): void {
    this.sends.send(conversation, body);
    this.changed();
  }

  retry(conversation: Conversation, clientMessageId: string): void {
    this.sends.retry(conversation, clientMessageId);
    this.changed();
  }

  discard(conversation: Conversation, clientMessageId: string): void {
    this.sends.discard(conversation, clientMessageId);
    this.changed();
  }

  /** The first frame on every new socket: replay from the last seq I hold of each conversation, then resend what is pending. */
  private resumeAndResend(): void {
    const since: Record<string, number> = {};
    // Every conversation I know, those still without a message too (0): one of mine may have been stored while no socket was open.
    for (const conversation of [...this.sorted()].slice(0, MAX_RESUMED)) since[conversation.id] = conversation.lastSeq;
    this.socket.send({ type: 'resume', since });
    this.watched = '';
    this.watchPeers();
    this.sends.resendAll(this.conversations.values());
  }

  /** Presence of the people I have direct conversations with (a new watch replaces the old set). */
  private watchPeers(): void {
    const users = [...new Set(this.sorted().flatMap((conversation) => (conversation.peer ? [conversation.peer.id] : [])))].slice(0, MAX_WATCHED);
    const key = users.join(',');
    if (key === this.watched || !this.socket.isOpen) return;
    if (this.socket.send({ type: 'watch', users })) this.watched = key;
  }

  /** Tells the others I am typing, at most every 2 s. */
  typing(conversation: Conversation): void {
    const now = Date.now();
    if (now - (this.lastTypingSent.get(conversation.id) ?? 0) < TYPING_SEND_EVERY_MS) return;
    if (this.socket.send({ type: 'typing', conversationId: conversation.id })) this.lastTypingSent.set(conversation.id, now);
  }

  /** Called by the view when the newest message is on screen: moves my read position there. */
  markSeen(conversation: Conversation): void {
    const newest = conversation.messages[conversation.messages.length - 1];
    if (!newest || newest.seq <= conversation.readSeq || document.visibilityState !== 'visible') return;
    conversation.readSeq = newest.seq;
    conversation.unread = 0;
    this.changed();
    if (!this.inboxAvailable) return;
    if (!this.socket.send({ type: 'read', conversationId: conversation.id, seq: newest.seq })) {
      api.markRead(conversation.id, newest.seq).catch(() => undefined);
    }
  }

  private handle(frame: ServerFrame): void {
    switch (frame.type) {
      case 'hello':
        // After a reconnect, conversations that began while the page had no socket come from the inbox.
        if (this.node !== null) void this.loadInbox();
        this.node = frame.node;
        break;
      case 'message':
        this.receive(frame.message);
        break;
      case 'ack': {
        const conversation = this.conversations.get(frame.message.conversationId);
        this.sends.acknowledged(conversation, frame.clientMessageId);
        // Its stored copy normally follows within milliseconds; if this socket never gets it, the history has it.
        setTimeout(() => {
          if (conversation?.pending.some((entry) => entry.clientMessageId === frame.clientMessageId)) void this.loadLatest(conversation);
        }, STORED_COPY_WAIT_MS);
        break;
      }
      case 'read':
        this.applyRead(frame.conversationId, frame.userId, frame.seq);
        break;
      case 'presence':
        this.presence.set(frame.userId, { online: frame.online, lastSeenAt: frame.lastSeenAt });
        break;
      case 'typing': {
        const conversation = this.conversations.get(frame.conversationId);
        if (!conversation || frame.userId === this.me.id) return;
        const username = conversation.peer?.id === frame.userId ? conversation.peer.username : this.usernameIn(conversation, frame.userId);
        conversation.typing.set(frame.userId, { username, until: Date.now() + TYPING_SHOWN_MS });
        break;
      }
      case 'error':
        this.handleError(frame);
        break;
      case 'resumed':
        break;
    }
    this.changed();
  }

  private usernameIn(conversation: Conversation, userId: string): string {
    return [...conversation.messages].reverse().find((message) => message.sender.id === userId)?.sender.username ?? 'someone';
  }

  private receive(message: StoredMessage): void {
    let conversation = this.conversations.get(message.conversationId);
    if (!conversation) {
      const peer = 'userId' in message.to ? (message.sender.id === this.me.id ? null : message.sender) : null;
      if ('userId' in message.to && !peer) {
        // My own message to someone from another device: their name comes with the next inbox load.
        conversation = newConversation(message.conversationId, { peer: { id: message.to.userId, username: '…' } });
        void this.loadInbox();
      } else {
        conversation = newConversation(message.conversationId, peer ? { peer } : { room: 'room' in message.to ? message.to.room : '' });
      }
      this.conversations.set(message.conversationId, conversation);
      this.watchPeers();
    }
    const added = mergeMessages(conversation, [message]);
    if (added.length === 0) return;
    conversation.typing.delete(message.sender.id);
    if (message.sender.id === this.me.id) {
      // My own message moves my read position up to it.
      conversation.readSeq = Math.max(conversation.readSeq, message.seq);
      conversation.unread = 0;
      this.sends.delivered(conversation, [message], this.me.id);
    } else if (message.seq > conversation.readSeq) {
      conversation.unread += 1;
    }
  }

  private applyRead(conversationId: string, userId: string, seq: number): void {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) return;
    if (userId !== this.me.id) {
      conversation.peerReadSeq = Math.max(conversation.peerReadSeq, seq);
      return;
    }
    if (seq <= conversation.readSeq) return;
    conversation.readSeq = seq;
    // Exact when I hold the messages after it; otherwise ask the server for the count.
    const oldest = conversation.messages[0];
    if (seq >= conversation.lastSeq) conversation.unread = 0;
    else if (oldest && oldest.seq <= seq + 1) conversation.unread = conversation.messages.filter((m) => m.seq > seq && m.sender.id !== this.me.id).length;
    else void this.loadInbox();
  }

  private handleError(frame: Extract<ServerFrame, { type: 'error' }>): void {
    if (frame.clientMessageId) {
      this.sends.refused(this.conversations.values(), frame);
      return;
    }
    if (frame.code === 'resync_required' && frame.conversationId) {
      // Too much was missed to replay: start the conversation over from its latest page (no hole in between).
      const conversation = this.conversations.get(frame.conversationId);
      if (conversation) {
        conversation.messages = [];
        conversation.historyLoaded = false;
        void this.loadLatest(conversation);
      }
      return;
    }
    if (frame.code === 'rate_limited') this.notice = frame.message;
  }

  private expireTyping(): void {
    const now = Date.now();
    let expired = false;
    for (const conversation of this.conversations.values()) {
      for (const [userId, entry] of conversation.typing) {
        if (entry.until <= now) {
          conversation.typing.delete(userId);
          expired = true;
        }
      }
    }
    if (expired) this.changed();
  }

  dismissNotice(): void {
    this.notice = null;
    this.changed();
  }
}
