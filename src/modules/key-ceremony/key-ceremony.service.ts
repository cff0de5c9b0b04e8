import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ConflictError, NotFoundError, StateError, UnprocessableError } from '../../common/errors/domain-error';
import { createElection } from '../../crypto/ballot/election';
import { parseManifest } from '../../crypto/ballot/manifest';
import { bytesEqual, bytesToHex } from '../../crypto/encoding';
import { CryptoError } from '../../crypto/errors';
import { ristretto255Group as group, type GroupElement } from '../../crypto/group';
import {
  type DkgComplaint,
  type DkgDealing,
  type DkgParameters,
  checkDealing,
  complaintFromJSON,
  complaintToJSON,
  createDkgParameters,
  dealingFromJSON,
  dealingToJSON,
  deriveElectionKeys,
  electionKeySetToJSON,
  judgeComplaint,
  qualifiedDealers,
} from '../../crypto/threshold/dkg';
import { BoardService } from '../board/board.service';

/** Where a ceremony stands (see docs/protocol.md §35). */
export type CeremonyState = 'not-started' | 'dealing' | 'checking' | 'complete' | 'failed';

/** A trustee's verdict on one other dealer's dealing, as posted (complaint in its JSON form). */
export interface VerdictInput {
  dealer: number;
  verdict: 'ok' | 'complaint';
  complaint?: unknown;
}

/** The public parameters of an election's ceremony, read from `elections` and `election_trustees`. */
export interface CeremonySetup {
  electionId: string;
  status: string;
  manifest: string;
  manifestHash: Uint8Array;
  threshold: number;
  trustees: Array<{ index: number; name: string; publicKey: GroupElement }>;
  params: DkgParameters;
}

interface ElectionRow {
  status: string;
  dealing_deadline: Date | null;
  verdict_deadline: Date | null;
  dealings_closed_at: Date | null;
  manifest: string;
  manifest_hash: Buffer;
  trustee_threshold: number;
  trustee_count: number;
  setup_hash: Buffer | null;
  key_set: string | null;
  base_hash: Buffer | null;
}

interface VerdictRow {
  trustee: number;
  dealer: number;
  verdict: 'ok' | 'complaint';
  complaint: string | null;
  judgment: 'dealer-faulty' | 'complaint-rejected' | null;
  reason: string | null;
}

/** How long a request nonce is remembered: beyond twice the accepted clock skew, a replay is stale anyway. */
const NONCE_RETENTION_MS = 15 * 60_000;
/** How often the server looks for ceremony rounds whose deadline has passed. */
export const CEREMONY_TICK_MS = 5_000;

/** A deadline has passed at `now` (no deadline never passes). */
const passed = (deadline: Date | null, now: Date): boolean => deadline !== null && now.getTime() >= new Date(deadline).getTime();

/**
 * The key ceremony (Pedersen DKG) run through the server: trustees post dealings and verdicts, the server
 * checks everything publicly checkable, judges complaints, and when every trustee has spoken derives the
 * election key and base hash. The server never sees a secret: shares travel ECIES-encrypted to their
 * recipients. Every state change locks the election row, so concurrent posts are serialised.
 */
