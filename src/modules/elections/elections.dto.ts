import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { NestedArray } from '../../common/validation/decorators';
import { ELECTION_KINDS, type ElectionKind } from '../eligibility/eligibility';

export class TrusteeDto {
  @ApiProperty() @IsString() @Length(1, 200)
  name: string;

  @ApiProperty({ description: "The trustee's ristretto255 public key (from `evote trustee init`), 64 lowercase hex" })
  @Matches(/^[0-9a-f]{64}$/, { message: 'publicKey must be 64 lowercase hex characters' })
  publicKey: string;
}

/**
 * An election as an official defines it. `contests` are validated by the cryptographic core's strict
 * manifest parser (docs/protocol.md §40.1), the one definition shared with the voter's device and the
 * verifier; this DTO only checks the envelope.
 */
export class CreateElectionDto {
  @ApiProperty({ example: 'leuven-2027' })
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: 'slug must be 2-63 lowercase letters, digits or dashes' })
  slug: string;

  @ApiProperty() @IsString() @Length(1, 256)
  title: string;

  @ApiProperty({ enum: ELECTION_KINDS }) @IsIn(ELECTION_KINDS)
  kind: ElectionKind;

  @ApiProperty({ example: '2027-05-09' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'electionDay must be a date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'electionDay must be a valid date' })
  electionDay: string;

  @ApiPropertyOptional({ description: 'Constituency (e.g. municipality) the roll entries must match' })
  @IsOptional() @IsString() @Length(1, 100)
  constituency?: string;

  @ApiPropertyOptional({ description: 'Whether voting is compulsory (shown in the booth). Default true, the Belgian rule; false for Flemish local elections since 2024' })
  @IsOptional() @IsBoolean()
  compulsoryVoting?: boolean;

  @ApiProperty({ enum: ['last', 'first'], description: 'Re-voting: the last ballot of a pseudonym counts, or only the first is accepted' })
  @IsIn(['last', 'first'])
  revoting: 'last' | 'first';

  @ApiProperty() @IsInt() @Min(1) @Max(255)
  trusteeThreshold: number;

  @ApiProperty({ type: [TrusteeDto] })
  @NestedArray(() => TrusteeDto, 255) @ArrayMinSize(1)
  trustees: TrusteeDto[];

  @ApiProperty({ description: 'How many distinct issuers must sign a ballot token' }) @IsInt() @Min(1) @Max(16)
  issuerThreshold: number;

  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true })
  opensAt?: string;

  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true })
  closesAt?: string;

  @ApiProperty({ description: 'Contests as in docs/protocol.md §40.1', type: 'array', items: { type: 'object' } })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(64) @IsObject({ each: true })
  contests: object[];
}

/** An official to add to or remove from an election. */
export class OfficialDto {
  @ApiProperty({ description: "The official's Belgian national number (11 digits; dots and dashes allowed). Only its keyed hash is stored" })
  @IsString() @Length(11, 32)
  nationalNumber: string;
}
