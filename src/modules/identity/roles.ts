import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ForbiddenError, InvalidInputError, UnauthenticatedError } from '../../common/errors/domain-error';
import { ElectionOfficials } from './election-officials';
import { SessionService, type SessionPrincipal, type SessionRole } from './session.service';

const ROLES_KEY = 'evote:roles';
const ELECTION_PARAM_KEY = 'evote:election-param';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PRINCIPAL = Symbol('evote:principal');

type WithPrincipal = Request & { [PRINCIPAL]?: SessionPrincipal };

/**
 * Requires a session (401 otherwise) and, when roles are named, one of them (403 otherwise); for
 * `@ElectionOfficial()`, also being an official of the election the route names (403 otherwise).
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly sessions: SessionService,
    private readonly reflector: Reflector,
    private readonly electionOfficials: ElectionOfficials,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<WithPrincipal>();
    const principal = await this.sessions.fromRequest(req);
    if (!principal) throw new UnauthenticatedError('not_authenticated', 'Log in with itsme first (GET /auth/login)');
    const roles = this.reflector.getAllAndOverride<SessionRole[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (roles && roles.length > 0 && !roles.some((r) => principal.roles.includes(r))) {
      throw new ForbiddenError('forbidden_role', `This needs the role ${roles.join(' or ')}`);
    }
    const param = this.reflector.get<string | undefined>(ELECTION_PARAM_KEY, context.getHandler());
    if (param !== undefined) await this.checkElectionOfficial(String(req.params[param] ?? ''), principal);
    req[PRINCIPAL] = principal;
    return true;
  }

  private async checkElectionOfficial(electionId: string, principal: SessionPrincipal): Promise<void> {
    // Guards run before pipes: refuse a malformed id here rather than hand it to the database.
    if (!UUID.test(electionId)) throw new InvalidInputError('bad_request', 'Validation failed (uuid is expected)');
    // A session without a national number (foreign-document account) holds no official role anyway.
    const standing = principal.nationalNumberHmac ? await this.electionOfficials.standing(electionId, principal.nationalNumberHmac) : 'not_official';
    // No election row yet: nothing to be an official of. The global role suffices (a roll may be
    // prepared before the election is defined; other actions answer 404 from their service).
    if (standing === 'not_official') {
      throw new ForbiddenError('not_election_official', 'Only an official of this election may do this; you are not one of its officials');
    }
  }
}

/**
 * `@Roles('official')` on a handler or controller: a logged-in user holding one of the roles. With no
 * roles (`@Roles()`), any logged-in user. Observers are anonymous: their endpoints carry no guard.
 */
export function Roles(...roles: SessionRole[]): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(ROLES_KEY, roles), UseGuards(SessionGuard));
}

/**
 * `@ElectionOfficial('id')` on a handler: a logged-in official who is also an official of the election
 * named by the route parameter `param` (its creator or a co-official).
 */
export function ElectionOfficial(param: string): MethodDecorator {
  return applyDecorators(SetMetadata(ROLES_KEY, ['official']), SetMetadata(ELECTION_PARAM_KEY, param), UseGuards(SessionGuard));
}

/** The logged-in user of a handler guarded by `@Roles(...)`. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): SessionPrincipal => {
  const principal = context.switchToHttp().getRequest<WithPrincipal>()[PRINCIPAL];
  if (!principal) throw new UnauthenticatedError('not_authenticated', 'Log in with itsme first (GET /auth/login)');
  return principal;
});
