import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsInt, IsObject, Matches, Max, Min } from 'class-validator';

/**
 * An anonymous cast: the token (blind-signed by the issuers, binding the pseudonym key), the encrypted
 * ballot, and the pseudonym's Ed25519 signature over the ballot hash. Token and ballot are validated
 * by the cryptographic core's strict parsers (docs/protocol.md §20, §40.5).
 */
export class CastBallotDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Ballot token (§20)' })
  @IsDefined() @IsObject()
  token: object;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Encrypted ballot (§40.5)' })
  @IsDefined() @IsObject()
  ballot: object;

  @ApiProperty({ description: "The pseudonym's submission counter (1, 2, 3 …; strictly above every earlier submission of this pseudonym), signed with the ballot" })
  @IsInt({ message: 'counter must be an integer between 1 and 4294967295' })
  @Min(1, { message: 'counter must be an integer between 1 and 4294967295' })
  @Max(0xffff_ffff, { message: 'counter must be an integer between 1 and 4294967295' })
  counter: number;

  @ApiProperty({ description: 'Ed25519 signature of the pseudonym over the ballot-signature message, 128 lowercase hex' })
  @Matches(/^[0-9a-f]{128}$/, { message: 'signature must be 128 lowercase hex characters' })
  signature: string;
}

/** A Benaloh audit: as a cast, plus the reveal (choices and nonces) of the ballot; never counted. */
export class AuditBallotDto extends CastBallotDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The reveal of the audited ballot (§40.7)' })
  @IsDefined() @IsObject()
  reveal: object;
}
