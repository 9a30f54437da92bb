/** The topics Parley uses, named from one prefix so tests and deployments can keep theirs apart. */
export function topicNames(prefix: string) {
  return {
    /** Messages accepted from clients, keyed by conversation id; the store consumer group reads them. */
    accepted: `${prefix}.messages.accepted.v1`,
    /** Messages committed to Postgres, keyed by conversation id; every node reads them to fan out. */
    stored: `${prefix}.messages.stored.v1`,
    /** Session, account and room membership changes every node must act on (logout, deactivation, join, leave). */
    control: `${prefix}.control.v1`,
    /** Presence and typing: passing signals every node reads, kept only briefly (EPHEMERAL_RETENTION_MS). */
    signals: `${prefix}.signals.v1`,
  } as const;
}

export type TopicNames = ReturnType<typeof topicNames>;

/** How long the signals topic keeps records: a starting node reads back only a few seconds of it. */
export const EPHEMERAL_RETENTION_MS = 10 * 60_000;
