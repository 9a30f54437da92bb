import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from './api';
import { ChatStore } from './chat-store';
import type { User } from './types';
import { AuthView } from './views/auth-view';
import { ChatView } from './views/chat-view';

type Screen = { kind: 'loading' } | { kind: 'signed-out' } | { kind: 'signed-in'; store: ChatStore } | { kind: 'unreachable'; message: string };

function App() {
  const [screen, setScreen] = useState<Screen>({ kind: 'loading' });

  const signIn = (user: User) => {
    const store = new ChatStore(user, () => setScreen({ kind: 'signed-out' }));
    setScreen({ kind: 'signed-in', store });
    void store.start();
  };

  useEffect(() => {
    api.me().then(
      ({ user }) => signIn(user),
      (error: unknown) =>
        setScreen(error instanceof ApiError && error.status === 401 ? { kind: 'signed-out' } : { kind: 'unreachable', message: String((error as Error).message) }),
    );
  }, []);

  switch (screen.kind) {
    case 'loading':
      return <p class="boot">Loading Parley…</p>;
    case 'unreachable':
      return (
        <p class="boot error" role="alert">
          {screen.message}{' '}
          <button type="button" onClick={() => location.reload()}>
            Reload
          </button>
        </p>
      );
    case 'signed-out':
      return <AuthView onSignedIn={signIn} />;
    case 'signed-in':
      return <ChatView store={screen.store} />;
  }
}

const root = document.getElementById('app')!;
root.textContent = '';
render(<App />, root);
