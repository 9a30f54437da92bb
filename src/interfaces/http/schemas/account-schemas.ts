import { passwordIssues, USERNAME_PATTERN } from '../../../domain/user';
import { z } from '../../zod';

/** Request and response schemas of the accounts area: they validate requests and generate the OpenAPI spec. */

const password = z
  .string()
  .superRefine((value, ctx) => {
    for (const issue of passwordIssues(value)) ctx.addIssue({ code: 'custom', message: issue.message });
  })
  .openapi({ description: '8 characters to 72 bytes in UTF-8 (bcrypt ignores anything longer, so it is refused)', example: 'correct horse battery' });

export const RegisterBody = z
  .object({
    username: z
      .string()
      .regex(USERNAME_PATTERN, 'must be 3-32 of letters, digits, _ . -')
      .openapi({ example: 'alice' }),
    email: z.email('must be a valid email address').max(254).openapi({ example: 'alice@example.com' }),
    password,
  })
  .openapi('RegisterRequest');

export const LoginBody = z
  .object({
    username: z.string().min(1, 'is required').max(254).openapi({ description: 'Username or email', example: 'alice' }),
    password: z.string().min(1, 'is required').max(1024).openapi({ example: 'correct horse battery' }),
  })
  .openapi('LoginRequest');

export const UserSchema = z
  .object({
    id: z.uuid(),
    username: z.string(),
    email: z.email().optional().openapi({ description: 'Only when you look at yourself' }),
    createdAt: z.iso.datetime(),
  })
  .openapi('User');

export const UserResponse = z.object({ user: UserSchema }).openapi('UserResponse');

export const Presence = z
  .object({
    online: z.boolean().openapi({ description: 'At least one WebSocket open on any node (offline is told only after PRESENCE_GRACE_SECONDS)' }),
    lastSeenAt: z.iso
      .datetime()
      .nullable()
      .openapi({ description: 'When the user was last online; null while online, or if never seen' }),
  })
  .openapi('Presence');

export const UserWithPresenceResponse = z
  .object({ user: UserSchema.extend({ presence: Presence }).openapi('UserWithPresence') })
  .openapi('UserWithPresenceResponse');

export const UserSummary = z.object({ id: z.uuid(), username: z.string() }).openapi('UserSummary');

export const UsersPage = z
  .object({
    items: z.array(UserSummary),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last page' }),
  })
  .openapi('UsersPage');

export const ListUsersQuery = z.object({
  search: z.string().max(32).optional().openapi({ description: 'Username prefix, ignoring case' }),
  limit: z.coerce.number().int().min(1).max(100).optional().openapi({ description: 'Page size, default 50, at most 100' }),
  cursor: z.string().max(200).optional().openapi({ description: 'The nextCursor of the previous page' }),
});

export const UserIdParams = z.object({ id: z.uuid('must be a user id (UUID)') });
