/**
 * The timing loop shared by the in-process bench and the A/B tool: checks,
 * samples, and rounds with the apps interleaved and their order rotated.
 */
import { HTTP_SCENARIOS, mismatch, type Probe, toRequest } from "./scenarios.ts";

/** What the runners call: every app is a fetch handler. */
export interface FetchApp {
  fetch(request: Request): Response | Promise<Response>;
}

export interface TimingConfig {
  rounds?: number;
  sampleMs?: number;
  warmupMs?: number;
  /** The scenarios to time (default: every HTTP scenario). */
  scenarios?: string[];
  /** Each round times one chunk of `app.fetch` calls per app, bodies unread (`sampleCalls`). */
  calls?: boolean;
  /** With `calls`: each body is read too, inside the timed chunk (the cost a response class adds on reading). */
  readBodies?: boolean;
}

// Requests are built in chunks outside the timed part: the bench times the
// apps, not `new Request`. A chunk is timed as one stretch (far above the
// clock's resolution), then the loop goes back to the event loop, as a server
// would; 1,024 keeps that turn (about 1 ms: timers are clamped) a small share.
const CHUNK = 1024;

/** Every app × every check: how many were made, and the mismatches (none when all is well). */
export async function checkAll(apps: ReadonlyMap<string, FetchApp>) {
  const failures: string[] = [];
  let checked = 0;
  for (const [name, app] of apps) {
    for (const probe of HTTP_SCENARIOS.flatMap((each) => each.checks)) {
      checked++;
      try {
        const response = await app.fetch(toRequest(probe));
        const body = await response.text();
        const problem = mismatch(
          probe,
          response.status,
          response.headers.get("content-type"),
          body,
        );
        if (problem) failures.push(`${name}: ${problem}`);
      } catch (error) {
        failures.push(`${name}: ${probe.label} threw ${String(error)}`);
      }
    }
  }
  return { checked, failures };
}

/** One turn of the event loop: runtimes free some per-request resources in macrotasks. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Nanoseconds per request over at least `ms` milliseconds of timed work. */
export async function sample(app: FetchApp, probe: Probe, ms: number): Promise<number> {
  let elapsed = 0;
  let count = 0;
  while (elapsed < ms) {
    const requests = Array.from({ length: CHUNK }, () => toRequest(probe));
    const start = performance.now();
    for (const request of requests) await (await app.fetch(request)).text();
    elapsed += performance.now() - start;
    count += CHUNK;
    await yieldToEventLoop();
  }
  return (elapsed * 1e6) / count;
}

/**
 * Nanoseconds per `app.fetch` call over one chunk, the bodies left unread
 * unless `readBodies` (then each is read as it comes, inside the chunk):
 * what the framework itself does per request. The finer instrument of the
 * A/B tool (`--calls`) and, bodies read, of the full run's in-process phase:
 * a 150 ms sample also times the event loop's turns, and swings by a third
 * from round to round on a shared machine, more than a change of a few
 * percent. A chunk is short (0.3 ms for Deno's `GET /`), so hundreds of
 * paired rounds fit in the time of a few.
 */
async function sampleCalls(app: FetchApp, probe: Probe, readBodies: boolean): Promise<number> {
  const requests = Array.from({ length: CHUNK }, () => toRequest(probe));
  const start = performance.now();
  for (const request of requests) {
    const answer = app.fetch(request);
    if (readBodies) await (await answer).text();
    else if (!(answer instanceof Response)) await answer;
  }
  const elapsed = performance.now() - start;
  await yieldToEventLoop();
  return (elapsed * 1e6) / CHUNK;
}

function rotate<T>(list: readonly T[], by: number): T[] {
  const shift = by % list.length;
  return [...list.slice(shift), ...list.slice(0, shift)];
}

// Apps are interleaved inside each round and their order rotates from
// round to round, so drift (heat, neighbours, GC) falls on all of them alike.
export async function timeAll(apps: ReadonlyMap<string, FetchApp>, config: TimingConfig) {
  const { rounds = 5, sampleMs = 150, warmupMs = 150 } = config;
  const timed = HTTP_SCENARIOS.filter(
    (each) => config.scenarios === undefined || config.scenarios.includes(each.id),
  );
  const samples: Record<string, Record<string, number[]>> = {};
  for (const { id, timed: probe } of timed) {
    samples[id] = {};
    for (const [name, app] of apps) {
      samples[id][name] = [];
      await sample(app, probe as Probe, warmupMs);
    }
  }
  const measure = config.calls
    ? (app: FetchApp, probe: Probe) => sampleCalls(app, probe, config.readBodies === true)
    : (app: FetchApp, probe: Probe) => sample(app, probe, sampleMs);
  for (let round = 0; round < rounds; round++) {
    for (const { id, timed: probe } of timed) {
      for (const name of rotate([...apps.keys()], round)) {
        const app = apps.get(name) as FetchApp;
        samples[id][name].push(await measure(app, probe as Probe));
      }
    }
  }
  return samples;
}
