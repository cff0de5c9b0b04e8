import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError, StateError } from '../../common/errors/domain-error';
import { createElection, type Election, manifestHash, parseManifest, type Manifest } from '../../crypto/ballot';
import { bytesToHex } from '../../crypto/encoding';
import { CryptoError } from '../../crypto/errors';
import { defaultGroup as group } from '../../crypto/group';
import { electionKeySetFromJSON } from '../../crypto/threshold';
import { BoardService } from '../board/board.service';
import { ElectionOfficials } from '../identity/election-officials';
import { NationalNumberHasher } from '../identity/national-number-hasher';
import { isValidNationalNumber, normalizeNationalNumber } from '../identity/national-number';
import type { SessionPrincipal } from '../identity/session.service';
import { actionHash, StepUpService } from '../identity/step-up.service';
import { ElectionIssuers } from '../tokens/election-issuers';
import type { ElectionKind } from '../eligibility/eligibility';
import { type ConfirmableAction, electionActionMessage, type OfficialAction } from './action-message';
import type { CeremonyDeadlines } from './ceremony-deadlines';
import { ceremonyDeadlines } from './ceremony-deadlines';
import type { CreateElectionDto } from './elections.dto';
import { type ElectionAction, type ElectionStatus, nextStatus, scheduledAction, TRANSITIONS, TransitionRefused } from './lifecycle';

export interface ElectionRow {
  id: string;
  slug: string;
  title: string;
  status: ElectionStatus;
  manifest: string;
  kind: ElectionKind;
  election_day: string;
  constituency: string | null;
  revoting: 'last' | 'first';
  trustee_threshold: number;
  trustee_count: number;
  issuer_threshold: number;
  issuer_ids: string[];
  opens_at: Date | null;
  closes_at: Date | null;
  manifest_hash: Buffer;
  setup_hash: Buffer | null;
  key_set: string | null;
  base_hash: Buffer | null;
  /** Shown to voters in the booth; the Belgian rule is true. */
  compulsory_voting: boolean;
}

const ELECTION_COLUMNS = `id, slug, title, status, manifest, kind, to_char(election_day, 'YYYY-MM-DD') AS election_day, constituency, revoting,
  trustee_threshold, trustee_count, issuer_threshold, issuer_ids, opens_at, closes_at, manifest_hash, setup_hash, key_set, base_hash, compulsory_voting`;

/** How often the server clock looks for scheduled openings and closings. */
export const SCHEDULE_TICK_MS = 5_000;

/**
 * Elections: creation from an official's definition, the lifecycle (each transition checked, critical
 * ones behind step-up), the schedule, and the public view. Everything public goes on the board.
 */
