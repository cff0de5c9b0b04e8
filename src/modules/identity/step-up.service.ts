import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ForbiddenError, InvalidInputError } from '../../common/errors/domain-error';
import type { SessionPrincipal } from './session.service';
import { sql } from './sql';

/** How long a step-up confirmation may wait for the action it approves. */
export const STEP_UP_TTL_SECONDS = 300;

/** The hash that binds a confirmation to an action: SHA-256 of the action's message (UTF-8), hex. */
export function actionHash(message: string): string {
  return createHash('sha256').update(message, 'utf8').digest('hex');
}

function toBytes(hash: string | Buffer): Buffer {
  if (Buffer.isBuffer(hash)) return hash;
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new InvalidInputError('invalid_action_hash', 'actionHash must be 64 lower-case hex digits (SHA-256)');
  return Buffer.from(hash, 'hex');
}

/**
 * Step-up confirmations (itsme "confirm"): a fresh acr_advanced authentication of the session's own
 * subject, bound to the hash of one action, usable once within STEP_UP_TTL_SECONDS.
 */
@Injectable()
export class StepUpService {
  constructor(private readonly db: DataSource) {}

  async record(
    input: { sessionIdHash: Buffer; subject: string; actionHash: Buffer; acr: string; authTime: Date },
    manager?: EntityManager,
  ): Promise<void> {
    await sql(
      manager ?? this.db,
      `INSERT INTO identity_step_ups (session_id_hash, subject, action_hash, acr, auth_time, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
      [input.sessionIdHash, input.subject, input.actionHash, input.acr, input.authTime, STEP_UP_TTL_SECONDS],
    );
  }

  /**
   * Consumes the confirmation of `hash` for this session, or throws a 403 `step_up_required`. Pass the
   * action's transaction manager so that a rolled-back action leaves the confirmation unspent.
   */
  async consume(session: SessionPrincipal, hash: string | Buffer, manager?: EntityManager): Promise<void> {
    const rows = await sql(
      manager ?? this.db,
      `UPDATE identity_step_ups SET consumed_at = now()
        WHERE consumed_at IS NULL AND id = (
          SELECT id FROM identity_step_ups
           WHERE session_id_hash = $1 AND subject = $2 AND action_hash = $3 AND consumed_at IS NULL AND expires_at > now()
           ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [session.idHash, session.subject, toBytes(hash)],
    );
    if (rows.length === 0) {
      throw new ForbiddenError('step_up_required', 'This action needs a fresh itsme confirmation (acr_advanced) of this exact action: start one with POST /auth/step-up');
    }
  }
}
