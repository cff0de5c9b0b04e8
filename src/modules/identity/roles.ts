import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ForbiddenError, UnauthenticatedError } from '../../common/errors/domain-error';
import { SessionService, type SessionPrincipal, type SessionRole } from './session.service';

const ROLES_KEY = 'evote:roles';
const PRINCIPAL = Symbol('evote:principal');

type WithPrincipal = Request & { [PRINCIPAL]?: SessionPrincipal };

/** Requires a session (401 otherwise) and, when roles are named, one of them (403 otherwise). */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly sessions: SessionService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<WithPrincipal>();
    const principal = await this.sessions.fromRequest(req);
    if (!principal) throw new UnauthenticatedError('not_authenticated', 'Log in with itsme first (GET /auth/login)');
    const roles = this.reflector.getAllAndOverride<SessionRole[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (roles && roles.length > 0 && !roles.some((r) => principal.roles.includes(r))) {
      throw new ForbiddenError('forbidden_role', `This needs the role ${roles.join(' or ')}`);
    }
    req[PRINCIPAL] = principal;
    return true;
  }
}

/**
 * `@Roles('official')` on a handler or controller: a logged-in user holding one of the roles. With no
 * roles (`@Roles()`), any logged-in user. Observers are anonymous: their endpoints carry no guard.
 */
export function Roles(...roles: SessionRole[]): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(ROLES_KEY, roles), UseGuards(SessionGuard));
}

/** The logged-in user of a handler guarded by `@Roles(...)`. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): SessionPrincipal => {
  const principal = context.switchToHttp().getRequest<WithPrincipal>()[PRINCIPAL];
  if (!principal) throw new UnauthenticatedError('not_authenticated', 'Log in with itsme first (GET /auth/login)');
  return principal;
});
