import { CryptoError } from '../errors';
import { ristretto255Group as group } from '../group';
import { bytesToHex } from '../encoding';
import { MANIFEST_JSON } from '../../../test/crypto/ballot/fixture';
import { canonicalManifestBytes, contestLowerBound, manifestHash, parseManifest } from './manifest';

type Json = Record<string, unknown>;
const clone = (): Json => JSON.parse(JSON.stringify(MANIFEST_JSON));
const contest = (m: Json, i: number) => (m.contests as Json[])[i];

describe('manifest', () => {
  it('parses, freezes and hashes a valid manifest canonically', () => {
    const m = parseManifest(clone());
    expect(Object.isFrozen(m) && Object.isFrozen(m.contests[0].options[0])).toBe(true);
    expect(new TextDecoder().decode(canonicalManifestBytes(m))).toBe(JSON.stringify(MANIFEST_JSON));
    // key order in the input does not matter; the canonical form fixes it
    const reordered = { contests: clone().contests, title: MANIFEST_JSON.title, electionId: MANIFEST_JSON.electionId };
    expect(bytesToHex(manifestHash(group, parseManifest(reordered)))).toBe(bytesToHex(manifestHash(group, m)));
    expect(m.contests.map(contestLowerBound)).toEqual([1, 0, 0]);
  });

  it('any detail changes the hash', () => {
    const h0 = bytesToHex(manifestHash(group, parseManifest(clone())));
    const edits: ((m: Json) => void)[] = [
      (m) => (m.title = 'City election 2026 '),
      (m) => (m.electionId = 'city-2027'),
      (m) => (contest(m, 0).title = 'Mayors'),
      (m) => ((contest(m, 1).options as Json[])[0].title = 'Dan'),
      (m) => (contest(m, 1).maxSelections = 3),
      (m) => (contest(m, 1).blankAllowed = false),
      (m) => (contest(m, 0).options as Json[]).reverse(),
      (m) => (m.contests as Json[]).reverse(),
    ];
    const seen = new Set([h0]);
    for (const e of edits) {
      const m = clone();
      e(m);
      seen.add(bytesToHex(manifestHash(group, parseManifest(m))));
    }
    expect(seen.size).toBe(edits.length + 1);
  });

  const negatives: [string, (m: Json) => void][] = [
    ['unknown top-level field', (m) => (m.extra = 1)],
    ['missing title', (m) => delete m.title],
    ['unknown contest field', (m) => (contest(m, 0).x = 1)],
    ['unknown option field', (m) => ((contest(m, 0).options as Json[])[0].x = 1)],
    ['uppercase id', (m) => (m.electionId = 'City')],
    ['empty id', (m) => (contest(m, 0).id = '')],
    ['duplicate contest id', (m) => (contest(m, 1).id = 'mayor')],
    ['duplicate option id', (m) => ((contest(m, 0).options as Json[])[1].id = 'alice')],
    ['no contests', (m) => (m.contests = [])],
    ['one option', (m) => (contest(m, 0).options = [(contest(m, 0).options as Json[])[0]])],
    ['unknown kind', (m) => (contest(m, 0).kind = 'ranked')],
    ['one-of-m with max 2', (m) => (contest(m, 0).maxSelections = 2)],
    ['referendum with 3 options', (m) => (contest(m, 2).options as Json[]).push({ id: 'maybe', title: 'Maybe' })],
    ['min > max', (m) => (contest(m, 1).minSelections = 3)],
    ['max > m', (m) => Object.assign(contest(m, 1), { blankAllowed: false, maxSelections: 5 })],
    ['min 0', (m) => (contest(m, 1).minSelections = 0)],
    ['blank allowed with min 2', (m) => Object.assign(contest(m, 1), { minSelections: 2 })],
    ['non-integer max', (m) => (contest(m, 1).maxSelections = 1.5)],
    ['string max', (m) => (contest(m, 1).maxSelections = '2')],
    ['blankAllowed not boolean', (m) => (contest(m, 1).blankAllowed = 1)],
    ['non-NFC title', (m) => (contest(m, 0).title = 'Chloe\u0301')],
    ['control character', (m) => (contest(m, 0).title = 'a\nb')],
    ['empty title', (m) => (m.title = '')],
    ['title too long', (m) => (m.title = 'x'.repeat(257))],
    ['contests not an array', (m) => (m.contests = {})],
  ];
  it.each(negatives)('rejects: %s', (_, edit) => {
    const m = clone();
    edit(m);
    expect(() => parseManifest(m)).toThrow(expect.objectContaining({ code: 'INVALID_MANIFEST' }));
  });

  it('rejects non-objects', () => {
    for (const x of [null, [], 'm', 1]) expect(() => parseManifest(x)).toThrow(CryptoError);
  });
});
