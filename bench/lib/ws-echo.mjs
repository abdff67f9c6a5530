/**
 * The S6 client: WebSocket echo round trips, with `ws` from Node (the same
 * client for every runtime, as wrk is for HTTP). wrk cannot speak WebSocket.
 */
import WebSocket from "ws";

function open(url) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
    socket.once("unexpected-response", (_request, response) =>
      reject(new Error(`upgrade refused with HTTP ${response.statusCode}`)),
    );
  });
}

function nextMessage(socket, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no echo within 5 s")), timeoutMs);
    socket.once("message", (data, isBinary) => {
      clearTimeout(timer);
      resolve(isBinary ? data : data.toString());
    });
  });
}

/** Undefined when `url` echoes a text message back, else what went wrong. */
export async function echoProblem(url) {
  let socket;
  try {
    socket = await open(url);
    socket.send("ping 1");
    const reply = await nextMessage(socket);
    return reply === "ping 1" ? undefined : `echo answered ${JSON.stringify(reply)}`;
  } catch (error) {
    return `echo failed: ${error.message}`;
  } finally {
    socket?.terminate();
  }
}

/** One connection sending, awaiting the echo, sending again, until `deadline`. */
function pingPong(socket, deadline) {
  return new Promise((resolve, reject) => {
    let trips = 0;
    socket.on("message", () => {
      trips++;
      if (performance.now() < deadline) socket.send("ping");
      else resolve(trips);
    });
    socket.once("close", () => reject(new Error(`socket closed after ${trips} round trips`)));
    socket.send("ping");
  });
}

/** Round trips per second over `connections` sockets for `seconds`. */
export async function echoRate(url, { connections, seconds }) {
  const sockets = await Promise.all(Array.from({ length: connections }, () => open(url)));
  try {
    const start = performance.now();
    const counts = await Promise.all(
      sockets.map((socket) => pingPong(socket, start + seconds * 1000)),
    );
    const elapsed = (performance.now() - start) / 1000;
    return counts.reduce((sum, n) => sum + n, 0) / elapsed;
  } finally {
    for (const socket of sockets) {
      socket.removeAllListeners("close");
      socket.terminate();
    }
  }
}
