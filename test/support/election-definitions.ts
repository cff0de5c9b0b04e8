import type { TestTrustee } from './key-ceremony';

/** A small municipal election definition (two contests) for tests, as an official would post it. */
export function electionDefinition(trustees: TestTrustee[], over: Record<string, unknown> = {}) {
  return {
    slug: `test-${Math.random().toString(36).slice(2, 10)}`,
    title: 'Gemeenteraadsverkiezingen Leuven 2027',
    kind: 'municipal',
    electionDay: '2027-05-09',
    constituency: 'Leuven',
    revoting: 'last',
    trusteeThreshold: 2,
    trustees: trustees.map((t) => ({ name: `Trustee ${t.index}`, publicKey: t.publicKey })),
    issuerThreshold: 2,
    contests: [
      {
        id: 'council',
        title: 'Gemeenteraad',
        kind: 'one-of-m',
        minSelections: 1,
        maxSelections: 1,
        blankAllowed: true,
        options: [
          { id: 'list-a', title: 'Lijst A' },
          { id: 'list-b', title: 'Lijst B' },
          { id: 'list-c', title: 'Lijst C' },
        ],
      },
      {
        id: 'referendum',
        title: 'Autovrije binnenstad?',
        kind: 'referendum',
        minSelections: 1,
        maxSelections: 1,
        blankAllowed: false,
        options: [
          { id: 'yes', title: 'Ja' },
          { id: 'no', title: 'Nee' },
        ],
      },
    ],
    ...over,
  };
}
