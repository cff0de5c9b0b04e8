/** Which group backend the workers use (docs/performance.md: chosen by measurement). */
import { defaultGroup, type Group } from '../crypto/group';

export type GroupBackend = 'noble' | 'sodium';

export async function loadGroupBackend(name: GroupBackend): Promise<Group> {
  if (name === 'noble') return defaultGroup;
  throw new Error(`group backend ${name} is not available`);
}
