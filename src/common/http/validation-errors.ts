import { BadRequestException, ValidationPipe } from '@nestjs/common';

interface FlatError {
  property: string;
  constraints?: Record<string, string>;
  children?: FlatError[];
}

/** Nested class-validator errors as `path: message` strings for the `details` of a 400. */
export function flattenValidationErrors(errors: FlatError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`);
    return own.concat(flattenValidationErrors(e.children ?? [], path));
  });
}

/** The one validation pipe of every application here: unknown fields refused, DTOs transformed, every problem listed. */
export function strictValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new BadRequestException({ message: flattenValidationErrors(errors) }),
  });
}
