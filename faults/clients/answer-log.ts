import type { AnswerRecord, Phase } from '../accounting/records';

/**
 * Every answer the clients got, stamped with the phase of the fault in which its request
 * was sent and how long it waited. The run moves `phase` forward as the fault unfolds.
 */
export class AnswerLog {
  readonly answers: AnswerRecord[] = [];
  phase: Phase = 'before';

  /** Starts timing one request; call the returned function once, with what came back. */
  start(): (outcome: string) => number {
    const phase = this.phase;
    const startedAt = performance.now();
    return (outcome) => {
      const waitMs = performance.now() - startedAt;
      this.answers.push({ phase, outcome, waitMs });
      return waitMs;
    };
  }
}

/** An HTTP failure without a status, as an outcome: `no answer` for a timeout, else the socket error's code. */
export function transportFailure(error: unknown): string {
  if (error instanceof Error && error.message === 'timeout') return 'no answer';
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code ?? (error instanceof Error ? error.message : String(error));
}
