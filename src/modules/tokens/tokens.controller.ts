import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../../common/errors/domain-error';
import { fromBase64Url, toBase64Url } from '../../crypto/encoding';
import { CryptoError } from '../../crypto/errors';
import { EligibilityService } from '../eligibility/eligibility.service';
import { CurrentUser, Roles } from '../identity/roles';
import type { SessionPrincipal } from '../identity/session.service';
import { IssuanceService } from './issuance.service';
import { IssueTokenDto } from './tokens.dto';
import { ElectionIssuers } from './election-issuers';
import { RemoteIssuers } from './remote-issuers';

const uuid = new ParseUUIDPipe({ version: '4' });

/**
 * Issuance of blind-signed ballot tokens to logged-in, eligible voters. This is the only place that sees
 * both a voter's identity and a (blinded) token request; casting never sees an identity.
 */
@ApiTags('tokens')
@Controller()
export class TokensController {
  constructor(
    private readonly issuance: IssuanceService,
    private readonly eligibility: EligibilityService,
    private readonly remote: RemoteIssuers,
    private readonly issuers: ElectionIssuers,
  ) {}

  @Post('elections/:id/tokens')
  @HttpCode(200)
  @Roles('voter')
  @ApiOperation({ summary: 'Blind signature of one issuer on your ballot token (once per election and issuer)' })
  async issue(@Param('id', uuid) electionId: string, @Body() dto: IssueTokenDto, @CurrentUser() voter: SessionPrincipal) {
    if (this.remote.enabled) {
      throw new NotFoundError('issuers_separate', "This platform runs no issuer: the booth asks each issuer itself (GET /elections/:id/issuers names them)");
    }
    const eligibility = await this.eligibility.check(voter, electionId);
    if (!eligibility.eligible) throw new ForbiddenError('not_eligible', 'You may not vote in this election', eligibility.reasons);
    let blinded: Uint8Array;
    try {
      blinded = fromBase64Url(dto.blindedMessage);
    } catch (e) {
      if (e instanceof CryptoError) throw new InvalidInputError('invalid_blinded_message', e.message);
      throw e;
    }
    // Eligibility already refused a session without a national number; this keeps the type honest.
    if (!voter.nationalNumberHmac) throw new ForbiddenError('not_eligible', 'You may not vote in this election');
    const signature = await this.issuance.issue(electionId, dto.issuerId, new Uint8Array(voter.nationalNumberHmac), blinded);
    return { issuerId: dto.issuerId, blindSignature: toBase64Url(signature) };
  }

  /** Where the booth sends each issuer's request: this platform (`in-process`), or each issuer at its own URL (`separate`). */
  @Get('elections/:id/issuers')
  @ApiOperation({ summary: "The election's issuers: where to send token requests (their keys come from the board)" })
  async endpoints(@Param('id', uuid) electionId: string) {
    return this.issuers.endpoints(electionId);
  }
}
