import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import type { User } from '../types';

type Mode = 'login' | 'register';

/** What a refused sign-in or sign-up means to a person, with the wait when throttled. */
function explain(error: unknown, mode: Mode): { text: string; retryAt: number | null } {
  if (!(error instanceof ApiError)) return { text: 'Something went wrong. Try again.', retryAt: null };
  switch (error.code) {
    case 'invalid_credentials':
      return { text: 'Wrong username or password.', retryAt: null };
    case 'username_taken':
      return { text: 'That username is taken. Choose another.', retryAt: null };
    case 'email_taken':
      return { text: 'An account with that email already exists.', retryAt: null };
    case 'too_many_attempts':
    case 'rate_limited': {
      const seconds = error.retryAfterSeconds ?? 60;
      return { text: mode === 'login' ? 'Too many attempts.' : 'Too many sign-ups from here.', retryAt: Date.now() + seconds * 1_000 };
    }
    case 'validation_failed':
      return { text: error.fields.length ? error.fields.map((field) => `${field.field}: ${field.message}`).join(' · ') : error.message, retryAt: null };
    default:
      return { text: error.message, retryAt: null };
  }
}

function waitText(retryAt: number, now: number): string {
  const seconds = Math.max(0, Math.ceil((retryAt - now) / 1_000));
  const minutes = Math.floor(seconds / 60);
  return `Try again in ${minutes > 0 ? `${minutes} min ` : ''}${seconds % 60} s.`;
}

export function AuthView(props: { onSignedIn(user: User): void }) {
  const [mode, setMode] = useState<Mode>('login');
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ text: string; retryAt: number | null } | null>(null);
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    if (!error?.retryAt) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [error]);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { user } = mode === 'login' ? await api.login(username, password) : await api.register(username, email, password);
      props.onSignedIn(user);
    } catch (caught) {
      setError(explain(caught, mode));
      setNow(Date.now());
    } finally {
      setBusy(false);
    }
  };
  const switchTo = (next: Mode) => {
    setMode(next);
    setError(null);
  };
  const waiting = error?.retryAt !== null && error?.retryAt !== undefined && error.retryAt > now;

  return (
    <section class="auth" aria-labelledby="auth-title">
      <h1 id="auth-title">Parley</h1>
      <div class="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={mode === 'login'} data-testid="show-login" onClick={() => switchTo('login')}>
          Log in
        </button>
        <button type="button" role="tab" aria-selected={mode === 'register'} data-testid="show-register" onClick={() => switchTo('register')}>
          Create account
        </button>
      </div>
      <form onSubmit={submit} noValidate>
        <label>
          {mode === 'login' ? 'Username or email' : 'Username'}
          <input
            data-testid={`${mode}-username`}
            name="username"
            autocomplete="username"
            required
            value={username}
            onInput={(event) => setUsername(event.currentTarget.value)}
          />
        </label>
        {mode === 'register' && (
          <label>
            Email
            <input
              data-testid="register-email"
              name="email"
              type="email"
              autocomplete="email"
              required
              value={email}
              onInput={(event) => setEmail(event.currentTarget.value)}
            />
          </label>
        )}
        <label>
          Password
          <input
            data-testid={`${mode}-password`}
            name="password"
            type="password"
            autocomplete={mode === 'login' ? 'current-password' : 'new-password'}
            required
            minLength={8}
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="error" role="alert" data-testid={`${mode}-error`}>
            {error.text}
            {error.retryAt !== null && (waiting ? ` ${waitText(error.retryAt, now)}` : ' You can try again now.')}
          </p>
        )}
        <button type="submit" class="primary" data-testid={`${mode}-submit`} disabled={busy || waiting}>
          {mode === 'login' ? 'Log in' : 'Create account'}
        </button>
      </form>
    </section>
  );
}
