import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import type { ChatStore } from '../chat-store';
import { presenceLabel, titleOf, type Conversation } from '../conversation';
import { Composer } from './composer';

const NEAR_EDGE_PX = 48;
const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/**
 * One conversation: the latest page, older pages when scrolled to the top (the view keeps its place),
 * live messages, my pending ones, typing and read receipts. Sticks to the bottom while the reader is there,
 * and marks read what reached the screen.
 */
export function ConversationView(props: { store: ChatStore; conversation: Conversation; onBack(): void }) {
  const { store, conversation } = props;
  const list = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const previous = useRef<{ id: string; first: number | undefined; height: number }>({ id: '', first: undefined, height: 0 });

  // Before paint: keep the reader's place when older messages were prepended, else follow the bottom.
  useLayoutEffect(() => {
    const element = list.current;
    if (!element) return;
    const first = conversation.messages[0]?.seq;
    const before = previous.current;
    if (before.id === conversation.id && before.first !== undefined && first !== undefined && first < before.first) {
      element.scrollTop += element.scrollHeight - before.height;
    } else if (before.id !== conversation.id || atBottom.current) {
      element.scrollTop = element.scrollHeight;
      atBottom.current = true;
    }
    previous.current = { id: conversation.id, first, height: element.scrollHeight };
  });

  useEffect(() => {
    if (atBottom.current) store.markSeen(conversation);
    // A page that does not fill the screen cannot be scrolled up: fetch the one before it at once.
    const element = list.current;
    if (element && conversation.historyLoaded && element.scrollHeight <= element.clientHeight + NEAR_EDGE_PX) void store.loadOlder(conversation);
  });

  useEffect(() => {
    const seen = () => atBottom.current && store.markSeen(conversation);
    document.addEventListener('visibilitychange', seen);
    return () => document.removeEventListener('visibilitychange', seen);
  }, [conversation]);

  const onScroll = () => {
    const element = list.current;
    if (!element) return;
    atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_EDGE_PX;
    if (element.scrollTop < NEAR_EDGE_PX) void store.loadOlder(conversation);
    if (atBottom.current) store.markSeen(conversation);
  };

  const presence = conversation.peer ? store.presence.get(conversation.peer.id) : undefined;
  const typing = [...conversation.typing.values()].map((entry) => entry.username);
  const lastRead = conversation.peer
    ? [...conversation.messages].reverse().find((message) => message.sender.id === store.me.id && message.seq <= conversation.peerReadSeq)
    : undefined;

  return (
    <section class="conversation" aria-labelledby="conversation-title" data-testid="conversation" data-conversation-id={conversation.id}>
      <header class="conversation-header">
        <button type="button" class="back" onClick={props.onBack} aria-label="Back to conversations">
          ←
        </button>
        <h2 id="conversation-title">{titleOf(conversation)}</h2>
        {conversation.peer && <span class="presence-text">{presenceLabel(presence)}</span>}
        {conversation.room && (
          <button type="button" class="leave" data-testid="room-leave" onClick={() => void store.leaveRoom(conversation.room ?? '').catch(() => undefined)}>
            Leave
          </button>
        )}
      </header>
      <div class="messages" ref={list} onScroll={onScroll} role="log" aria-label={`Messages with ${titleOf(conversation)}`} data-testid="message-list" tabIndex={0}>
        {conversation.loadingOlder && <div class="status">Loading older messages…</div>}
        {!conversation.loadingOlder && conversation.historyLoaded && conversation.olderCursor && (
          <button type="button" class="status older" data-testid="load-older" onClick={() => void store.loadOlder(conversation)}>
            Load older messages
          </button>
        )}
        {conversation.historyLoaded && !conversation.olderCursor && (
          <div class="status">{conversation.messages.length > 0 || conversation.pending.length > 0 ? 'This is the beginning.' : 'No messages yet: say hello.'}</div>
        )}
        {conversation.messages.map((message) => {
          const mine = message.sender.id === store.me.id;
          return (
            <div key={message.seq} class={`message${mine ? ' mine' : ''}`} data-testid="message" data-seq={message.seq} data-message-id={message.id} data-state="sent">
              <span class="meta">
                <span class="sender">{mine ? 'You' : message.sender.username}</span> <time dateTime={message.createdAt}>{time(message.createdAt)}</time>
              </span>
              <span class="body" data-testid="message-body">
                {message.body}
              </span>
              {message === lastRead && (
                <span class="receipt" data-testid="read-receipt">
                  Read
                </span>
              )}
            </div>
          );
        })}
        {conversation.pending.map((pending) => (
          <div key={pending.clientMessageId} class={`message mine pending ${pending.state}`} data-testid="message-pending" data-state={pending.state}>
            <span class="meta">
              <span class="sender">You</span> <span>{pending.state === 'failed' ? 'not sent' : pending.state === 'accepted' ? 'sending…' : 'pending'}</span>
            </span>
            <span class="body" data-testid="message-body">
              {pending.body}
            </span>
            {pending.note && <span class="note" role="status">{pending.note}</span>}
            {pending.state === 'failed' && (
              <span class="row">
                <button type="button" onClick={() => store.retry(conversation, pending.clientMessageId)}>
                  Retry
                </button>
                <button type="button" onClick={() => store.discard(conversation, pending.clientMessageId)}>
                  Discard
                </button>
              </span>
            )}
          </div>
        ))}
      </div>
      <p class="typing" data-testid="typing-indicator" aria-live="polite" hidden={typing.length === 0}>
        {typing.length > 0 ? `${typing.join(', ')} ${typing.length === 1 ? 'is' : 'are'} typing…` : ''}
      </p>
      <Composer store={store} conversation={conversation} />
    </section>
  );
}
