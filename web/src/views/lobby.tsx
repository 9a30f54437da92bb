import { useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import type { ChatStore } from '../chat-store';
import type { Room } from '../types';
import { useSearch } from './use-search';

/** The room lobby: search rooms, create one, or join one by typing its name. */
export function Lobby(props: { store: ChatStore }) {
  const [search, setSearch] = useState('');
  const [rooms, setRooms] = useState<Room[]>([]);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useSearch(search.trim(), (text) => api.searchRooms(text), (page) => setRooms(page.items), setError);

  const enter = async (roomName: string, create: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const { room } = create ? await api.createRoom(roomName) : await api.joinRoom(roomName);
      props.store.openRoom(room.name);
      setName('');
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'room_taken') setError(`A room named "${roomName}" exists already: join it instead.`);
      else if (caught instanceof ApiError && caught.code === 'not_found') setError(`There is no room named "${roomName}". Create it?`);
      else setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="rooms-title">
      <h2 id="rooms-title">Rooms</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (name.trim()) void enter(name.trim(), false);
        }}
      >
        <label>
          Room name
          <input data-testid="room-name" maxLength={64} pattern="[A-Za-z0-9_\-]{1,64}" placeholder="general" value={name} onInput={(event) => setName(event.currentTarget.value)} />
        </label>
        <div class="row">
          <button type="submit" data-testid="room-join" disabled={busy || !name.trim()}>
            Join
          </button>
          <button type="button" data-testid="room-create" disabled={busy || !name.trim()} onClick={() => void enter(name.trim(), true)}>
            Create
          </button>
        </div>
      </form>
      {error && (
        <p class="error" role="alert" data-testid="room-error">
          {error}
        </p>
      )}
      <label>
        Search rooms
        <input data-testid="room-search" type="search" maxLength={64} value={search} onInput={(event) => setSearch(event.currentTarget.value)} />
      </label>
      <ul class="results" aria-label="Rooms found">
        {rooms.map((room) => (
          <li key={room.id ?? room.name}>
            <button type="button" data-testid="room-result" onClick={() => void enter(room.name, false)}>
              #{room.name}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
