/**
 * Tiny loader for test/vectors/ristretto255-rfc9496.json (RFC 9496 Appendix A + hash-to-group examples).
 * Validates the shape so a corrupted vector file fails loudly instead of silently testing nothing.
 */
import raw from '../vectors/ristretto255-rfc9496.json';

export interface Rfc9496Vectors {
  readonly provenance: string;
  readonly multiplesOfGenerator: readonly string[];
  readonly invalidEncodings: readonly string[];
  readonly fromUniformBytes: readonly { readonly input: string; readonly output: string }[];
  readonly hashToGroupExamples: readonly { readonly label: string; readonly output: string }[];
}

function strings(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new Error(`${what}: expected string[]`);
  return v;
}

export function loadRfc9496Vectors(): Rfc9496Vectors {
  const r = raw as Record<string, any>;
  if (typeof r.provenance !== 'string' || !r.provenance.includes('RFC 9496')) throw new Error('vectors: provenance missing');
  return Object.freeze({
    provenance: r.provenance,
    multiplesOfGenerator: strings(r.multiples_of_generator.encodings, 'multiples'),
    invalidEncodings: strings(r.invalid_encodings.encodings, 'invalid encodings'),
    fromUniformBytes: (r.from_uniform_bytes.vectors as any[]).map((v) => ({
      input: String(v.input_uniform_bytes),
      output: String(v.output_element),
    })),
    hashToGroupExamples: (r.hash_to_group_examples.vectors as any[]).map((v) => ({
      label: String(v.label),
      output: String(v.output_element),
    })),
  });
}
