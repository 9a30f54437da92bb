import { useState } from 'preact/hooks';
import type { ChatStore } from '../chat-store';
import { MAX_BODY, bodyLength, titleOf, type Conversation } from '../conversation';

/** Enter sends, Shift+Enter adds a line; the 4,000-character limit is shown before the server refuses it. */
export function Composer(props: { store: ChatStore; conversation: Conversation }) {
  const { store, conversation } = props;
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const draft = drafts[conversation.id] ?? '';
  const length = bodyLength(draft);
  const tooLong = length > MAX_BODY;
  const hasNul = draft.includes('\u0000');

  const setDraft = (value: string) => setDrafts((all) => ({ ...all, [conversation.id]: value }));
  const send = () => {
    if (length === 0 || tooLong || hasNul) return;
    store.send(conversation, draft);
    setDraft('');
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <label class="visually-hidden" for="composer-input">
        Message to {titleOf(conversation)}
      </label>
      <textarea
        id="composer-input"
        data-testid="composer"
        rows={2}
        placeholder={`Message ${titleOf(conversation)}`}
        aria-describedby="composer-limit composer-keys"
        aria-invalid={tooLong}
        value={draft}
        onInput={(event) => {
          setDraft(event.currentTarget.value);
          if (event.currentTarget.value.trim()) store.typing(conversation);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            send();
          }
        }}
      />
      <span id="composer-limit" class={`limit${tooLong ? ' over' : ''}`} data-testid="composer-limit" aria-live="polite">
        {tooLong
          ? `Too long: ${length.toLocaleString('en')} of ${MAX_BODY.toLocaleString('en')} characters`
          : hasNul
            ? 'The message holds a character Parley cannot store (U+0000).'
            : length > MAX_BODY - 500
              ? `${length.toLocaleString('en')} / ${MAX_BODY.toLocaleString('en')}`
              : ''}
      </span>
      <span id="composer-keys" class="keys">
        Enter sends · Shift+Enter adds a line
      </span>
      <button type="submit" class="primary" data-testid="send-button" disabled={length === 0 || tooLong || hasNul}>
        Send
      </button>
    </form>
  );
}
