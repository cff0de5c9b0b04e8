import { Body, Controller, Module, Post } from '@nestjs/common';
import { IsInt, IsString, MaxLength, Min } from 'class-validator';
import { NestedObject } from '../../src/common/validation/decorators';
import { ConflictError } from '../../src/common/errors/domain-error';
import { CryptoError } from '../../src/crypto/errors';
import { describeEachBackend } from '../support/databases';
import { startTestApp, TestApp } from '../support/test-app';

// A probe endpoint mounted only in this test: it exercises the global pipeline (body limit, JSON
// parsing, ValidationPipe, error filter) exactly as the real feature modules get it from createApp.
class InnerDto {
  @IsInt() @Min(0) n: number;
}
class ProbeDto {
  @IsString() @MaxLength(20) name: string;
  @NestedObject(() => InnerDto) inner: InnerDto;
}
@Controller('probe')
class ProbeController {
  @Post() echo(@Body() dto: ProbeDto) {
    return { name: dto.name, n: dto.inner.n };
  }
  @Post('conflict') conflict() {
    throw new ConflictError('already_issued', 'A token was already issued for this voter');
  }
  @Post('crypto') crypto() {
    throw new CryptoError('INVALID_POINT', 'bad point: not canonical');
  }
  @Post('bug') bug() {
    throw new Error('secret internal detail');
  }
}
@Module({ controllers: [ProbeController] })
class ProbeModule {}

function expectErrorShape(body: unknown, error: string | RegExp) {
  expect(body).toEqual(expect.objectContaining({ error: expect.stringMatching(error), message: expect.any(String) }));
  expect(Object.keys(body as object).every((k) => ['error', 'message', 'details'].includes(k))).toBe(true);
}

describeEachBackend('HTTP pipeline', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db(), { BODY_LIMIT_BYTES: '2048' }, [ProbeModule]);
  });
  afterAll(() => t?.close());

  const post = (path: string, body: string, type = 'application/json') =>
    fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });

  it('accepts a valid body', async () => {
    const r = await post('/probe', JSON.stringify({ name: 'a', inner: { n: 1 } }));
    expect(r.status).toBe(201);
    expect(await r.json()).toEqual({ name: 'a', n: 1 });
  });

  it('rejects an unknown field with 400 naming it', async () => {
    const r = await post('/probe', JSON.stringify({ name: 'a', inner: { n: 1 }, admin: true }));
    expect(r.status).toBe(400);
    const body = await r.json();
    expectErrorShape(body, 'validation_failed');
    expect(body.details.join()).toMatch(/admin/);
  });

  it('rejects an unknown nested field and a wrong type, listing both', async () => {
    const r = await post('/probe', JSON.stringify({ name: 5, inner: { n: 'one', x: 1 } }));
    expect(r.status).toBe(400);
    const body = await r.json();
    expectErrorShape(body, 'validation_failed');
    expect(body.details.join('\n')).toMatch(/name: name must be a string/);
    expect(body.details.join('\n')).toMatch(/inner\.n/);
    expect(body.details.join('\n')).toMatch(/inner\.x|property x should not exist/);
  });

  it.each([{ name: 'a' }, { name: 'a', inner: null }, { name: 'a', inner: [] }, { name: 'a', inner: 'x' }, {}])('rejects a missing or non-object field %j', async (body) => {
    const r = await post('/probe', JSON.stringify(body));
    expect(r.status).toBe(400);
    expectErrorShape(await r.json(), 'validation_failed');
  });

  it.each(['{bad', '[1,2', '"just a string"', 'null', '{"name": "a", "inner": {"n": 1}} trailing'])('rejects invalid JSON %j with 400', async (raw) => {
    const r = await post('/probe', raw);
    expect(r.status).toBe(400);
    expectErrorShape(await r.json(), /bad_request|validation_failed/);
  });

  it('rejects an oversized body with 413', async () => {
    const r = await post('/probe', JSON.stringify({ name: 'a', inner: { n: 1 }, pad: 'x'.repeat(4096) }));
    expect(r.status).toBe(413);
    expectErrorShape(await r.json(), 'payload_too_large');
  });

  it('maps domain and crypto errors to 4xx and hides internals of a bug', async () => {
    const c = await post('/probe/conflict', '{}');
    expect(c.status).toBe(409);
    expect(await c.json()).toEqual({ error: 'already_issued', message: 'A token was already issued for this voter' });
    const k = await post('/probe/crypto', '{}');
    expect(k.status).toBe(400);
    expectErrorShape(await k.json(), 'crypto_invalid_point');
    const b = await post('/probe/bug', '{}');
    expect(b.status).toBe(500);
    const body = await b.json();
    expect(body).toEqual({ error: 'internal', message: 'An unexpected error occurred' });
  });

  it('answers an unknown route with 404 in the error shape', async () => {
    const r = await fetch(`${t.url}/no/such/route`);
    expect(r.status).toBe(404);
    expectErrorShape(await r.json(), 'not_found');
  });

  it('sets security headers and a request id', async () => {
    const r = await fetch(`${t.url}/health`);
    expect(r.status).toBe(200);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(r.headers.get('x-powered-by')).toBeNull();
    expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the OpenAPI description and UI', async () => {
    const json = await (await fetch(`${t.url}/api/docs-json`)).json();
    expect(json.openapi).toMatch(/^3\./);
    expect(Object.keys(json.paths)).toContain('/health');
    const ui = await fetch(`${t.url}/api/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toMatch(/swagger/i);
  });
});