@Injectable()
export class KeyCeremonyService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(KeyCeremonyService.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly board: BoardService,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.applyDeadlines().catch((e) => this.logger.error(`ceremony deadlines: ${String(e)}`)), CEREMONY_TICK_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Closes every ceremony round whose deadline has passed (§35.6): a dealing round with at least k dealings
   * goes on without the missing dealers, one with fewer fails; a verdict round ends, a missing verdict
   * counting as no complaint. @returns how many ceremonies moved on.
   */
  async applyDeadlines(now = new Date()): Promise<number> {
    const due: Array<{ id: string }> = await this.dataSource.query(
      `SELECT e.id FROM elections e
        WHERE e.status = 'key_ceremony' AND NOT EXISTS (SELECT 1 FROM dkg_outcomes o WHERE o.election_id = e.id)
          AND ((e.dealings_closed_at IS NULL AND e.dealing_deadline <= $1) OR (e.dealings_closed_at IS NOT NULL AND e.verdict_deadline <= $1))`,
      [now],
    );
    let moved = 0;
    for (const { id } of due) {
      const changed = await this.dataSource.transaction(async (m) => {
        const s = await this.setup(id, m, true);
        if (s.status !== 'key_ceremony' || (await this.outcome(m, id))) return false; // another instance got there first
        return this.closeRounds(m, s, now);
      });
      if (changed) {
        moved++;
        this.logger.log(`key ceremony of election ${id}: a round closed at its deadline`);
      }
    }
    return moved;
  }

  /** The election's ceremony parameters. @throws NotFoundError, StateError if the trustee list is inconsistent. */
  async setup(electionId: string, manager: EntityManager | DataSource = this.dataSource, lock = false): Promise<CeremonySetup & { row: ElectionRow }> {
    const rows: ElectionRow[] = await manager.query(
      `SELECT status, manifest, manifest_hash, trustee_threshold, trustee_count, setup_hash, key_set, base_hash,
              dealing_deadline, verdict_deadline, dealings_closed_at
         FROM elections WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [electionId],
    );
    if (rows.length === 0) throw new NotFoundError('election_not_found', 'No such election');
    const row = rows[0];
    const trusteeRows: Array<{ idx: number; name: string; public_key: Buffer }> = await manager.query(
      `SELECT idx, name, public_key FROM election_trustees WHERE election_id = $1 ORDER BY idx`,
      [electionId],
    );
    const n = Number(row.trustee_count);
    if (trusteeRows.length !== n || trusteeRows.some((t, i) => Number(t.idx) !== i + 1)) {
      throw new StateError('trustees_incomplete', `The election has ${trusteeRows.length} registered trustees, numbered other than 1..${n}`);
    }
    let trustees: CeremonySetup['trustees'];
    let params: DkgParameters;
    try {
      trustees = trusteeRows.map((t) => ({ index: Number(t.idx), name: t.name, publicKey: group.decode(new Uint8Array(t.public_key)) }));
      params = createDkgParameters(group, new Uint8Array(row.manifest_hash), Number(row.trustee_threshold), trustees.map((t) => t.publicKey));
    } catch (e) {
      if (e instanceof CryptoError) throw new StateError('trustees_invalid', `The registered trustee keys are not usable: ${e.message}`);
      throw e;
    }
    return {
      electionId,
      status: row.status,
      manifest: row.manifest,
      manifestHash: new Uint8Array(row.manifest_hash),
      threshold: Number(row.trustee_threshold),
      trustees,
      params,
      row,
    };
  }

  /**
   * Records a request nonce; false if this trustee already used it (a replay). Old nonces are pruned: a
   * request that old fails the timestamp check before its nonce is looked at.
   */
  async useNonce(electionId: string, trustee: number, nonce: Uint8Array, now: number): Promise<boolean> {
    await this.dataSource.query(`DELETE FROM trustee_request_nonces WHERE seen_at < $1`, [new Date(now - NONCE_RETENTION_MS)]);
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO trustee_request_nonces (election_id, trustee, nonce, seen_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT ON CONSTRAINT trustee_request_nonces_pk DO NOTHING RETURNING 1`,
      [electionId, trustee, Buffer.from(nonce), new Date(now)],
    );
    return inserted.length === 1;
  }

  /** The public view of the ceremony. */
  async view(electionId: string) {
    // One snapshot: read separately, the outcome could be seen complete while the key set read before it
    // was still empty (the ceremony finishing in between).
    return this.dataSource.transaction('REPEATABLE READ', (m) => this.viewIn(m, electionId));
  }

  private async viewIn(m: EntityManager, electionId: string) {
    const s = await this.setup(electionId, m);
    const dealingRows: Array<{ dealer: number; dealing: string }> = await m.query(
      `SELECT dealer, dealing FROM dkg_dealings WHERE election_id = $1 ORDER BY dealer`,
      [electionId],
    );
    const verdictRows = await this.verdictRows(m, electionId);
    const outcome = await this.outcome(m, electionId);
    const closed = s.row.dealings_closed_at !== null;
    const state = this.state(s.status, closed, outcome);
    const dealers = new Set(dealingRows.map((r) => Number(r.dealer)));
    const verdictsFrom = new Set(verdictRows.map((v) => Number(v.trustee)));
    const faulty = new Set(verdictRows.filter((v) => v.judgment === 'dealer-faulty').map((v) => Number(v.dealer)));
    let manifest: unknown = null;
    try {
      manifest = JSON.parse(s.manifest);
    } catch {
      manifest = null;
    }
    return {
      electionId,
      status: s.status,
      state,
      threshold: s.threshold,
      trustees: s.trustees.map((t) => ({ index: t.index, name: t.name, publicKey: group.toHex(t.publicKey) })),
      manifest,
      manifestHash: bytesToHex(s.manifestHash),
      setupHash: bytesToHex(s.params.setupHash),
      deadlines: {
        dealing: s.row.dealing_deadline ? new Date(s.row.dealing_deadline).toISOString() : null,
        verdicts: s.row.verdict_deadline ? new Date(s.row.verdict_deadline).toISOString() : null,
      },
      dealingsClosedAt: closed ? new Date(s.row.dealings_closed_at!).toISOString() : null,
      dealt: dealingRows.map((r) => Number(r.dealer)),
      // Dealings are revealed only once the dealing round has closed, so no dealer can choose its polynomial
      // after seeing others' (§30.5).
      dealings: closed ? dealingRows.map((r) => JSON.parse(r.dealing) as unknown) : [],
      verdictsFrom: [...verdictsFrom].sort((a, b) => a - b),
      // Where each trustee stands, round by round (the console shows it).
      progress: s.trustees.map((t) => ({
        index: t.index,
        dealt: dealers.has(t.index),
        verdictsPosted: verdictsFrom.has(t.index),
        disqualified: closed && !dealers.has(t.index) ? 'no_dealing' : faulty.has(t.index) ? 'faulty_dealing' : null,
      })),
      verdicts: verdictRows.map((v) => this.verdictView(v)),
      qualified: outcome?.state === 'complete' ? outcome.qualified : null,
      failure: outcome?.state === 'failed' ? outcome.reason : null,
      keySet: s.row.key_set ? (JSON.parse(s.row.key_set) as unknown) : null,
      baseHash: s.row.base_hash ? bytesToHex(new Uint8Array(s.row.base_hash)) : null,
    };
  }

  /** Trustee `trustee` posts its dealing. Idempotent for the same dealing; 409 for a different one. */
  async submitDealing(electionId: string, trustee: number, json: unknown) {
    const dealing = dealingFromJSON(group, json); // CryptoError → 400 with the reason
    if (dealing.dealer !== trustee) {
      throw new UnprocessableError('dealer_mismatch', `The dealing is from dealer ${dealing.dealer}, but the request is signed by trustee ${trustee}`);
    }
    const canonical = JSON.stringify(dealingToJSON(group, dealing));
    return this.dataSource.transaction(async (m) => {
      const s = await this.requireCeremony(m, electionId);
      const failures = checkDealing(group, s.params, dealing);
      if (failures.length > 0) throw new UnprocessableError('dealing_invalid', 'The dealing fails its public check', [...failures]);
      const existing: Array<{ dealing: string }> = await m.query(`SELECT dealing FROM dkg_dealings WHERE election_id = $1 AND dealer = $2`, [electionId, trustee]);
      const now = new Date();
      if (existing.length > 0) {
        if (existing[0].dealing !== canonical) throw new ConflictError('dealing_exists', `Trustee ${trustee} has already posted a different dealing`);
      } else {
        // Past the deadline the round is closed even before the clock has closed it: no late dealing.
        if (s.row.dealings_closed_at || passed(s.row.dealing_deadline, now)) {
          throw new StateError('dealing_round_closed', `The dealing round has closed (deadline ${this.iso(s.row.dealing_deadline)}): trustee ${trustee} is not a dealer of this ceremony`);
        }
        await m.query(`INSERT INTO dkg_dealings (election_id, dealer, dealing) VALUES ($1, $2, $3)`, [electionId, trustee, canonical]);
        await this.closeRounds(m, s, now);
      }
      const all: Array<{ dealer: number }> = await m.query(`SELECT dealer FROM dkg_dealings WHERE election_id = $1 ORDER BY dealer`, [electionId]);
      return { dealer: trustee, created: existing.length === 0, dealt: all.map((r) => Number(r.dealer)), state: await this.stateIn(m, s) };
    });
  }

  /**
   * Trustee `trustee` posts its verdict on every other dealing: ok, or a complaint (judged at once). When the
   * last trustee has posted, the ceremony ends. Idempotent for the same verdicts; 409 for different ones.
   */
  async submitVerdicts(electionId: string, trustee: number, input: readonly VerdictInput[]) {
    const parsed = input.map((v) => {
      if (v.verdict === 'ok') {
        if (v.complaint !== undefined) throw new UnprocessableError('verdict_invalid', `dealer ${v.dealer}: an "ok" verdict carries no complaint`);
        return { dealer: v.dealer, complaint: null as DkgComplaint | null };
      }
      const c = complaintFromJSON(group, v.complaint); // CryptoError → 400
      if (c.complainer !== trustee || c.dealer !== v.dealer) {
        throw new UnprocessableError('verdict_invalid', `dealer ${v.dealer}: the complaint must have complainer ${trustee} and dealer ${v.dealer}`);
      }
      return { dealer: v.dealer, complaint: c };
    });
    return this.dataSource.transaction(async (m) => {
      const s = await this.requireCeremony(m, electionId);
      const n = s.trustees.length;
      const dealings = await this.dealings(m, electionId);
      if (!s.row.dealings_closed_at) {
        throw new StateError('dealings_incomplete', `Only ${dealings.length} of ${n} dealings are in and the dealing round is open; verdicts come after it closes`);
      }
      const dealers = dealings.map((d) => d.dealer);
      if (!dealers.includes(trustee)) {
        throw new StateError('trustee_disqualified', `Trustee ${trustee} did not deal before the dealing round closed: it is not a dealer of this ceremony and posts no verdicts`);
      }
      const expected = dealers.filter((i) => i !== trustee);
      const got = parsed.map((p) => p.dealer).sort((a, b) => a - b);
      if (got.length !== expected.length || got.some((d, i) => d !== expected[i])) {
        throw new UnprocessableError('verdicts_incomplete', `Post exactly one verdict for each other dealer of this ceremony: ${expected.join(', ') || '(none)'}`);
      }
      const rows: VerdictRow[] = parsed
        .sort((a, b) => a.dealer - b.dealer)
        .map((p) => {
          if (!p.complaint) return { trustee, dealer: p.dealer, verdict: 'ok', complaint: null, judgment: null, reason: null };
          const dealing = dealings.find((d) => d.dealer === p.dealer)!;
          const j = judgeComplaint(group, s.params, dealing, p.complaint);
          return {
            trustee,
            dealer: p.dealer,
            verdict: 'complaint',
            complaint: JSON.stringify(complaintToJSON(group, p.complaint)),
            judgment: j.verdict,
            reason: j.reason,
          };
        });
      const existing = (await this.verdictRows(m, electionId)).filter((v) => Number(v.trustee) === trustee);
      if (existing.length > 0) {
        const same =
          existing.length === rows.length &&
          rows.every((r) => {
            const e = existing.find((x) => Number(x.dealer) === r.dealer);
            return e !== undefined && e.verdict === r.verdict && e.complaint === r.complaint;
          });
        if (!same) throw new ConflictError('verdicts_exist', `Trustee ${trustee} has already posted different verdicts`);
        return { trustee, created: false, verdicts: existing.map((v) => this.verdictView(v)), state: await this.stateIn(m, s) };
      }
      const now = new Date();
      if (passed(s.row.verdict_deadline, now)) {
        throw new StateError('verdict_round_closed', `The verdict round has closed (deadline ${this.iso(s.row.verdict_deadline)}); the ceremony ends without trustee ${trustee}'s verdicts`);
      }
      for (const r of rows) {
        await m.query(
          `INSERT INTO dkg_verdicts (election_id, trustee, dealer, verdict, complaint, judgment, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [electionId, r.trustee, r.dealer, r.verdict, r.complaint, r.judgment, r.reason],
        );
      }
      await this.closeRounds(m, s, now);
      return { trustee, created: true, verdicts: rows.map((v) => this.verdictView(v)), state: await this.stateIn(m, s) };
    });
  }

  /**
   * Moves the ceremony on as far as it goes at `now`, under the election's lock (§35.6). The dealing round
   * closes when every trustee has dealt, or at its deadline: then the dealings in go on the board and the
   * trustees without one are out (with fewer than k dealings the ceremony fails). The ceremony finishes when
   * every dealer has posted its verdicts on the others, or at the verdict deadline (a missing verdict is no
   * complaint: a recipient who does not complain accepts its share). @returns whether anything changed.
   */
  private async closeRounds(m: EntityManager, s: CeremonySetup & { row: ElectionRow }, now: Date): Promise<boolean> {
    const n = s.trustees.length;
    const rows: Array<{ dealer: number; dealing: string }> = await m.query(
      `SELECT dealer, dealing FROM dkg_dealings WHERE election_id = $1 ORDER BY dealer`,
      [s.electionId],
    );
    let changed = false;
    if (!s.row.dealings_closed_at) {
      if (rows.length < n && !passed(s.row.dealing_deadline, now)) return false;
      if (rows.length < s.threshold) {
        const missing = s.trustees.map((t) => t.index).filter((i) => !rows.some((r) => Number(r.dealer) === i));
        await m.query(`INSERT INTO dkg_outcomes (election_id, state, qualified, reason) VALUES ($1, 'failed', $2, $3)`, [
          s.electionId,
          rows.map((r) => Number(r.dealer)),
          `only ${rows.length} of ${n} trustees dealt by the deadline (${this.iso(s.row.dealing_deadline)}), the threshold is ${s.threshold}; no dealing from ${missing.join(', ')}`,
        ]);
        return true;
      }
      for (const r of rows) {
        await this.board.append(m, s.electionId, 'trustee-commitments', { setupHash: bytesToHex(s.params.setupHash), dealing: JSON.parse(r.dealing) });
      }
      await m.query(`UPDATE elections SET dealings_closed_at = $2 WHERE id = $1`, [s.electionId, now]);
      s.row.dealings_closed_at = now;
      changed = true;
    }
    const dealers = rows.map((r) => Number(r.dealer));
    const from: Array<{ trustee: number }> = await m.query(`SELECT DISTINCT trustee FROM dkg_verdicts WHERE election_id = $1`, [s.electionId]);
    const spoken = new Set(from.map((f) => Number(f.trustee)));
    // A lone dealer has nobody's shares to check: its dealing ends the ceremony.
    if (dealers.length <= 1 || dealers.every((d) => spoken.has(d)) || passed(s.row.verdict_deadline, now)) {
      await this.finish(m, s, rows.map((r) => dealingFromJSON(group, JSON.parse(r.dealing))));
      return true;
    }
    return changed;
  }

  private iso(d: Date | null): string {
    return d ? new Date(d).toISOString() : 'none';
  }

  /** Every trustee has spoken: qualified dealers, key set, election base hash, board entry (or a failure). */
  private async finish(m: EntityManager, s: CeremonySetup, dealings: DkgDealing[]): Promise<void> {
    const verdicts = await this.verdictRows(m, s.electionId);
    const complaints = verdicts.filter((v) => v.verdict === 'complaint').map((v) => complaintFromJSON(group, JSON.parse(v.complaint!)));
    let qualifiedOrEmpty: number[] = [];
    const fail = (reason: string) =>
      m.query(`INSERT INTO dkg_outcomes (election_id, state, qualified, reason) VALUES ($1, 'failed', $2, $3)`, [s.electionId, qualifiedOrEmpty, reason]);
    let qualified: readonly number[];
    try {
      qualified = qualifiedDealers(group, s.params, dealings, complaints);
    } catch (e) {
      if (e instanceof CryptoError) return void (await fail(`no qualified dealer (${e.message})`));
      throw e;
    }
    qualifiedOrEmpty = [...qualified];
    if (qualified.length < s.threshold) {
      return void (await fail(`only ${qualified.length} dealers qualified (${qualified.join(', ')}); the threshold is ${s.threshold}`));
    }
    let keys;
    let election;
    try {
      keys = deriveElectionKeys(group, s.params, dealings, qualified);
      election = createElection(group, parseManifest(JSON.parse(s.manifest)), s.params.setupHash, keys, await this.board.electionBindings(m, s.electionId));
    } catch (e) {
      if (e instanceof CryptoError || e instanceof SyntaxError) return void (await fail(`the election key cannot be derived: ${e.message}`));
      throw e;
    }
    if (!bytesEqual(election.manifestHash, s.manifestHash)) return void (await fail('the stored manifest hash does not match the manifest'));
    const keySet = electionKeySetToJSON(group, keys);
    const keySetText = JSON.stringify(keySet);
    await m.query(`UPDATE elections SET setup_hash = $2, key_set = $3, base_hash = $4 WHERE id = $1`, [
      s.electionId,
      Buffer.from(s.params.setupHash),
      keySetText,
      Buffer.from(election.electionHash),
    ]);
    await m.query(`INSERT INTO dkg_outcomes (election_id, state, qualified, reason) VALUES ($1, 'complete', $2, NULL)`, [s.electionId, qualifiedOrEmpty]);
    await this.board.append(m, s.electionId, 'election-key', {
      manifestHash: bytesToHex(s.manifestHash),
      setupHash: bytesToHex(s.params.setupHash),
      keySet,
      baseHash: bytesToHex(election.electionHash),
      qualified: qualifiedOrEmpty,
      complaints: verdicts.filter((v) => v.verdict === 'complaint').map((v) => this.verdictView(v)),
      rollSize: election.bindings.rollSize,
      witnesses: election.bindings.witnesses.map(bytesToHex),
    });
  }

  private async requireCeremony(m: EntityManager, electionId: string) {
    const s = await this.setup(electionId, m, true);
    if (s.status !== 'key_ceremony') {
      throw new StateError('wrong_state', `The key ceremony runs while the election is in key_ceremony; it is ${s.status}`);
    }
    const outcome = await this.outcome(m, electionId);
    if (outcome) throw new StateError('ceremony_finished', `The key ceremony is already ${outcome.state}`);
    return s;
  }

  private async dealings(m: EntityManager, electionId: string): Promise<DkgDealing[]> {
    const rows: Array<{ dealing: string }> = await m.query(`SELECT dealing FROM dkg_dealings WHERE election_id = $1 ORDER BY dealer`, [electionId]);
    return rows.map((r) => dealingFromJSON(group, JSON.parse(r.dealing)));
  }

  private verdictRows(m: EntityManager | DataSource, electionId: string): Promise<VerdictRow[]> {
    return m.query(
      `SELECT trustee, dealer, verdict, complaint, judgment, reason FROM dkg_verdicts WHERE election_id = $1 ORDER BY trustee, dealer`,
      [electionId],
    );
  }

  private async outcome(m: EntityManager | DataSource, electionId: string): Promise<{ state: 'complete' | 'failed'; qualified: number[]; reason: string | null } | null> {
    const rows: Array<{ state: 'complete' | 'failed'; qualified: number[]; reason: string | null }> = await m.query(
      `SELECT state, qualified, reason FROM dkg_outcomes WHERE election_id = $1`,
      [electionId],
    );
    return rows.length === 0 ? null : { ...rows[0], qualified: rows[0].qualified.map(Number) };
  }

  private async stateIn(m: EntityManager, s: CeremonySetup & { row: ElectionRow }): Promise<CeremonyState> {
    return this.state(s.status, s.row.dealings_closed_at !== null, await this.outcome(m, s.electionId));
  }

  private state(status: string, dealingsClosed: boolean, outcome: { state: 'complete' | 'failed' } | null): CeremonyState {
    if (outcome) return outcome.state;
    if (status === 'draft') return 'not-started';
    if (status !== 'key_ceremony') return 'complete'; // opened elections have a key (the database insists)
    return dealingsClosed ? 'checking' : 'dealing';
  }

  private verdictView(v: VerdictRow) {
    return {
      trustee: Number(v.trustee),
      dealer: Number(v.dealer),
      verdict: v.verdict,
      ...(v.verdict === 'complaint' ? { complaint: JSON.parse(v.complaint!) as unknown, judgment: v.judgment, reason: v.reason } : {}),
    };
  }
}
