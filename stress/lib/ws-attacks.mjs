/**
 * WebSocket attacks: storms of sockets running random scripts that end with a
 * known close code, forbidden close codes on raw frames, and a flood to a
 * client that stops reading. The oracle: every echo arrives, every close has
 * the code the script implies, 1006 only where the client itself dropped.
 */
import WebSocket from "ws";
import { rssOf, STRESS_BUILD } from "./process.mjs";
import { pool, within } from "./random.mjs";

const SOCKET_MS = 6000;
const CLIENT_CODES = [1000, 1001, 1003, 1008, 1011, 3000, 4000, 4999];
const SERVER_CODES = [1000, 1001, 1003, 1008, 1011, 1013, 3001, 4321];

/** A random script, and the close code it must end with (undefined: the client drops). */
function script(random) {
  const echoes = Array.from(
    { length: random.int(6) },
    (_, i) => `m${i}-${"x".repeat(random.int(2000))}`,
  );
  const ending = random.pick([
    "client",
    "client-empty",
    "server",
    "throw",
    "http",
    "wsexc",
    "drop",
  ]);
  const code = ending === "client" ? random.pick(CLIENT_CODES) : random.pick(SERVER_CODES);
  const expect = {
    client: code,
    "client-empty": 1005,
    server: code,
    throw: 1011,
    http: 4403,
    wsexc: 4001,
    drop: undefined,
  }[ending];
  return { echoes, ending, code, expect, reports: ending === "throw" ? 1 : 0 };
}

