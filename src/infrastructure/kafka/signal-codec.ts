import type { Signal } from '../../application/ports/signal-publisher';

/** Signals on the wire: JSON with their type and a schema version, like the chat events. */
export const SIGNAL_SCHEMA_VERSION = 1;

export function encodeSignal(signal: Signal): string {
  return JSON.stringify({ ...signal, version: SIGNAL_SCHEMA_VERSION });
}

/** Presence signals are keyed by node, so one node's changes and heartbeats stay in order; typing by conversation. */
export function signalKey(signal: Signal): string {
  return signal.type === 'typing' ? signal.conversationId : signal.nodeId;
}

const TYPES = new Set<Signal['type']>(['presence.changed', 'presence.heartbeat', 'presence.node-stopped', 'typing']);

/** Parses a record; null for one this version does not understand (skipped, not fatal). */
export function decodeSignal(value: Buffer | null): Signal | null {
  if (!value) return null;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(value.toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (raw.version !== SIGNAL_SCHEMA_VERSION || !TYPES.has(raw.type as Signal['type'])) return null;
  const at = new Date(String(raw.at));
  if (Number.isNaN(at.getTime())) return null;
  const { version: _version, ...signal } = raw;
  return { ...signal, at } as unknown as Signal;
}
