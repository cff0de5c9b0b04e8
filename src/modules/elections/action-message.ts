import { confirmTextProblem } from '../identity/itsme';
import type { ElectionAction } from './lifecycle';

/** Changes to an election's officials; like the critical lifecycle actions, each needs a step-up. */
export const OFFICIAL_ACTIONS = ['add_official', 'remove_official'] as const;
export type OfficialAction = (typeof OFFICIAL_ACTIONS)[number];
/** Everything an official may be asked to confirm on an election. */
export type ConfirmableAction = ElectionAction | OfficialAction;

const VERBS: Record<ConfirmableAction, string> = {
  start_key_ceremony: 'Start the key ceremony of',
  open: 'Open',
  close: 'Close',
  record_tally: 'Record the tally of',
  publish: 'Publish the result of',
  archive: 'Archive (set aside for good) the draft',
  abandon_ceremony: 'Abandon the failed key ceremony and archive',
  add_official: 'Add a co-official to',
  remove_official: 'Remove a co-official from',
};

/**
 * The message an official confirms with itsme (step-up) before a critical action; its SHA-256 is the
 * action hash the confirmation is bound to. It names the action and the election unambiguously.
 *
 * The officials' changes name the election and the kind of change, not the person: the message travels
 * to the identity provider in the authorization request (a URL: browser history, proxy and provider
 * logs) and is shown on the phone, and a national number there would hand a third person's identity to
 * all of them. What binds the confirmation to this change instead: it is bound to this session and
 * subject, spent once within STEP_UP_TTL_SECONDS, and spent in the same transaction as the change whose
 * request names the number (so "add" cannot serve a removal, nor one election another, nor twice).
 */
export function electionActionMessage(action: ConfirmableAction, election: { id: string; title: string }): string {
  const full = `${VERBS[action]} the election "${election.title}" (${election.id})`;
  // itsme shows ISO-8859-15 only, at most 7,500 characters: a title it cannot show (a Polish name, an
  // emoji) would make the action impossible to confirm. The shorter text still names the action and,
  // by its id, the election; being a function of them alone, it binds the confirmation just as well.
  return confirmTextProblem(full) === null ? full : `${VERBS[action]} the election ${election.id}`;
}
