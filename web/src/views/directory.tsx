import { useState } from 'preact/hooks';
import { api } from '../api';
import type { ChatStore } from '../chat-store';
import { useSearch } from './use-search';

/** Find a person by the start of their username and open the direct conversation with them. */
export function Directory(props: { store: ChatStore }) {
  const [search, setSearch] = useState('');
  const [people, setPeople] = useState<{ id: string; username: string }[]>([]);
  const [error, setError] = useState<string | null>(null);

  const text = search.trim();
  useSearch(
    text,
    (name) => (name ? api.searchUsers(name) : Promise.resolve({ items: [], nextCursor: null })),
    (page) => (setPeople(page.items.filter((user) => user.id !== props.store.me.id)), setError(null)),
    setError,
  );

  return (
    <section class="panel" aria-labelledby="people-title">
      <h2 id="people-title">People</h2>
      <label>
        Find a person
        <input data-testid="people-search" type="search" maxLength={32} placeholder="username" value={search} onInput={(event) => setSearch(event.currentTarget.value)} />
      </label>
      {error && <p class="error" role="alert">{error}</p>}
      <ul class="results" aria-label="People found">
        {people.map((person) => (
          <li key={person.id}>
            <button type="button" data-testid="person-result" data-user-id={person.id} onClick={() => props.store.openDirect(person)}>
              {person.username}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
