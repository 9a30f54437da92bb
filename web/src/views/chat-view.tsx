import { useEffect, useReducer, useState } from 'preact/hooks';
import type { ChatStore } from '../chat-store';
import { ConversationView } from './conversation-view';
import { Directory } from './directory';
import { Inbox } from './inbox';
import { Lobby } from './lobby';

const CONNECTION_TEXT = { connecting: 'connecting…', online: 'online', reconnecting: 'reconnecting…', closed: 'offline' } as const;
type Tab = 'chats' | 'people' | 'rooms';

/** The signed-in page: the sidebar (inbox, people, rooms) and the open conversation; one at a time below 720 px. */
export function ChatView(props: { store: ChatStore }) {
  const { store } = props;
  const [, rerender] = useReducer((count: number, _action: undefined) => count + 1, 0);
  const [tab, setTab] = useState<Tab>('chats');
  useEffect(() => store.subscribe(() => rerender(undefined)), [store]);
  const selected = store.selected;

  return (
    <div class={`shell${selected ? ' has-conversation' : ''}`}>
      <header class="topbar">
        <span class="brand">Parley</span>
        <span class={`connection ${store.connection}`} data-testid="connection-state" data-state={store.connection} data-node={store.node ?? undefined} role="status" aria-live="polite">
          {CONNECTION_TEXT[store.connection]}
        </span>
        <span class="me" data-testid="signed-in-as">
          {store.me.username}
        </span>
        <button type="button" data-testid="logout" onClick={() => void store.logout()}>
          Log out
        </button>
      </header>
      {store.notice && (
        <p class="notice" role="alert">
          {store.notice}{' '}
          <button type="button" onClick={() => store.dismissNotice()}>
            Dismiss
          </button>
        </p>
      )}
      <div class="panes">
        <aside class="sidebar" aria-label="Navigation">
          <nav class="tabs" role="tablist" aria-label="Sidebar">
            {(['chats', 'people', 'rooms'] as const).map((name) => (
              <button key={name} type="button" role="tab" aria-selected={tab === name} data-testid={`tab-${name}`} onClick={() => setTab(name)}>
                {name === 'chats' ? 'Chats' : name === 'people' ? 'People' : 'Rooms'}
              </button>
            ))}
          </nav>
          {tab === 'chats' && <Inbox store={store} />}
          {tab === 'people' && <Directory store={store} />}
          {tab === 'rooms' && <Lobby store={store} />}
        </aside>
        <main class="main">
          {selected ? (
            <ConversationView
              key={selected.id}
              store={store}
              conversation={selected}
              onBack={() => {
                store.select(null);
                setTab('chats');
              }}
            />
          ) : (
            <p class="empty">Choose a conversation, find a person, or join a room.</p>
          )}
        </main>
      </div>
    </div>
  );
}
