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
