/** Which group backend the workers use: by default the one measured fastest for the job (src/crypto/backends.ts). */
import { type BackendName, loadGroup, RECOMMENDED_BACKEND } from '../crypto/backends';
import type { Group } from '../crypto/group';

export type GroupBackend = BackendName;

/** Verification and tally workers: the recommended backend (both give the same bytes and verdicts). */
export const DEFAULT_WORKER_BACKEND: GroupBackend = RECOMMENDED_BACKEND.verify;

export function loadGroupBackend(name: GroupBackend): Promise<Group> {
  return loadGroup(name);
}
