import { useEffect } from 'preact/hooks';

/** How long typing must pause before a search goes out: one request per pause, not per key. */
const PAUSE_MS = 200;

/**
 * Runs `search` once typing pauses; an answer that comes after a newer search began is dropped,
 * so a slow reply never overwrites a fresher one.
 */
export function useSearch<T>(text: string, search: (text: string) => Promise<T>, found: (result: T) => void, failed: (message: string) => void): void {
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      search(text).then(
        (result) => current && found(result),
        (caught: unknown) => current && failed(caught instanceof Error ? caught.message : String(caught)),
      );
    }, PAUSE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text]);
}