@Injectable()
export class ElectionsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ElectionsService.name);
  private timer: NodeJS.Timeout | undefined;
  /** Elections after their key ceremony never change: their parsed form is cached. */
  private readonly cryptoElections = new Map<string, Election>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly board: BoardService,
    private readonly issuers: ElectionIssuers,
    private readonly stepUp: StepUpService,
    private readonly officials: ElectionOfficials,
    @Inject(NationalNumberHasher) private readonly hasher: NationalNumberHasher,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.applySchedule().catch((e) => this.logger.error(`schedule: ${String(e)}`)), SCHEDULE_TICK_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Creates a draft election whose officials are `officials` (keyed hashes of national numbers: the
   * creating official); `id` is chosen by the server (the demo election has a fixed one).
   */
  async create(dto: CreateElectionDto, officials: Buffer[], id: string = randomUUID()): Promise<ElectionRow> {
    let manifest: Manifest;
    try {
      manifest = parseManifest({ electionId: id, title: dto.title, contests: dto.contests });
    } catch (e) {
      if (e instanceof CryptoError) throw new InvalidInputError('invalid_manifest', e.message);
      throw e;
    }
    if (dto.trusteeThreshold > dto.trustees.length) {
      throw new InvalidInputError('invalid_trustees', `trusteeThreshold (${dto.trusteeThreshold}) exceeds the number of trustees (${dto.trustees.length})`);
    }
    const keys = new Set<string>();
    for (const [i, t] of dto.trustees.entries()) {
      try {
        group.fromHex(t.publicKey);
      } catch {
        throw new InvalidInputError('invalid_trustees', `trustees[${i}].publicKey is not a valid ristretto255 point`);
      }
      if (keys.has(t.publicKey)) throw new InvalidInputError('invalid_trustees', `trustees[${i}].publicKey repeats another trustee's key`);
      keys.add(t.publicKey);
    }
    const issuerCount = this.issuers.count;
    if (dto.issuerThreshold > issuerCount) {
      throw new InvalidInputError('invalid_issuers', `issuerThreshold (${dto.issuerThreshold}) exceeds the ${issuerCount} issuers of this platform`);
    }
    // Each issuer signs once per voter. With k ≤ n/2 a voter could collect two disjoint sets of k
    // signatures on two different tokens and vote twice; with k > n/2 two valid tokens would need more
    // than n signatures.
    if (2 * dto.issuerThreshold <= issuerCount) {
      throw new InvalidInputError('invalid_issuers', `issuerThreshold must be a majority of the ${issuerCount} issuers (more than ${issuerCount / 2}), or a voter could obtain two tokens`);
    }
    const opensAt = dto.opensAt ? new Date(dto.opensAt) : null;
    const closesAt = dto.closesAt ? new Date(dto.closesAt) : null;
    if (opensAt && closesAt && opensAt >= closesAt) throw new InvalidInputError('invalid_schedule', 'opensAt must be before closesAt');

    const mHash = manifestHash(group, manifest);
    // Every issuer makes a key pair for this election alone (protocol §55.2); separate issuers get the
    // election's rules with the request, to judge eligibility themselves.
    const electionKeys = await this.issuers.prepare(id, { kind: dto.kind, electionDay: dto.electionDay, ...(dto.constituency ? { constituency: dto.constituency } : {}) });
    const issuerIds = electionKeys.keys.map((k) => k.id);
    try {
      await this.dataSource.transaction(async (m) => {
        await m.query(
          `INSERT INTO elections (id, slug, title, status, manifest, kind, election_day, constituency, revoting, trustee_threshold, trustee_count,
             issuer_threshold, issuer_ids, opens_at, closes_at, manifest_hash, compulsory_voting)
           VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
          [id, dto.slug, dto.title, JSON.stringify(manifest), dto.kind, dto.electionDay, dto.constituency ?? null, dto.revoting,
            dto.trusteeThreshold, dto.trustees.length, dto.issuerThreshold, issuerIds, opensAt, closesAt, Buffer.from(mHash), dto.compulsoryVoting ?? true],
        );
        for (const [i, t] of dto.trustees.entries()) {
          await m.query(`INSERT INTO election_trustees (election_id, idx, name, public_key) VALUES ($1, $2, $3, $4)`, [id, i + 1, t.name, Buffer.from(t.publicKey, 'hex')]);
        }
        await this.officials.add(id, officials, m);
        await this.board.createLog(m, id);
        await this.board.append(m, id, 'manifest', {
          manifest,
          manifestHash: bytesToHex(mHash),
          parameters: {
            kind: dto.kind,
            electionDay: dto.electionDay,
            constituency: dto.constituency ?? null,
            revoting: dto.revoting,
            trusteeThreshold: dto.trusteeThreshold,
            trustees: dto.trustees.map((t, i) => ({ index: i + 1, name: t.name, publicKey: t.publicKey })),
            opensAt: opensAt?.toISOString() ?? null,
            closesAt: closesAt?.toISOString() ?? null,
          },
        });
        await electionKeys.store(m);
        await this.board.append(m, id, 'issuer-keys', {
          threshold: dto.issuerThreshold,
          issuers: electionKeys.keys.map((k) => ({ id: k.id, publicKey: k.publicJwk })),
        });
      });
    } catch (e) {
      if (e instanceof QueryFailedError && (e as QueryFailedError & { driverError?: { constraint?: string } }).driverError?.constraint === 'elections_slug_uq') {
        throw new ConflictError('slug_taken', `An election with the slug "${dto.slug}" already exists`);
      }
      throw e;
    }
    return this.get(id);
  }

  async list(withArchived = false): Promise<ElectionRow[]> {
    return this.dataSource.query(`SELECT ${ELECTION_COLUMNS} FROM elections ${withArchived ? '' : `WHERE status <> 'archived' `}ORDER BY election_day DESC, slug`);
  }

  async get(id: string, manager: EntityManager | DataSource = this.dataSource, lock = false): Promise<ElectionRow> {
    const rows: ElectionRow[] = await manager.query(`SELECT ${ELECTION_COLUMNS} FROM elections WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    if (rows.length === 0) throw new NotFoundError('election_not_found', 'No such election');
    return rows[0];
  }

  async trustees(id: string): Promise<Array<{ index: number; name: string; publicKey: string }>> {
    const rows: Array<{ idx: number; name: string; public_key: Buffer }> = await this.dataSource.query(
      `SELECT idx, name, public_key FROM election_trustees WHERE election_id = $1 ORDER BY idx`,
      [id],
    );
    return rows.map((r) => ({ index: r.idx, name: r.name, publicKey: r.public_key.toString('hex') }));
  }

  /** The election as the cryptographic core sees it (manifest, key, base hash); only after the key ceremony. */
  async cryptoElection(id: string, manager: EntityManager | DataSource = this.dataSource): Promise<Election> {
    const cached = this.cryptoElections.get(id);
    if (cached) return cached;
    const row = await this.get(id, manager);
    if (!row.base_hash || !row.setup_hash || !row.key_set) throw new StateError('key_ceremony_incomplete', 'The key ceremony of this election is not complete');
    const bindings = await this.board.electionBindings(manager, id);
    const election = createElection(group, parseManifest(JSON.parse(row.manifest)), new Uint8Array(row.setup_hash), electionKeySetFromJSON(group, JSON.parse(row.key_set)), bindings);
    if (!Buffer.from(election.electionHash).equals(row.base_hash)) throw new Error(`stored base hash of election ${id} does not match its key set`);
    this.cryptoElections.set(id, election);
    return election;
  }

  /**
   * Adds a co-official to an election, spending the acting official's step-up confirmation of
   * `add_official` on this election (see electionActionMessage for why it does not name the person).
   * Any valid national number is accepted, whether or not it holds the official role yet (refusing
   * would tell the caller who the platform's officials are); acting still needs that role.
   */
  async addOfficial(id: string, nationalNumber: string, session: SessionPrincipal): Promise<{ electionId: string; added: boolean; officials: number }> {
    const hmac = this.officialHash(nationalNumber);
    return this.changeOfficials(id, 'add_official', session, async (m) => {
      const added = await this.officials.add(id, [hmac], m);
      return { electionId: id, added: added === 1, officials: await this.officials.count(id, m) };
    });
  }

  /**
   * Removes an official (a co-official or the creator, also oneself) from an election, spending a
   * step-up confirmation of `remove_official` on it. Never the last one (409 `last_official`): an
   * election without officials could not be acted on by anyone. A number that is not an official of
   * it: `removed: false`.
   */
  async removeOfficial(id: string, nationalNumber: string, session: SessionPrincipal): Promise<{ electionId: string; removed: boolean; officials: number }> {
    const hmac = this.officialHash(nationalNumber);
    return this.changeOfficials(id, 'remove_official', session, async (m) => {
      if (!(await this.officials.isOfficial(id, hmac, m))) return { electionId: id, removed: false, officials: await this.officials.count(id, m) };
      if ((await this.officials.count(id, m)) <= 1) {
        throw new ConflictError('last_official', 'This is the last official of the election: add another official before removing this one');
      }
      await this.officials.remove(id, hmac, m);
      return { electionId: id, removed: true, officials: await this.officials.count(id, m) };
    });
  }

  private officialHash(nationalNumber: string): Buffer {
    const nn = normalizeNationalNumber(nationalNumber);
    if (!isValidNationalNumber(nn)) throw new InvalidInputError('invalid_national_number', 'The national number must have 11 digits and a valid check number');
    return this.hasher.hash(nn);
  }

  /**
   * Runs a change of the officials under the election's row lock (changes and lifecycle actions are
   * serialized), after checking again that the acting official still is one, and spends the step-up
   * confirmation in the same transaction (a refused change keeps it; an answer that changed nothing,
   * `added: false` or `removed: false`, spends it: every answer needs a confirmation).
   */
  private async changeOfficials<T>(id: string, action: OfficialAction, session: SessionPrincipal, change: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (m) => {
      const row = await this.get(id, m, true);
      await this.assertStillOfficial(id, session, m);
      await this.stepUp.consume(session, actionHash(electionActionMessage(action, row)), m);
      return change(m);
    });
  }

  /** The guard checked before the request; a removal may have committed since (checked under the election's lock). */
  private async assertStillOfficial(id: string, session: SessionPrincipal, m: EntityManager): Promise<void> {
    if (!(await this.officials.isOfficial(id, session.nationalNumberHmac, m))) {
      throw new ForbiddenError('not_election_official', 'Only an official of this election may do this; you are not one of its officials');
    }
  }

  /** The step-up message (and its hash) an official confirms before `action`. */
  async actionMessage(id: string, action: ConfirmableAction): Promise<{ action: ConfirmableAction; message: string; actionHash: string; stepUpRequired: boolean }> {
    const row = await this.get(id);
    const message = electionActionMessage(action, row);
    return { action, message, actionHash: actionHash(message), stepUpRequired: action in TRANSITIONS ? TRANSITIONS[action as ElectionAction].stepUp : true };
  }

  /**
   * Moves the election through its lifecycle. An official's start of the key ceremony, open, close and
   * publish spends a step-up confirmation of exactly this action on this election (in the same
   * transaction, so a refused action keeps it), after checking under the election's lock that the
   * official still is one (not removed since the guard's check). `session` is null for the server's
   * own actions: the clock's scheduled ones and the demo election's setup.
   */
  async transition(id: string, action: ElectionAction, session: SessionPrincipal | null, deadlines?: CeremonyDeadlines): Promise<ElectionRow> {
    if (action === 'open') {
      const row = await this.get(id);
      if (row.status === 'key_ceremony' && row.base_hash) await this.issuers.open(id);
    }
    await this.dataSource.transaction(async (m) => {
      const row = await this.get(id, m, true);
      if (session) await this.assertStillOfficial(id, session, m);
      let to: ElectionStatus;
      try {
        to = nextStatus(row.status, action);
      } catch (e) {
        if (e instanceof TransitionRefused) throw new StateError('invalid_transition', e.message);
        throw e;
      }
      if (action === 'open' && !row.base_hash) throw new StateError('key_ceremony_incomplete', 'The election cannot open before its key ceremony is complete');
      if (action === 'abandon_ceremony') {
        const [outcome] = await m.query(`SELECT state FROM dkg_outcomes WHERE election_id = $1`, [id]);
        if (outcome?.state !== 'failed') throw new StateError('ceremony_not_failed', 'Only a key ceremony that has failed can be abandoned; this one is still running or complete');
      }
      const ceremony = action === 'start_key_ceremony' ? ceremonyDeadlines(deadlines, new Date()) : null;
      if (session && TRANSITIONS[action].stepUp) await this.stepUp.consume(session, actionHash(electionActionMessage(action, row)), m);
      await m.query(`UPDATE elections SET status = $2 WHERE id = $1`, [id, to]);
      if (ceremony) await m.query(`UPDATE elections SET dealing_deadline = $2, verdict_deadline = $3 WHERE id = $1`, [id, ceremony.dealing, ceremony.verdicts]);
      if (action === 'open') {
        const [{ n }] = await m.query(`SELECT count(*)::int AS n FROM voter_roll_entries WHERE election_id = $1`, [id]);
        await this.board.append(m, id, 'open', { rollSize: n, scheduled: session === null });
      }
      // An archived draft will never issue a token: its issuers' keys go now.
      if (action === 'archive' || action === 'abandon_ceremony') await this.issuers.discard(m, id);
      if (action === 'close') {
        for (const log of await this.issuers.close(m, id)) await this.board.append(m, id, 'issuance-log', log);
        const [{ n }] = await m.query(`SELECT count(*)::int AS n FROM ballots WHERE election_id = $1 AND NOT audited`, [id]);
        await this.board.append(m, id, 'close', { ballotsCast: n, scheduled: session === null });
      }
    });
    if (action === 'close') await this.issuers.afterClose().catch((e: unknown) => this.logger.warn(`vacuum of token_issuances after closing ${id}: ${String(e)}`));
    return this.get(id);
  }

  /** The server clock: opens and closes scheduled elections whose time has come. */
  async applySchedule(now = new Date()): Promise<number> {
    const rows: Array<{ id: string; status: ElectionStatus; opens_at: Date | null; closes_at: Date | null; base_hash: Buffer | null }> = await this.dataSource.query(
      `SELECT id, status, opens_at, closes_at, base_hash FROM elections
        WHERE (status = 'key_ceremony' AND opens_at <= $1 AND base_hash IS NOT NULL) OR (status = 'open' AND closes_at <= $1)`,
      [now],
    );
    let applied = 0;
    for (const r of rows) {
      const action = scheduledAction(r.status, now, { opensAt: r.opens_at, closesAt: r.closes_at });
      if (!action) continue;
      try {
        await this.transition(r.id, action, null);
        applied++;
        this.logger.log(`scheduled ${action} of election ${r.id}`);
      } catch (e) {
        if (!(e instanceof StateError)) throw e; // another instance got there first
      }
    }
    return applied;
  }
}
