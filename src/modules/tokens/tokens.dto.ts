import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class IssueTokenDto {
  @ApiProperty({ description: 'The issuer (RFC 7638 thumbprint of its key)' })
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'issuerId must be an issuer key thumbprint (43 base64url characters)' })
  issuerId: string;

  @ApiProperty({ description: 'RFC 9474 blinded message for this issuer, base64url without padding (384 bytes for RSA-3072)' })
  @Matches(/^[A-Za-z0-9_-]{1,1024}$/, { message: 'blindedMessage must be base64url without padding' })
  blindedMessage: string;
}
