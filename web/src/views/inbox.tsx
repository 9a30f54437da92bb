import type { ChatStore } from '../chat-store';
import { presenceLabel, titleOf } from '../conversation';

/** My conversations, most recent first: last message, unread badge, presence dot of direct ones. */
export function Inbox(props: { store: ChatStore }) {
  const { store } = props;
  const conversations = store.sorted();
  if (conversations.length === 0) {
    return <p class="empty">No conversations yet. Find a person or join a room.</p>;
  }
  return (
    <ul class="inbox" aria-label="Conversations" data-testid="inbox">
      {conversations.map((conversation) => {
        const presence = conversation.peer ? store.presence.get(conversation.peer.id) : undefined;
        const last = conversation.lastMessage;
        const typing = [...conversation.typing.values()];
        return (
          <li key={conversation.id}>
            <button
              type="button"
              class={`inbox-item${store.selectedId === conversation.id ? ' selected' : ''}`}
              data-testid="inbox-conversation"
              data-conversation-id={conversation.id}
              aria-current={store.selectedId === conversation.id ? 'true' : undefined}
              onClick={() => store.select(conversation.id)}
            >
              {conversation.peer && (
                <span
                  class={`presence-dot${presence?.online ? ' online' : ''}`}
                  data-testid="presence-dot"
                  data-online={presence?.online ? 'true' : 'false'}
                  title={presenceLabel(presence)}
                  role="img"
                  aria-label={presenceLabel(presence)}
                />
              )}
              <span class="inbox-text">
                <span class="inbox-title">{titleOf(conversation)}</span>
                <span class="inbox-last">
                  {typing.length > 0 ? 'typing…' : last ? `${last.sender.id === store.me.id ? 'You' : last.sender.username}: ${last.body}` : 'No messages yet'}
                </span>
              </span>
              {conversation.unread > 0 && (
                <span class="badge" data-testid="unread-badge" aria-label={`${conversation.unread} unread`}>
                  {conversation.unread}
                </span>
              )}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
