import fc from 'fast-check';
import { utf8ToBytes } from '../encoding';
import { CompactRange, consistencyProof, inclusionProof, leafHash, treeRoot } from './merkle';
import { assembleProof, consistencyPlan, inclusionPlan, nodeKey, planNodes, rangeNodes, type NodeId } from './merkle-nodes';

const MAX = 300;
const leaves = Array.from({ length: MAX }, (_, i) => leafHash(utf8ToBytes(`leaf ${i}`)));

// What a server stores: every leaf (level 0) and every subtree an append completes, exactly as the
// compact range reports them.
const stored = new Map<string, Uint8Array>();
let range = CompactRange.empty();
for (const [i, l] of leaves.entries()) {
  stored.set(nodeKey({ level: 0, index: i }), l);
  const next = range.appendCompleting(l);
  for (const n of next.completed) stored.set(nodeKey(n), n.hash);
  range = next.range;
}

/** The store as it was when the log had `size` entries: a proof at that size must only use those nodes. */
const storeAt = (size: number) => (id: NodeId) => ((id.index + 1) * 2 ** id.level <= size ? stored.get(nodeKey(id)) : undefined);
const log2ceil = (n: number) => Math.ceil(Math.log2(n));

describe('Merkle proofs from stored subtrees', () => {
  it('each append stores the subtrees it completes, with their true hashes, about one per append', () => {
    expect(stored.size - MAX).toBe(MAX - MAX.toString(2).split('').filter((b) => b === '1').length);
    for (const [key, hash] of stored) {
      const [level, index] = key.split(':').map(Number);
      expect(hash).toEqual(treeRoot(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level)));
    }
  });

  it('inclusion proofs equal the in-memory ones, from O(log n) nodes available at that size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }))),
        ([n, m]) => {
          const plan = inclusionPlan(m, n);
          expect(assembleProof(plan, storeAt(n))).toEqual(inclusionProof(leaves, m, n));
          expect(planNodes(plan).length).toBeLessThanOrEqual(2 * log2ceil(n));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('consistency proofs equal the in-memory ones, from O(log n) nodes available at the new size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
        ([m, n]) => {
          const plan = consistencyPlan(m, n);
          expect(assembleProof(plan, storeAt(n))).toEqual(consistencyProof(leaves, m, n));
          expect(planNodes(plan).length).toBeLessThanOrEqual(2 * log2ceil(n) + 1);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('exhaustively for every index and size pair up to 64', () => {
    for (let n = 1; n <= 64; n++) {
      for (let m = 0; m < n; m++) expect(assembleProof(inclusionPlan(m, n), storeAt(n))).toEqual(inclusionProof(leaves, m, n));
      for (let m = 0; m <= n; m++) expect(assembleProof(consistencyPlan(m, n), storeAt(n))).toEqual(consistencyProof(leaves, m, n));
    }
  });

  it('works at national sizes without leaves: a million-entry tree needs a few dozen nodes', () => {
    const n = 1_000_003;
    const plan = inclusionPlan(123_456, n);
    expect(planNodes(plan).length).toBeLessThanOrEqual(2 * log2ceil(n));
    expect(planNodes(consistencyPlan(999_999, n)).length).toBeLessThanOrEqual(2 * log2ceil(n) + 1);
    // Past 2^32: no 32-bit bit arithmetic anywhere.
    const big = 2 ** 40 + 5;
    expect(rangeNodes(2 ** 40, big)).toEqual([{ level: 2, index: 2 ** 38 }, { level: 0, index: 2 ** 40 + 4 }]);
    expect(planNodes(inclusionPlan(big - 1, big)).every((id) => (id.index + 1) * 2 ** id.level <= big)).toBe(true);
  });

  it('refuses bad arguments and a missing subtree', () => {
    expect(() => inclusionPlan(5, 5)).toThrow(/not in a tree/);
    expect(() => inclusionPlan(0, 0)).toThrow(/out of range/);
    expect(() => consistencyPlan(6, 5)).toThrow(/cannot prove/);
    expect(() => rangeNodes(1, 3)).toThrow(/not a subtree/);
    expect(() => assembleProof(inclusionPlan(0, 8), storeAt(7))).toThrow(/missing/);
  });
});
