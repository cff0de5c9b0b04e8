import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Allow, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import type { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config';
import { NotFoundError } from '../../common/errors/domain-error';
import { DeviceKeys } from './device-key';
import { clearCookie, cookieNames, cookieOptions, readCookie } from './cookies';
import { LOGIN_FLOW_TTL_SECONDS, LoginService } from './login.service';
import { CurrentUser, Roles } from './roles';
import { RpKeys } from './rp-keys';
import { SessionService, type SessionPrincipal } from './session.service';

/** Cache lifetime of /auth/jwks.json (itsme: at least 1800 s). */
export const RP_JWKS_MAX_AGE_SECONDS = 3600;

class LoginQuery {
  @IsOptional() @IsString() @MaxLength(500) returnTo?: string;
  /** The page's language, asked of the identity provider first (nl, fr, de, en; anything else is ignored). */
  @Allow() lang?: unknown;
}

class StepUpDto {
  /**
   * The message the user confirms, e.g. "Open the election 'Gemeenteraad 2027' (id ...)": shown by itsme's
   * free_text template, so at most 7,500 ISO-8859-15 characters (else 400 step_up_text_invalid).
   */
  @IsString() @MinLength(1) @MaxLength(10_000) action: string;
  /** SHA-256 (hex) of the UTF-8 message: the later action presents the same hash. */
  @IsString() @Matches(/^[0-9a-f]{64}$/, { message: 'actionHash must be 64 lower-case hex digits (SHA-256 of action)' }) actionHash: string;
  @IsOptional() @IsString() @MaxLength(500) returnTo?: string;
  /** The page's language, asked of the identity provider first (nl, fr, de, en; anything else is ignored). */
  @Allow() lang?: unknown;
}

class TokenLoginDto {
  /** The token request hash (protocol §20 "Separate issuers"): base64url SHA-256 over the election and the blinded requests. */
  @IsString() @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'nonce must be 43 base64url characters (the token request hash)' }) nonce: string;
  @IsOptional() @IsString() @MaxLength(500) returnTo?: string;
  /** The page's language, asked of the identity provider first (nl, fr, de, en; anything else is ignored). */
  @Allow() lang?: unknown;
}

class TokenAssertionQuery {
  @IsString() @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'nonce must be 43 base64url characters (the token request hash)' }) nonce: string;
}

/** The origin this request was addressed to (`trust proxy` is off: the connection's protocol and Host). */
const requestOrigin = (req: Request): string => `${req.protocol}://${req.headers.host ?? ''}`;

