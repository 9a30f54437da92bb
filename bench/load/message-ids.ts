/**
 * Client message ids of a run: `<runTag>~<unique part>~<intended send time, ms>`. The send
 * time travels with the message, so any load process can time a delivery without asking
 * the sender, and the tag tells this run's messages from anyone else's.
 */
export function messageId(runTag: string, unique: string, sentAt: number): string {
  return `${runTag}~${unique}~${sentAt.toFixed(3)}`;
}

/** The intended send time of one of this run's messages, or null for any other message. */
export function sentAtOf(runTag: string, clientMessageId: string | undefined): number | null {
  if (!clientMessageId?.startsWith(`${runTag}~`)) return null;
  const sentAt = Number(clientMessageId.slice(clientMessageId.lastIndexOf('~') + 1));
  return Number.isFinite(sentAt) ? sentAt : null;
}
