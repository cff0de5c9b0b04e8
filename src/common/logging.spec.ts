import { redactPath } from './logging';

describe('redactPath', () => {
  it('keeps route words, numbers and election ids; hides codes, hashes, tokens and queries', () => {
    const id = '0b8f3c1e-7d2a-4e55-9f10-1234567890ab';
    expect(redactPath(`/elections/${id}/board/entries/12/inclusion?size=20`)).toBe(`/elections/${id}/board/entries/12/inclusion`);
    expect(redactPath(`/elections/${id}/ballots/7Q2M-0KXD-VH3A-9RZC`)).toBe(`/elections/${id}/ballots/:x`);
    expect(redactPath(`/elections/${id}/ballots/abcd-efgh-jkmn-pqrs`)).toBe(`/elections/${id}/ballots/:x`);
    expect(redactPath('/auth/callback?code=secret&state=s')).toBe('/auth/callback');
    expect(redactPath(`/x/${'ab'.repeat(32)}`)).toBe('/x/:x');
    expect(redactPath('/sandbox-idp/interaction/Zx9_uidValue')).toBe('/sandbox-idp/interaction/:x');
  });
});
