import type { ElectionRow } from './elections.service';

/** The public view of an election: what anyone may see, in the API's JSON shape. */
export function toElectionView(e: ElectionRow, trustees?: Array<{ index: number; name: string; publicKey: string }>) {
  return {
    id: e.id,
    slug: e.slug,
    title: e.title,
    status: e.status,
    kind: e.kind,
    electionDay: e.election_day,
    constituency: e.constituency,
    revoting: e.revoting,
    compulsoryVoting: e.compulsory_voting,
    opensAt: e.opens_at?.toISOString() ?? null,
    closesAt: e.closes_at?.toISOString() ?? null,
    manifest: JSON.parse(e.manifest) as unknown,
    manifestHash: e.manifest_hash.toString('hex'),
    trusteeThreshold: e.trustee_threshold,
    trusteeCount: e.trustee_count,
    ...(trustees ? { trustees } : {}),
    issuerThreshold: e.issuer_threshold,
    issuerIds: e.issuer_ids,
    setupHash: e.setup_hash?.toString('hex') ?? null,
    keySet: e.key_set ? (JSON.parse(e.key_set) as unknown) : null,
    baseHash: e.base_hash?.toString('hex') ?? null,
  };
}
