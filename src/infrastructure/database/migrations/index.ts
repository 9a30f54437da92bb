import type { Migration } from 'kysely';
import * as initialSchema from './2026-11-23T0000-initial-schema';
import * as loginThrottle from './2026-11-23T0100-login-throttle';
import * as sendReservations from './2026-12-02T0000-send-reservations';
import * as messageRequestsExpiry from './2026-12-02T0100-message-requests-expiry';
import * as readPositions from './2026-12-02T0200-read-positions';
import * as usersLastSeen from './2026-12-02T0300-users-last-seen';
import * as roomsMembersVersion from './2026-12-02T0400-rooms-members-version';

/** Every migration, in the order it was written. Add new files here; never edit old ones. */
export const migrations: Record<string, Migration> = {
  '2026-11-23T0000-initial-schema': initialSchema,
  '2026-11-23T0100-login-throttle': loginThrottle,
  '2026-12-02T0000-send-reservations': sendReservations,
  '2026-12-02T0100-message-requests-expiry': messageRequestsExpiry,
  '2026-12-02T0200-read-positions': readPositions,
  '2026-12-02T0300-users-last-seen': usersLastSeen,
  '2026-12-02T0400-rooms-members-version': roomsMembersVersion,
};
