/**
 * The election lifecycle: draft → key_ceremony → open → closed → tallied → published, and a draft may
 * be archived instead (set aside for good, out of the lists; its board stays, as every board does). Pure rules, used
 * by the service before every state change and by the tests; the database CHECK constraint holds the
 * same list of states.
 */
export const ELECTION_STATUSES = ['draft', 'key_ceremony', 'open', 'closed', 'tallied', 'published', 'archived'] as const;
export type ElectionStatus = (typeof ELECTION_STATUSES)[number];

/** Official actions that change the state, each with the state it needs and the state it leads to. */
export const TRANSITIONS = {
  start_key_ceremony: { from: 'draft', to: 'key_ceremony', stepUp: true },
  open: { from: 'key_ceremony', to: 'open', stepUp: true },
  close: { from: 'open', to: 'closed', stepUp: true },
  record_tally: { from: 'closed', to: 'tallied', stepUp: false },
  publish: { from: 'tallied', to: 'published', stepUp: true },
  archive: { from: 'draft', to: 'archived', stepUp: true },
  // Only once the key ceremony has failed (too few trustees dealt or qualified): the way to start again
  // with another trustee list is a new election; this one is set aside with its board (§35.6).
  abandon_ceremony: { from: 'key_ceremony', to: 'archived', stepUp: true },
} as const satisfies Record<string, { from: ElectionStatus; to: ElectionStatus; stepUp: boolean }>;
export type ElectionAction = keyof typeof TRANSITIONS;

export class TransitionRefused extends Error {
  constructor(
    readonly action: ElectionAction,
    readonly status: ElectionStatus,
  ) {
    super(`Cannot ${action.replace(/_/g, ' ')} an election that is ${status.replace('_', ' ')} (it must be ${TRANSITIONS[action].from.replace('_', ' ')})`);
  }
}

/** The state after `action`, or a TransitionRefused explaining why not. */
export function nextStatus(status: ElectionStatus, action: ElectionAction): ElectionStatus {
  const t = TRANSITIONS[action];
  if (t.from !== status) throw new TransitionRefused(action, status);
  return t.to;
}

/** Whether the manifest and roll may still change (only before the key ceremony binds them). */
export function isEditable(status: ElectionStatus): boolean {
  return status === 'draft';
}

/** Whether ballots are accepted: open, and (when scheduled) within [opensAt, closesAt). */
export function acceptsBallots(status: ElectionStatus, now: Date, schedule: { opensAt?: Date | null; closesAt?: Date | null } = {}): boolean {
  if (status !== 'open') return false;
  if (schedule.opensAt && now < schedule.opensAt) return false;
  if (schedule.closesAt && now >= schedule.closesAt) return false;
  return true;
}

/**
 * The action the server clock calls for, if any: a scheduled opening once its time has come (the key
 * ceremony must be done), a scheduled closing once its time has passed.
 */
export function scheduledAction(status: ElectionStatus, now: Date, schedule: { opensAt?: Date | null; closesAt?: Date | null }): 'open' | 'close' | null {
  if (status === 'key_ceremony' && schedule.opensAt && now >= schedule.opensAt && !(schedule.closesAt && now >= schedule.closesAt)) return 'open';
  if (status === 'open' && schedule.closesAt && now >= schedule.closesAt) return 'close';
  return null;
}
