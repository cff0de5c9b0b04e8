import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ErrorBody } from './error-body';

/** Deepest nesting of a parsed body (iterative: a hostile body cannot overflow the stack here). */
export function jsonDepth(value: unknown, stopAt: number): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) max = depth;
    if (max > stopAt) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return max;
}

/**
 * Refuses request bodies nested deeper than `limit` levels with a 400 before they reach validation:
 * class-transformer recurses once per level and a few thousand levels overflow the stack (a 500).
 * No honest request of this API nests deeper than about ten levels.
 */
export function jsonDepthLimit(limit = 32): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.body === null || typeof req.body !== 'object' || jsonDepth(req.body, limit) <= limit) return next();
    const body: ErrorBody = { error: 'bad_request', message: `The request body is nested too deeply (more than ${limit} levels)` };
    res.status(400).json(body);
  };
}
