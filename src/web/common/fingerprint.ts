/** The election fingerprint H as people pass it around: in a link (`?fingerprint=`) and on paper, in groups of four. */
import { param } from './api';

/** `?fingerprint=` of the page's link: 64 hex (spaces, colons and dashes ignored), 'invalid', or null when absent. */
export function fingerprintParam(): string | null {
  const raw = param('fingerprint');
  if (raw === null) return null;
  const hex = raw.replace(/[\s:-]/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : 'invalid';
}

/** H in groups of four, for a person to compare with the published fingerprint. */
export const groupedFingerprint = (hex: string): string => hex.match(/.{1,4}/g)!.join(' ');
