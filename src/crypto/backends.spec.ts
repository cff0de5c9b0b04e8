import { RECOMMENDED_BACKEND, loadGroup, loadGroupFor } from './backends';
import { ristretto255Group } from './group';
import { createSodiumGroup } from './group-sodium';

describe('group backends', () => {
  test('loadGroup: noble is the reference object, sodium the cached libsodium backend', async () => {
    expect(await loadGroup('noble')).toBe(ristretto255Group);
    const s = await loadGroup('sodium');
    expect(s).toBe(await createSodiumGroup());
    expect(s).not.toBe(ristretto255Group);
    expect(s.name).toBe(ristretto255Group.name);
    expect(s.toHex(s.mulBase(12345n))).toBe(ristretto255Group.toHex(ristretto255Group.mulBase(12345n)));
  });
  test('an unknown name is refused', async () => {
    await expect(loadGroup('openssl' as never)).rejects.toThrow(/unknown group backend/);
  });
  test('every use has a recommendation, and loadGroupFor returns that backend', async () => {
    expect(Object.keys(RECOMMENDED_BACKEND).sort()).toEqual(['prepare', 'tally', 'verify']);
    for (const use of ['prepare', 'verify', 'tally'] as const) {
      expect(await loadGroupFor(use)).toBe(await loadGroup(RECOMMENDED_BACKEND[use]));
    }
  });
});
