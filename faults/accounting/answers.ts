import { PHASES, type AnswerRecord, type Phase } from './records';

export interface AnswerSummary {
  /** Outcome → count, per phase in which the request was sent. */
  byPhase: Record<Phase, Record<string, number>>;
  /** The longest wait of the requests sent in each phase, ms. */
  longestByPhase: Record<Phase, number>;
  longest: AnswerRecord | null;
  /** Requests that waited longer than the limit. */
  overLimit: number;
}

/** What clients were answered, and how long they waited for it, phase by phase. */
export function summariseAnswers(answers: readonly AnswerRecord[], maxWaitMs: number): AnswerSummary {
  const byPhase = Object.fromEntries(PHASES.map((phase) => [phase, {}])) as Record<Phase, Record<string, number>>;
  const longestByPhase = Object.fromEntries(PHASES.map((phase) => [phase, 0])) as Record<Phase, number>;
  let longest: AnswerRecord | null = null;
  let overLimit = 0;
  for (const answer of answers) {
    const counts = byPhase[answer.phase];
    counts[answer.outcome] = (counts[answer.outcome] ?? 0) + 1;
    longestByPhase[answer.phase] = Math.max(longestByPhase[answer.phase], answer.waitMs);
    if (!longest || answer.waitMs > longest.waitMs) longest = answer;
    if (answer.waitMs > maxWaitMs) overLimit += 1;
  }
  return { byPhase, longestByPhase, longest, overLimit };
}