function runScript(origin, plan, sid) {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${origin.replace("http", "ws")}/ws/script?sid=${sid}`);
    const received = [];
    const done = (outcome) => {
      clearTimeout(timer);
      resolve({ ...outcome, received });
    };
    const timer = setTimeout(() => {
      socket.terminate();
      done({ hung: true });
    }, SOCKET_MS);
    socket.on("error", () => {});
    socket.on("message", (data) => received.push(data.toString()));
    socket.on("close", (code) => done({ code }));
    socket.on("open", async () => {
      for (const text of plan.echoes) socket.send(`echo:${text}`);
      // Endings go after the echoes came back, so a lost message is not a race with the close.
      while (received.length < plan.echoes.length && socket.readyState === WebSocket.OPEN) {
        await new Promise((wake) => socket.once("message", wake));
      }
      if (plan.ending === "client") socket.close(plan.code, "bye");
      else if (plan.ending === "client-empty") socket.close();
      else if (plan.ending === "server") socket.send(`close:${plan.code}`);
      else if (plan.ending === "throw") socket.send("throw");
      else if (plan.ending === "http") socket.send("http:403");
      else if (plan.ending === "wsexc") socket.send("wsexc:4001");
      else {
        socket.terminate();
        done({ code: undefined });
      }
    });
  });
}

/** `count` sockets in rounds of 100 at once; returns the sids that must be reported once. */
export async function storm(server, tally, random, count, firstSid) {
  const expected = new Map();
  const tasks = Array.from({ length: count }, (_, i) => async () => {
    const sid = firstSid + i;
    const plan = script(random);
    const outcome = await runScript(server.origin, plan, sid);
    tally.sockets++;
    const label = `ws ${plan.ending} ${plan.code}`;
    expected.set(String(sid), { reports: plan.reports, label });
    if (outcome.hung) return tally.fail("hangs", label);
    const lost = plan.echoes.filter((text, n) => outcome.received[n] !== text).length;
    for (let n = 0; n < lost; n++) tally.fail("lostMessages", label);
    if (plan.expect === undefined) return;
    if (outcome.code === 1006) tally.fail("unexpected1006", label);
    else if (outcome.code !== plan.expect) {
      tally.fail("wrongCloseCodes", `${label}: got ${outcome.code}, expected ${plan.expect}`);
    }
  });
  await pool(tasks, 100);
  return expected;
}

async function rawClient() {
  return import(`${STRESS_BUILD}test/suite/raw-ws.js`);
}

/** Close codes a client may not send: every runtime must answer 1002 (or cut), never echo. */
export async function forbiddenCodes(server, tally) {
  const { RawWebSocket } = await rawClient();
  for (const [code, reason] of [
    [999, ""],
    [1004, ""],
    [1005, "a reason"],
    [1006, ""],
    [1015, ""],
    [5000, ""],
  ]) {
    const client = await within(
      RawWebSocket.connect(server.port, "/ws/script"),
      SOCKET_MS,
      undefined,
    );
    if (!client) {
      tally.fail("hangs", "no 101 for a raw handshake");
      continue;
    }
    client.sendClose(code, reason);
    const readout = await client.readAll(SOCKET_MS);
    tally.sockets++;
    const answered = readout.close?.code ?? 1002;
    if (answered !== 1002)
      tally.fail("wrongCloseCodes", `client sent ${code}: answered ${answered}`);
  }
}

/**
 * A client that stops reading while the endpoint sends up to 2000 × 64 KiB:
 * bounded and closed 1008 where the runtime tells the buffered amount; nothing lost anywhere.
 */
export async function floodNonReader(server, tally, sid, fetchStats, bounded) {
  const { RawWebSocket } = await rawClient();
  const client = await within(
    RawWebSocket.connect(server.port, `/ws/flood?sid=${sid}`),
    SOCKET_MS,
    undefined,
  );
  tally.sockets++;
  if (!client) return tally.fail("hangs", "no 101 for the flood's handshake");
  let sent;
  const deadline = Date.now() + 10_000;
  while (sent === undefined && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    sent = (await fetchStats()).floods[sid];
  }
  tally.floodPeakRss = Math.max(tally.floodPeakRss ?? 0, rssOf(server.memoryPid));
  if (sent === undefined) {
    client.drop();
    return tally.fail("hangs", "flood endpoint never stopped sending");
  }
  const readout = await client.readAll(20_000);
  for (let n = readout.messages; n < sent; n++) tally.fail("lostMessages", "flood");
  // workerd exposes no buffered amount: nothing is bounded, everything must arrive, then 1000.
  if (readout.close?.code !== (bounded ? 1008 : 1000)) {
    tally.fail(
      "wrongCloseCodes",
      `flood: ${JSON.stringify(readout.close)} after ${readout.messages}/${sent}`,
    );
  }
}

/** Shutdown under load: open sockets get 1001, requests in flight finish, the process exits on time. */
export async function shutdownUnderLoad(server, tally) {
  const sockets = await Promise.all(
    Array.from({ length: 20 }, async () => {
      const socket = new WebSocket(`${server.origin.replace("http", "ws")}/ws/script`);
      socket.on("error", () => {});
      const closed = new Promise((resolve) => socket.on("close", (code) => resolve(code)));
      await within(new Promise((resolve) => socket.once("open", resolve)), SOCKET_MS, undefined);
      return { closed }; // wrapped: an async function returning the promise would wait for it
    }),
  );
  const requests = Array.from({ length: 20 }, () =>
    within(
      fetch(`${server.origin}/slow`).then((r) => r.text()),
      10_000,
      "hung",
    ).catch((e) => `failed: ${e.cause?.code ?? e}`),
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = Date.now();
  const exit = await server.stop(8000);
  tally.sockets += sockets.length;
  tally.requests += requests.length;
  if (exit.signal === "SIGKILL")
    tally.fail("hangs", `shutdown took over 8 s (${Date.now() - started} ms)`);
  else if (exit.code !== 0) tally.fail("crashes", `shutdown exit ${exit.code ?? exit.signal}`);
  for (const code of await Promise.all(
    sockets.map(({ closed }) => within(closed, 10_000, "hung")),
  )) {
    if (code === 1006) tally.fail("unexpected1006", "shutdown");
    else if (code !== 1001) tally.fail("wrongCloseCodes", `shutdown: ${code}`);
  }
  for (const text of await Promise.all(requests)) {
    if (text !== "slow") tally.fail("wrongStatus", `request in flight at shutdown: ${text}`);
  }
}
