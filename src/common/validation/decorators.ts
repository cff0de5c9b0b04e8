import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsObject, ValidateNested } from 'class-validator';

/**
 * A required nested object. `@ValidateNested` alone lets `undefined` through, which then fails deep in a
 * service as a 500: every nested DTO field uses this instead.
 */
export function NestedObject(type: () => new () => object): PropertyDecorator {
  return applyDecorators(IsDefined(), IsObject(), ValidateNested(), Type(type));
}

/** A required array of nested objects, bounded so a huge array is a 400, not a long computation. */
export function NestedArray(type: () => new () => object, maxSize: number): PropertyDecorator {
  return applyDecorators(IsDefined(), IsArray(), ArrayMaxSize(maxSize), ValidateNested({ each: true }), Type(type));
}
