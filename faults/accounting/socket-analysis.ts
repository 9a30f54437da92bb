import type { SocketLog } from './records';

export interface SocketFigures {
  /** The same conversation seq received twice on one socket (the server promises once per socket). */
  repeatedOnSocket: number;
  /** A seq received after a higher one of the same conversation, on one socket. */
  outOfOrder: number;
  /** Jumps n → n+k (k > 1) over what the socket had (its `resume` position or what it received). */
  gapJumps: number;
  /** Messages those jumps skipped. */
  gapSkipped: number;
  /** Skipped messages that never arrived on that socket afterwards. */
  gapUnfilled: number;
  /** A few concrete cases per kind, for the failure messages. */
  examples: { outOfOrder: string[]; gaps: string[]; repeated: string[] };
}

const EXAMPLES = 3;

/**
 * Per socket and conversation, in arrival order: repeats, seqs going backwards, and jumps
 * over messages the socket never had. A socket starts from the position it asked to resume
 * from; a jump counts as filled only if the skipped seqs later reach the same socket.
 */
export function analyseSockets(sockets: readonly SocketLog[]): SocketFigures {
  const figures: SocketFigures = { repeatedOnSocket: 0, outOfOrder: 0, gapJumps: 0, gapSkipped: 0, gapUnfilled: 0, examples: { outOfOrder: [], gaps: [], repeated: [] } };
  const note = (list: string[], text: string) => void (list.length < EXAMPLES && list.push(text));
  for (const socket of sockets) {
    const name = `${socket.receiver} socket ${socket.socket} on ${socket.node}`;
    const byConversation = new Map<string, { seen: Set<number>; highest: number; position: number; missing: Set<number> }>();
    for (const frame of socket.frames) {
      let track = byConversation.get(frame.conversationId);
      if (!track) {
        const position = socket.since[frame.conversationId] ?? 0;
        track = { seen: new Set(), highest: 0, position, missing: new Set() };
        byConversation.set(frame.conversationId, track);
      }
      if (track.seen.has(frame.seq)) {
        figures.repeatedOnSocket += 1;
        note(figures.examples.repeated, `${name}: seq ${frame.seq} twice`);
        continue;
      }
      track.seen.add(frame.seq);
      track.missing.delete(frame.seq);
      if (frame.seq < track.highest) {
        figures.outOfOrder += 1;
        note(figures.examples.outOfOrder, `${name}: seq ${frame.seq} (${frame.via}) after ${track.highest}`);
      }
      if (frame.seq > track.position + 1) {
        const skipped = range(track.position + 1, frame.seq - 1).filter((seq) => !track.seen.has(seq));
        if (skipped.length > 0) {
          figures.gapJumps += 1;
          figures.gapSkipped += skipped.length;
          for (const seq of skipped) track.missing.add(seq);
          note(figures.examples.gaps, `${name}: ${track.position} → ${frame.seq} (${frame.via}), ${skipped.length} skipped`);
        }
      }
      track.position = Math.max(track.position, frame.seq);
      track.highest = Math.max(track.highest, frame.seq);
    }
    for (const track of byConversation.values()) figures.gapUnfilled += track.missing.size;
  }
  return figures;
}

function range(from: number, to: number): number[] {
  return from > to ? [] : Array.from({ length: to - from + 1 }, (_, index) => from + index);
}
