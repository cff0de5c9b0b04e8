import { Body, CanActivate, Controller, ExecutionContext, Get, HttpCode, Inject, Injectable, Param, ParseUUIDPipe, Post, Put, UseGuards } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { InvalidInputError, UnauthenticatedError } from '../common/errors/domain-error';
import { fromBase64Url } from '../crypto/encoding';
import { CryptoError } from '../crypto/errors';
import { RollJsonDto } from '../modules/eligibility/eligibility.dto';
import { IssuerConfig } from './issuer-config';
import { IssuerElectionDto, SeparateTokenRequestDto } from './issuer.dto';
import { IssuerService } from './issuer.service';
import { ISSUER_IDENTITY, type IssuerIdentity } from './issuer-identity';

const uuid = new ParseUUIDPipe({ version: '4' });

/** The election commission's calls: `Authorization: Bearer <ISSUER_ADMIN_TOKEN>`. */
@Injectable()
class AdminGuard implements CanActivate {
  private readonly expected: Buffer;
  constructor(config: IssuerConfig) {
    this.expected = Buffer.from(`Bearer ${config.ISSUER_ADMIN_TOKEN}`);
  }
  canActivate(context: ExecutionContext): boolean {
    const got = Buffer.from(context.switchToHttp().getRequest<Request>().headers.authorization ?? '');
    if (got.length !== this.expected.length || !timingSafeEqual(got, this.expected)) {
      throw new UnauthenticatedError('admin_token_required', "This is the election commission's call: it needs the issuer's admin token");
    }
    return true;
  }
}

function bytes(value: string, code: string, what: string): Uint8Array {
  try {
    return fromBase64Url(value);
  } catch (e) {
    if (e instanceof CryptoError) throw new InvalidInputError(code, `${what}: ${e.message}`);
    throw e;
  }
}

@Controller()
export class IssuerController {
  constructor(
    private readonly issuer: IssuerService,
    @Inject(ISSUER_IDENTITY) private readonly identity: IssuerIdentity,
  ) {}

  @Get('health')
  health() {
    return { status: 'ok', issuer: this.identity.name };
  }

  /** Who this issuer is: its long-term name and public key (it never signs a token with it). */
  @Get('issuer')
  who() {
    return { name: this.identity.name, publicKey: this.identity.publicKey };
  }

  @Put('admin/elections/:id')
  @UseGuards(AdminGuard)
  createElection(@Param('id', uuid) id: string, @Body() dto: IssuerElectionDto) {
    return this.issuer.createElection(id, { kind: dto.kind, electionDay: dto.electionDay, ...(dto.constituency ? { constituency: dto.constituency } : {}) });
  }

  @Put('admin/elections/:id/roll')
  @UseGuards(AdminGuard)
  replaceRoll(@Param('id', uuid) id: string, @Body() dto: RollJsonDto) {
    return this.issuer.replaceRoll(id, dto.entries);
  }

  @Post('admin/elections/:id/open')
  @HttpCode(200)
  @UseGuards(AdminGuard)
  open(@Param('id', uuid) id: string) {
    return this.issuer.open(id);
  }

  @Post('admin/elections/:id/close')
  @HttpCode(200)
  @UseGuards(AdminGuard)
  close(@Param('id', uuid) id: string) {
    return this.issuer.close(id);
  }

  /** This issuer's key in the election (public). */
  @Get('elections/:id/key')
  key(@Param('id', uuid) id: string) {
    return this.issuer.electionKey(id);
  }

  /** The issuance log, once the election is closed: count and sorted hashes of the blinded requests signed. */
  @Get('elections/:id/issuance-log')
  log(@Param('id', uuid) id: string) {
    return this.issuer.log(id);
  }

  /** A voter's blinded token request, with the ID token of the login that binds it (no cookie, no platform in between). */
  @Post('elections/:id/tokens')
  @HttpCode(200)
  issue(@Param('id', uuid) id: string, @Body() dto: SeparateTokenRequestDto) {
    return this.issuer.issue(id, {
      idToken: dto.idToken,
      issuerId: dto.issuerId,
      blindedMessage: bytes(dto.blindedMessage, 'invalid_blinded_message', 'blindedMessage'),
      requests: dto.requests.map((p) => ({ issuerId: p.issuerId, blindedHash: bytes(p.blindedHash, 'invalid_request_list', 'blindedHash') })),
    });
  }
}

