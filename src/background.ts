import type { BackgroundTask } from "./responses.ts";

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
