/** Work to run after the response is handed over. */
export type BackgroundTask = () => unknown;

/** One task or a list, as a response is given them. */
export type Background = BackgroundTask | readonly BackgroundTask[];

// Most responses carry no tasks: a side table keeps the response objects plain.
const backgroundTasks = new WeakMap<Response, readonly BackgroundTask[]>();
// Entries set and not yet taken. While there are none, taking is no lookup: every
// response sent asks, and a miss in a `WeakMap` costs ~20 ns on Deno (~10 on Bun).
// An entry whose response was dropped unsent only keeps the lookups on.
let untaken = 0;

function keepBackground(response: Response, tasks: readonly BackgroundTask[]): void {
  backgroundTasks.set(response, tasks);
  untaken++;
}

/** Removes and returns the background tasks of `response`, so they run exactly once. */
export function takeBackground(response: Response): readonly BackgroundTask[] | undefined {
  if (untaken === 0) return undefined;
  const tasks = backgroundTasks.get(response);
  if (tasks !== undefined) {
    backgroundTasks.delete(response);
    untaken--;
  }
  return tasks;
}

/** `replacement`, which stands in for `response` (a HEAD served by GET), with its background tasks. */
export function withBackgroundOf(response: Response, replacement: Response): Response {
  const tasks = takeBackground(response);
  if (tasks !== undefined) keepBackground(replacement, tasks);
  return replacement;
}

/** Attaches `background` (one task or a list) to `response`; returns it. */
export function withBackground(response: Response, background: Background | undefined): Response {
  if (background !== undefined) {
    keepBackground(response, typeof background === "function" ? [background] : [...background]);
  }
  return response;
}

/** Waits one macrotask, so background work starts only after the response is handed over. */
function afterResponse(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Runs tasks in order once `delivered` settles (a streamed body's end, or
 * the next macrotask); the first failure rejects and the rest do not run (S-BG-2).
 */
export async function runBackground(
  tasks: readonly BackgroundTask[],
  delivered: Promise<void>,
): Promise<void> {
  await delivered;
  await afterResponse();
  for (const task of tasks) await task();
}
