import { InvalidInputError } from '../../common/errors/domain-error';

/** Deadlines an official may give when starting the key ceremony (ISO 8601 instants). */
export interface CeremonyDeadlines {
  dealingDeadline?: string;
  verdictDeadline?: string;
}

/** Without a deadline given: three days to deal, then two more to check the shares. */
export const DEFAULT_DEALING_HOURS = 72;
export const DEFAULT_VERDICT_HOURS = 48;
/** A ceremony longer than this is a typing error, not a plan. */
export const MAX_CEREMONY_DAYS = 60;

const HOUR = 3_600_000;

/**
 * The two round deadlines of a ceremony starting at `now` (§35.6): each in the future, the verdict round after
 * the dealing round, both within {@link MAX_CEREMONY_DAYS}. @throws InvalidInputError `deadline_invalid`.
 */
export function ceremonyDeadlines(input: CeremonyDeadlines | undefined, now: Date): { dealing: Date; verdicts: Date } {
  const parse = (v: string | undefined, what: string): Date | undefined => {
    if (v === undefined) return undefined;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw new InvalidInputError('deadline_invalid', `The ${what} deadline is not a date and time`);
    return d;
  };
  const dealing = parse(input?.dealingDeadline, 'dealing') ?? new Date(now.getTime() + DEFAULT_DEALING_HOURS * HOUR);
  const verdicts = parse(input?.verdictDeadline, 'verdict') ?? new Date(dealing.getTime() + DEFAULT_VERDICT_HOURS * HOUR);
  const latest = now.getTime() + MAX_CEREMONY_DAYS * 24 * HOUR;
  if (dealing.getTime() <= now.getTime()) throw new InvalidInputError('deadline_invalid', 'The dealing deadline must be in the future');
  if (verdicts.getTime() <= dealing.getTime()) throw new InvalidInputError('deadline_invalid', 'The verdict deadline must come after the dealing deadline');
  if (verdicts.getTime() > latest) throw new InvalidInputError('deadline_invalid', `The ceremony must end within ${MAX_CEREMONY_DAYS} days`);
  return { dealing, verdicts };
}