@ApiTags('identity')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly config: AppConfig,
    private readonly login: LoginService,
    private readonly sessions: SessionService,
    @Inject(RpKeys) private readonly keys: RpKeys,
    private readonly deviceKeys: DeviceKeys,
  ) {}

  /**
   * The relying party's public keys: identity providers verify our client assertions and encrypt to us
   * with them. Cached for an hour: itsme asks for at least 30 minutes (it caches up to 24 h anyway, which
   * is what a key rotation waits for, docs/identity.md).
   */
  @Get('jwks.json')
  jwks(@Res() res: Response): void {
    res.type('application/jwk-set+json').setHeader('Cache-Control', `public, max-age=${RP_JWKS_MAX_AGE_SECONDS}`);
    res.send(JSON.stringify(this.keys.publicJwks));
  }

  /** Redirects to the identity provider (itsme or the sandbox). */
  @Get('login')
  async start(@Query() query: LoginQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    // The login comes back to the origin the browser is on when it is a configured one; from any other
    // (development without PUBLIC_URL, opened under another name), the browser moves to the public
    // origin first, or the login cookie would be lost on the way back.
    const origin = requestOrigin(req);
    if (this.config.PUBLIC_URL === undefined && !this.config.publicOrigins.includes(origin)) {
      res.redirect(303, `${this.config.publicUrl}${req.originalUrl}`);
      return;
    }
    const { flowId, url } = await this.login.startLogin(query.returnTo, origin, query.lang);
    res.cookie(cookieNames(this.config).login, flowId, cookieOptions(this.config, LOGIN_FLOW_TTL_SECONDS));
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(303, url);
  }

  /** The login service's redirect URI: completes a login (sets the session cookie) or a login for ballot tokens. */
  @Get('callback')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const names = cookieNames(this.config);
    const flowId = readCookie(req, names.login);
    clearCookie(res, this.config, names.login);
    res.setHeader('Cache-Control', 'no-store');
    const current = await this.sessions.fromRequest(req);
    const outcome = await this.login.finish(flowId, req.query as Record<string, unknown>, current, requestOrigin(req));
    if (outcome.kind === 'login') {
      if (current) await this.sessions.destroy(current.idHash);
      res.cookie(names.session, outcome.sessionId, cookieOptions(this.config, this.config.SESSION_TTL_SECONDS));
    }
    res.redirect(303, outcome.returnTo);
  }

  /** The Confirmation service's redirect URI: completes a step-up confirmation (itsme registers redirect URIs per service). */
  @Get('confirm/callback')
  async confirmCallback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const names = cookieNames(this.config);
    const flowId = readCookie(req, names.login);
    clearCookie(res, this.config, names.login);
    res.setHeader('Cache-Control', 'no-store');
    const current = await this.sessions.fromRequest(req);
    const outcome = await this.login.finish(flowId, req.query as Record<string, unknown>, current, requestOrigin(req), 'confirm');
    res.redirect(303, outcome.returnTo);
  }

  /** Ends the session. */
  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const current = await this.sessions.fromRequest(req);
    if (current) await this.sessions.destroy(current.idHash);
    clearCookie(res, this.config, cookieNames(this.config).session);
  }

  /** Who am I: anonymous observers get `{authenticated: false, roles: ['observer']}`; `deviceKey` names this person's booth state on the device. */
  @Get('me')
  async me(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    const p = await this.sessions.fromRequest(req);
    if (!p) return { authenticated: false, roles: ['observer'] };
    return {
      authenticated: true,
      subject: p.subject,
      // What the booth keeps on this device is filed under this, so another person's login never finds it.
      deviceKey: this.deviceKeys.forSubject(p.subject),
      roles: p.roles,
      acr: p.acr,
      authTime: p.authTime.toISOString(),
      expiresAt: p.expiresAt.toISOString(),
      givenName: p.claims.givenName,
      familyName: p.claims.familyName,
    };
  }

  /**
   * Starts a step-up confirmation of an action (itsme "confirm"); answers the authorization URL to
   * send the browser to. The later action checks the confirmation with StepUpService.consume.
   */
  @Post('step-up')
  @HttpCode(200)
  @Roles()
  async stepUp(@CurrentUser() user: SessionPrincipal, @Body() dto: StepUpDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { flowId, url } = await this.login.startStepUp(user, dto.action, dto.actionHash, dto.returnTo, requestOrigin(req), dto.lang);
    res.cookie(cookieNames(this.config).login, flowId, cookieOptions(this.config, LOGIN_FLOW_TTL_SECONDS));
    res.setHeader('Cache-Control', 'no-store');
    return { authorizationUrl: url };
  }

  /**
   * Starts the itsme login whose ID token separate issuers accept for this booth's blinded requests
   * (its nonce); answers the authorization URL. Back at the callback, the booth fetches the ID token.
   */
  @Post('token-login')
  @HttpCode(200)
  @Roles('voter')
  async tokenLogin(@CurrentUser() user: SessionPrincipal, @Body() dto: TokenLoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { flowId, url } = await this.login.startTokenLogin(user, dto.nonce, dto.returnTo, requestOrigin(req), dto.lang);
    res.cookie(cookieNames(this.config).login, flowId, cookieOptions(this.config, LOGIN_FLOW_TTL_SECONDS));
    res.setHeader('Cache-Control', 'no-store');
    return { authorizationUrl: url };
  }

  /** The identity provider's signed ID token of this session's token login with `nonce` (for the booth to hand to the issuers). */
  @Get('token-login/assertion')
  @Roles('voter')
  async tokenAssertion(@CurrentUser() user: SessionPrincipal, @Query() query: TokenAssertionQuery, @Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    const idToken = await this.login.tokenAssertion(user, query.nonce);
    if (!idToken) throw new NotFoundError('token_login_missing', 'No login for ballot tokens with this request is known for this session (or it expired); start it again');
    return { idToken };
  }
}
