import { bytesToHex } from '../encoding';
import { generatePseudonymKeyPair } from '../tokens/pseudonym';
import { leafHash, treeRoot } from './merkle';
import { signTreeHead, verifyTreeHead } from './tree-head';

describe('signed tree heads', () => {
  const board = generatePseudonymKeyPair();
  const root = bytesToHex(treeRoot([leafHash(new Uint8Array([1]))]));
  const head = signTreeHead({ electionId: 'e-2027', size: 1, root, timestamp: 1_800_000_000_000 }, board.secretKey);

  it('verify under the board key', () => {
    expect(verifyTreeHead(head, board.publicKey)).toBe(true);
  });

  it.each([
    ['electionId', { electionId: 'e-2028' }],
    ['size', { size: 2 }],
    ['root', { root: bytesToHex(treeRoot([])) }],
    ['timestamp', { timestamp: 1_800_000_000_001 }],
  ])('fail when %s changes', (_name, change) => {
    expect(verifyTreeHead({ ...head, ...change }, board.publicKey)).toBe(false);
  });

  it('fail under another key and for malformed fields, without throwing', () => {
    expect(verifyTreeHead(head, generatePseudonymKeyPair().publicKey)).toBe(false);
    expect(verifyTreeHead({ ...head, signature: head.signature.toUpperCase() }, board.publicKey)).toBe(false);
    expect(verifyTreeHead({ ...head, root: 'zz' }, board.publicKey)).toBe(false);
    expect(verifyTreeHead({ ...head, size: -1 }, board.publicKey)).toBe(false);
  });
});
