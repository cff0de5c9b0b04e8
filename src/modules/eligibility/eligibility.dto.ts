import { IsString, MaxLength } from 'class-validator';
import { NestedArray } from '../../common/validation/decorators';
import { MAX_ROLL_ENTRIES } from './roll.service';

/** A roll as JSON entries (the platform's import, and the commission's load into a separate issuer). */
export class RollEntryDto {
  @IsString() @MaxLength(32) nationalNumber: string;
  @IsString() @MaxLength(200) constituency: string;
  @IsString() @MaxLength(32) basis: string;
}

export class RollJsonDto {
  @NestedArray(() => RollEntryDto, MAX_ROLL_ENTRIES) entries: RollEntryDto[];
}
