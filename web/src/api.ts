import type { ConversationSummary, Message, Page, Room, StoredMessage, User } from './types';

/** A refused request, with the API's stable error code and, when it said so, how long to wait. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number | null,
    readonly fields: { field: string; message: string }[],
  ) {
    super(message);
  }
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network', 'Parley cannot be reached right now.', null, []);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; details?: { fields?: { field: string; message: string }[] } } } | null)?.error;
    const retryAfter = Number(response.headers.get('Retry-After'));
    throw new ApiError(
      response.status,
      error?.code ?? 'internal',
      error?.message ?? `The server answered ${response.status}.`,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
      error?.details?.fields ?? [],
    );
  }
  return parsed as T;
}

const query = (params: Record<string, string | number | undefined | null>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};

export const api = {
  me: () => request<{ user: User }>('GET', '/api/auth/me'),
  register: (username: string, email: string, password: string) => request<{ user: User }>('POST', '/api/auth/register', { username, email, password }),
  login: (username: string, password: string) => request<{ user: User }>('POST', '/api/auth/login', { username, password }),
  logout: () => request<void>('POST', '/api/auth/logout'),
  searchUsers: (search: string) => request<Page<{ id: string; username: string }>>('GET', `/api/users${query({ search, limit: 20 })}`),
  searchRooms: (search: string) => request<Page<Room>>('GET', `/api/rooms${query({ search })}`),
  createRoom: (name: string) => request<{ room: Room }>('POST', '/api/rooms', { name }),
  joinRoom: (name: string) => request<{ room: Room }>('POST', `/api/rooms/${encodeURIComponent(name)}/join`),
  leaveRoom: (name: string) => request<{ room: Room }>('POST', `/api/rooms/${encodeURIComponent(name)}/leave`),
  directHistory: (userId: string, before?: string | null) =>
    request<Page<StoredMessage>>('GET', `/api/users/${encodeURIComponent(userId)}/messages${query({ before, limit: 15 })}`),
  roomHistory: (name: string, before?: string | null) =>
    request<Page<StoredMessage>>('GET', `/api/rooms/${encodeURIComponent(name)}/messages${query({ before, limit: 15 })}`),
  send: (to: { userId: string } | { room: string }, body: string, clientMessageId: string) =>
    request<{ message: Message }>('POST', '/api/messages', { to, body, clientMessageId }),
  conversations: (cursor?: string | null) => request<Page<ConversationSummary>>('GET', `/api/conversations${query({ limit: 100, cursor })}`),
  markRead: (conversationId: string, seq: number) => request<void>('PUT', `/api/conversations/${encodeURIComponent(conversationId)}/read`, { seq }),
};
