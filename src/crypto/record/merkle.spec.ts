import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '../encoding';
import { CompactRange, consistencyProof, inclusionProof, leafHash, nodeHash, treeRoot, verifyConsistency, verifyInclusion } from './merkle';

const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(utf8ToBytes(`leaf ${i}`)));

describe('RFC 9162 Merkle tree', () => {
  it('matches the definition on small trees', () => {
    const [a, b, c] = leaves(3);
    expect(bytesToHex(treeRoot([]))).toBe(bytesToHex(sha256(new Uint8Array(0))));
    expect(treeRoot([a])).toEqual(a);
    expect(treeRoot([a, b])).toEqual(nodeHash(a, b));
    expect(treeRoot([a, b, c])).toEqual(nodeHash(nodeHash(a, b), c));
  });

  it('has the known empty-tree root (SHA-256 of nothing)', () => {
    expect(bytesToHex(treeRoot([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('inclusion proofs verify for every leaf of trees of 1..40 leaves, and fail for another leaf, position or root', () => {
    const all = leaves(40);
    for (let n = 1; n <= 40; n++) {
      const root = treeRoot(all, n);
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(all, m, n);
        expect(verifyInclusion(all[m], m, n, proof, root)).toBe(true);
        if (n > 1) expect(verifyInclusion(all[m], (m + 1) % n, n, proof, root)).toBe(false);
        // (A proof for size n may also pass for some other sizes with the same root: RFC 9162 binds size and
        // root through the signed tree head, not through the proof. So we check leaf and root binding.)
        expect(verifyInclusion(all[(m + 1) % all.length], m, n, proof, root)).toBe(n === 1 && all.length === 1);
        expect(verifyInclusion(all[m], m, n, proof, treeRoot(all, n === 40 ? 39 : n + 1))).toBe(false);
      }
    }
  });

  it('consistency proofs verify for every pair of sizes up to 33, and fail against a wrong root', () => {
    const all = leaves(33);
    const roots = Array.from({ length: 34 }, (_, n) => treeRoot(all, n));
    for (let n = 1; n <= 33; n++) {
      for (let m = 0; m <= n; m++) {
        const proof = consistencyProof(all, m, n);
        expect(verifyConsistency(m, n, roots[m], roots[n], proof)).toBe(true);
        if (m > 0 && m < n) {
          expect(verifyConsistency(m, n, roots[m - 1], roots[n], proof)).toBe(false);
          expect(verifyConsistency(m, n, roots[m], roots[n - 1], proof)).toBe(false);
        }
      }
    }
  });

  it('rejects a rewritten history: the old tree is not a prefix of a tree with a changed leaf', () => {
    const all = leaves(10);
    const forged = [...all];
    forged[3] = leafHash(utf8ToBytes('forged'));
    const proof = consistencyProof(forged, 6, 10);
    expect(verifyConsistency(6, 10, treeRoot(all, 6), treeRoot(forged, 10), proof)).toBe(false);
  });

  it('the compact range gives the same root as the full tree at every size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), (n) => {
        const all = leaves(n);
        let range = CompactRange.empty();
        for (const l of all) range = range.append(l);
        expect(range.root()).toEqual(treeRoot(all));
        const restored = CompactRange.of(range.size, range.peaks);
        expect(restored.append(leafHash(utf8ToBytes('x'))).root()).toEqual(treeRoot([...all, leafHash(utf8ToBytes('x'))]));
      }),
      { numRuns: 30 },
    );
  });

  it('refuses malformed proofs without throwing', () => {
    const all = leaves(5);
    const root = treeRoot(all);
    const proof = inclusionProof(all, 2);
    expect(verifyInclusion(all[2], 2, 5, [...proof, proof[0]], root)).toBe(false);
    expect(verifyInclusion(all[2], 2, 5, proof.slice(1), root)).toBe(false);
    expect(verifyInclusion(all[2], -1, 5, proof, root)).toBe(false);
    expect(verifyInclusion(all[2].slice(1), 2, 5, proof, root)).toBe(false);
    expect(verifyConsistency(3, 2, root, root, [])).toBe(false);
    expect(() => CompactRange.of(3, [root])).toThrow(/does not match/);
  });
});
