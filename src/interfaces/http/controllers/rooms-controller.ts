import { Router, type Request } from 'express';
import type { MembershipOutcome } from '../../../application/policies/members-announcement';
import type { CreateRoom } from '../../../application/use-cases/create-room';
import type { JoinRoom } from '../../../application/use-cases/join-room';
import type { LeaveRoom } from '../../../application/use-cases/leave-room';
import type { ListRooms } from '../../../application/use-cases/list-rooms';
import type { RoomHistory } from '../../../application/use-cases/room-history';
import type { RoomMembers } from '../../../application/use-cases/room-members';
import { presentMessage } from '../../message-presenter';
import { requireUser, signedIn } from '../middleware/require-user';
import { CreateRoomBody, historyQuery, presentRoom, roomListQuery, RoomNameParams } from '../schemas/messaging-schemas';
import { parseInput } from '../validation';

export interface RoomsControllerDeps {
  createRoom: CreateRoom;
  listRooms: ListRooms;
  joinRoom: JoinRoom;
  leaveRoom: LeaveRoom;
  roomMembers: RoomMembers;
  roomHistory: RoomHistory;
  history: { pageSize: number; maxPageSize: number };
}

/**
 * A membership change is answered as done once it is in Postgres, even when announcing it to the
 * nodes failed: it did happen (a retry would change nothing, so answering 503 would mislead), and
 * delivery does not depend on the announcement (see announceMembersChange).
 */
function noteUnannounced(req: Request, { room, announced }: MembershipOutcome) {
  if (!announced) req.log?.warn({ roomId: room.id }, 'room membership change not announced; nodes read the members again at the next message');
  return room;
}

/** /api/rooms: rooms, their members and their history. */
export function roomsController(deps: RoomsControllerDeps): Router {
  const router = Router();
  const pageQuery = historyQuery(deps.history.pageSize, deps.history.maxPageSize);
  const listQuery = roomListQuery(deps.history.pageSize, deps.history.maxPageSize);

  router.post('/rooms', requireUser, async (req, res) => {
    const { name } = parseInput(CreateRoomBody, req.body);
    const room = noteUnannounced(req, await deps.createRoom.execute({ userId: signedIn(req).id, name }, req.publisher));
    res.status(201).json({ room: presentRoom(room) });
  });

  router.get('/rooms', requireUser, async (req, res) => {
    const page = await deps.listRooms.execute(parseInput(listQuery, req.query));
    res.json({ items: page.items.map(presentRoom), nextCursor: page.nextCursor });
  });

  router.post('/rooms/:name/join', requireUser, async (req, res) => {
    const { name } = parseInput(RoomNameParams, req.params);
    res.json({ room: presentRoom(noteUnannounced(req, await deps.joinRoom.execute({ userId: signedIn(req).id, name }, req.publisher))) });
  });

  router.post('/rooms/:name/leave', requireUser, async (req, res) => {
    const { name } = parseInput(RoomNameParams, req.params);
    res.json({ room: presentRoom(noteUnannounced(req, await deps.leaveRoom.execute({ userId: signedIn(req).id, name }, req.publisher))) });
  });

  router.get('/rooms/:name/members', requireUser, async (req, res) => {
    const { name } = parseInput(RoomNameParams, req.params);
    const { limit, cursor } = parseInput(listQuery, req.query);
    res.json(await deps.roomMembers.execute({ userId: signedIn(req).id, name, limit, cursor }));
  });

  router.get('/rooms/:name/messages', requireUser, async (req, res) => {
    const { name } = parseInput(RoomNameParams, req.params);
    const page = await deps.roomHistory.execute({ userId: signedIn(req).id, name, ...parseInput(pageQuery, req.query) });
    res.json({ items: page.items.map(presentMessage), nextCursor: page.nextCursor });
  });

  return router;
}
