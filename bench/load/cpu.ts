/**
 * CPU time of the processes under test, from /proc (Linux): the server instances (their worker threads
 * included) and the PostgreSQL backends serving the bench database. Wall time alone hides whether a run
 * was bound by CPU or by waiting (the board lock, fsync); CPU per item is what a cheaper cast lowers.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of one process in ms, or undefined when it is gone (or there is no /proc). */
function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The PostgreSQL backends connected to `database` (their process title names it). */
function backendPids(database: string | undefined): number[] {
  const pids: number[] = [];
  if (!database) return pids;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const cmd = readFileSync(`/proc/${e}/cmdline`, 'utf8');
      if (cmd.startsWith('postgres: ') && cmd.split(' ').includes(database)) pids.push(Number(e));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

export interface CpuSample {
  server: Map<number, number>;
  database: Map<number, number>;
}

/** `database` undefined: the servers only. */
export function sampleCpu(serverPids: number[], database: string | undefined): CpuSample {
  const read = (pids: number[]) => new Map(pids.flatMap((p) => { const ms = processCpuMs(p); return ms === undefined ? [] : [[p, ms] as [number, number]]; }));
  return { server: read(serverPids), database: read(backendPids(database)) };
}

/**
 * CPU ms spent between two samples, by the servers and by the database backends. A backend that
 * connected during the run counts from zero; one that left is not counted (the pool keeps its
 * connections for the run, so this is rare).
 */
export function cpuBetween(a: CpuSample, b: CpuSample): { serverMs: number; databaseMs: number } {
  const sum = (x: Map<number, number>, y: Map<number, number>) => [...y].reduce((s, [pid, ms]) => s + ms - (x.get(pid) ?? 0), 0);
  return { serverMs: sum(a.server, b.server), databaseMs: sum(a.database, b.database) };
}
