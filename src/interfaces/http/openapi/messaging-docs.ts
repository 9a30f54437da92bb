import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import {
  CreateRoomBody,
  historyQuery,
  MemberPage,
  MessageIdParams,
  MessagePage,
  MessageResponse,
  RoomNameParams,
  RoomPage,
  RoomResponse,
  roomListQuery,
  SendMessageBody,
  UserIdParams,
} from '../schemas/messaging-schemas';
import { errorResponses, type DocsRegistrar } from './registry';

const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });
const signedIn = [{ sessionCookie: [] }];
const guards = ['origin_not_allowed', 'unsupported_media_type', 'payload_too_large', 'malformed_json'] as const;
/** The messaging area in the OpenAPI document: messages, history and rooms. */
export const messagingDocs: DocsRegistrar = (registry, { history }) => {
  // The same queries, with the configured defaults, that the controllers validate with.
  const HistoryQuery = historyQuery(history.pageSize, history.maxPageSize);
  const ListQuery = roomListQuery(history.pageSize, history.maxPageSize);
  const path = (method: 'get' | 'post', route: string, doc: Omit<RouteConfig, 'method' | 'path'>) =>
    registry.registerPath({ method, path: route, security: signedIn, ...doc });

  path('post', '/api/messages', {
    tags: ['messages'],
    summary: 'Send a message to a user or a room',
    description:
      'Answers once Kafka (all in-sync replicas) has it; seq is null until it is stored. A repeated clientMessageId returns the original with 200. ' +
      'Not acknowledged within PUBLISH_TIMEOUT_MS: 503 unavailable with Retry-After; retry with the same clientMessageId (the message is stored once).',
    request: { body: { required: true, ...json(SendMessageBody) } },
    responses: {
      202: { description: 'Accepted', ...json(MessageResponse) },
      200: { description: 'This clientMessageId was already accepted: the original message', ...json(MessageResponse) },
      ...errorResponses('validation_failed', 'unauthenticated', 'not_a_member', 'not_found', ...guards),
    },
  });
  path('get', '/api/messages/{id}', {
    tags: ['messages'],
    summary: 'A stored message (participants only)',
    request: { params: MessageIdParams },
    responses: { 200: { description: 'The message', ...json(MessageResponse) }, ...errorResponses('validation_failed', 'unauthenticated', 'not_found') },
  });
  path('get', '/api/users/{userId}/messages', {
    tags: ['messages'],
    summary: 'My direct conversation with a user, latest page first',
    request: { params: UserIdParams, query: HistoryQuery },
    responses: { 200: { description: 'A page of messages', ...json(MessagePage) }, ...errorResponses('validation_failed', 'unauthenticated', 'not_found') },
  });
  path('post', '/api/rooms', {
    tags: ['rooms'],
    summary: 'Open a room; the creator is its first member',
    request: { body: { required: true, ...json(CreateRoomBody) } },
    responses: { 201: { description: 'Created', ...json(RoomResponse) }, ...errorResponses('validation_failed', 'unauthenticated', 'room_taken', ...guards) },
  });
  path('get', '/api/rooms', {
    tags: ['rooms'],
    summary: 'Find rooms by name prefix',
    request: { query: ListQuery },
    responses: { 200: { description: 'A page of rooms', ...json(RoomPage) }, ...errorResponses('validation_failed', 'unauthenticated') },
  });
  for (const action of ['join', 'leave'] as const) {
    path('post', `/api/rooms/{name}/${action}`, {
      tags: ['rooms'],
      summary: action === 'join' ? 'Join a room (joining twice is harmless)' : 'Leave a room',
      request: { params: RoomNameParams },
      responses: {
        200: { description: 'The room', ...json(RoomResponse) },
        ...errorResponses('validation_failed', 'unauthenticated', 'not_found', ...(action === 'leave' ? (['not_a_member'] as const) : []), 'origin_not_allowed'),
      },
    });
  }
  path('get', '/api/rooms/{name}/members', {
    tags: ['rooms'],
    summary: 'Members of a room (members only)',
    request: { params: RoomNameParams, query: ListQuery.pick({ cursor: true, limit: true }) },
    responses: { 200: { description: 'A page of members', ...json(MemberPage) }, ...errorResponses('validation_failed', 'unauthenticated', 'not_a_member', 'not_found') },
  });
  path('get', '/api/rooms/{name}/messages', {
    tags: ['rooms'],
    summary: "A room's messages, latest page first (members only)",
    request: { params: RoomNameParams, query: HistoryQuery },
    responses: { 200: { description: 'A page of messages', ...json(MessagePage) }, ...errorResponses('validation_failed', 'unauthenticated', 'not_a_member', 'not_found') },
  });
};
