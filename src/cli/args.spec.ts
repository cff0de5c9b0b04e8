import { dispatch, type Command } from './args';

function run(argv: string[], command: Command) {
  const out: string[] = [];
  const err: string[] = [];
  return dispatch('evote', [command], argv, { out: (l) => out.push(l), err: (l) => err.push(l) }).then((code) => ({ code, out, err }));
}

describe('evote argument dispatch', () => {
  const seen: Array<Record<string, unknown>> = [];
  const verify: Command = {
    words: ['verify'],
    summary: 'Verify',
    options: { json: { type: 'boolean', description: 'JSON', default: false } },
    positional: { name: 'target', description: 'file or URL' },
    run: async (v) => {
      seen.push(v);
      return 0;
    },
  };
  const noPositional: Command = { ...verify, positional: undefined };

  it('passes one positional argument under its name, with the options', async () => {
    expect((await run(['verify', 'record.json', '--json'], verify)).code).toBe(0);
    expect(seen.at(-1)).toMatchObject({ target: 'record.json', json: true });
  });

  it('refuses two positionals, unknown options, and positionals where none is declared', async () => {
    expect((await run(['verify', 'a', 'b'], verify)).code).toBe(2);
    expect((await run(['verify', '--nope'], verify)).code).toBe(2);
    const r = await run(['verify', 'a'], noPositional);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(/Unexpected argument|positional/i);
  });

  it('shows the positional in the help', async () => {
    const r = await run(['verify', '--help'], verify);
    expect(r.out.join('\n')).toMatch(/Usage: evote verify \[target\] \[options\]/);
  });
});
