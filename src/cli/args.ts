/**
 * A tiny command dispatcher on top of Node's built-in `util.parseArgs`: commands are registered by their
 * words ("trustee init"), each with its options, help text and handler. `evote <words> --help` prints the
 * command's help; unknown options are errors. Add a command by adding a {@link Command} to the list.
 */
import { parseArgs } from 'node:util';

/** `multiple`: a string option that may be given several times; the command gets the values in order. */
export type OptionSpec = { type: 'string' | 'boolean'; short?: string; description: string; default?: string | boolean; required?: boolean; multiple?: boolean };
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface Command {
  /** The words that name the command, e.g. ["trustee", "init"]. */
  readonly words: readonly string[];
  readonly summary: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** One optional positional argument, given to `run` under this name (e.g. `evote verify record.json`). */
  readonly positional?: { readonly name: string; readonly description: string };
  /** Runs the command; resolves to the process exit code. */
  run(values: OptionValues, io: CliIO): Promise<number>;
}

/** Where a command writes: stdout for results, stderr for progress and errors. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
}

export class UsageError extends Error {}

export function commandHelp(program: string, c: Command): string {
  const lines = [`Usage: ${program} ${c.words.join(' ')}${c.positional ? ` [${c.positional.name}]` : ''} [options]`, '', c.summary, ''];
  if (c.positional) lines.push(`  ${c.positional.name.padEnd(28)} ${c.positional.description}`, '');
  lines.push('Options:');
  for (const [name, o] of Object.entries({ ...c.options, help: { type: 'boolean', description: 'show this help' } as OptionSpec })) {
    const flag = `--${name}${o.type === 'string' ? ' <value>' : ''}${o.multiple ? ' …' : ''}`;
    const extra = o.required ? ' (required)' : o.default !== undefined ? ` (default: ${String(o.default)})` : '';
    lines.push(`  ${flag.padEnd(28)} ${o.description}${extra}`);
  }
  return lines.join('\n');
}

export function programHelp(program: string, commands: readonly Command[]): string {
  return [
    `Usage: ${program} <command> [options]`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.words.join(' ').padEnd(28)} ${c.summary}`),
    '',
    `Run "${program} <command> --help" for the options of a command.`,
  ].join('\n');
}

/** Finds the command named by the leading words of `argv` and runs it. Returns the exit code. */
export async function dispatch(program: string, commands: readonly Command[], argv: readonly string[], io: CliIO): Promise<number> {
  const command = commands
    .filter((c) => c.words.every((w, i) => argv[i] === w))
    .sort((a, b) => b.words.length - a.words.length)[0];
  if (!command) {
    const wantsHelp = argv.length === 0 || argv.includes('--help') || argv.includes('-h') || argv[0] === 'help';
    (wantsHelp ? io.out : io.err)(programHelp(program, commands));
    return wantsHelp ? 0 : 2;
  }
  const rest = argv.slice(command.words.length);
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = { help: { type: 'boolean', short: 'h' } };
  for (const [k, o] of Object.entries(command.options)) options[k] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  let values: OptionValues;
  try {
    const parsed = parseArgs({ args: [...rest], options, strict: true, allowPositionals: command.positional !== undefined });
    values = parsed.values as OptionValues;
    if (parsed.positionals.length > 1) throw new UsageError(`expected at most one ${command.positional!.name}, got ${parsed.positionals.length}`);
    if (command.positional && parsed.positionals.length === 1) values[command.positional.name] = parsed.positionals[0];
    if (values.help) {
      io.out(commandHelp(program, command));
      return 0;
    }
    for (const [k, o] of Object.entries(command.options)) {
      if (values[k] === undefined && o.default !== undefined) values[k] = o.default;
      if (o.required && (values[k] === undefined || values[k] === '')) throw new UsageError(`missing --${k}`);
    }
  } catch (e) {
    io.err(`${program} ${command.words.join(' ')}: ${(e as Error).message}`);
    io.err(`Run "${program} ${command.words.join(' ')} --help" for usage.`);
    return 2;
  }
  try {
    return await command.run(values, io);
  } catch (e) {
    io.err(`${program} ${command.words.join(' ')}: ${e instanceof UsageError ? e.message : (e as Error).message ?? String(e)}`);
    return e instanceof UsageError ? 2 : 1;
  }
}
