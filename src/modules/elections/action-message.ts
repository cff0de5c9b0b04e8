import type { ElectionAction } from './lifecycle';

const VERBS: Record<ElectionAction, string> = {
  start_key_ceremony: 'Start the key ceremony of',
  open: 'Open',
  close: 'Close',
  record_tally: 'Record the tally of',
  publish: 'Publish the result of',
};

/**
 * The message an official confirms with itsme (step-up) before a critical action; its SHA-256 is the
 * action hash the confirmation is bound to. It names the action and the election unambiguously.
 */
export function electionActionMessage(action: ElectionAction, election: { id: string; title: string }): string {
  return `${VERBS[action]} the election "${election.title}" (${election.id})`;
}
