import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { HISTORY_LENGTH } from "../../../examples/chat/history.ts";
import { RATE_LIMIT } from "../../../examples/chat/room.ts";
import { openPairClient } from "../workerd/targets.ts";
import {
  chatRooms,
  chatUpgrade,
  join,
  leave,
  type Member,
  nextClose,
  nextJson,
  token,
} from "./clients.ts";

/** The next `count` frames a member receives, parsed. */
async function receive(member: Member, count: number): Promise<Record<string, unknown>[]> {
  const frames = [];
  for (let i = 0; i < count; i++) frames.push(await nextJson(member.socket));
  return frames;
}

const texts = (frames: Record<string, unknown>[]) =>
  frames.map((frame) => `${frame.user}: ${frame.text}`);

describe("examples/chat: one Durable Object per room", () => {
  it("S-WS-11: every member receives every member's messages, in the same order", async () => {
    const members = await Promise.all(["ann", "ben", "cy"].map((user) => join("order", user)));
    for (const [i, member] of members.entries()) member.say(`hello ${i}`);
    const seen = await Promise.all(members.map((member) => receive(member, 3)));
    assert.deepEqual(
      new Set(texts(seen[0] ?? [])),
      new Set(["ann: hello 0", "ben: hello 1", "cy: hello 2"]),
    );
    for (const frames of seen) assert.deepEqual(texts(frames), texts(seen[0] ?? []));
    for (const member of members) assert.equal((await leave(member.socket)).code, 1000);
  });

  it("S-WS-11: two rooms stay isolated", async () => {
    const inA = await join("isolated-a", "ann");
    const inB = await join("isolated-b", "ben");
    inA.say("only for a");
    assert.equal((await nextJson(inA.socket)).text, "only for a");
    inB.say("only for b");
    // B's first frame is its own message: nothing from A came before it.
    assert.deepEqual(texts(await receive(inB, 1)), ["ben: only for b"]);
  });

  it("S-WS-11: a burst of 200 messages from 20 members loses none", async () => {
    const users = Array.from({ length: 20 }, (_, i) => `user${i}`);
    const members = await Promise.all(users.map((user) => join("burst", user)));
    for (let round = 0; round < 10; round++) {
      for (const [i, member] of members.entries()) member.say(`${i}/${round}`);
    }
    const seen = await Promise.all(members.map((member) => receive(member, 200)));
    const expected = users.flatMap((user, i) =>
      Array.from({ length: 10 }, (_, round) => `${user}: ${i}/${round}`),
    );
    for (const frames of seen) assert.deepEqual(texts(frames).sort(), expected.sort());
    const ids = (seen[0] ?? []).map((frame) => frame.id);
    assert.deepEqual(
      ids,
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
  });
});

describe("examples/chat: history in the object's SQLite storage", () => {
  it("S-WS-11: a new member gets the last 50 messages, also after the object was evicted", async () => {
    const writers = await Promise.all(["w1", "w2", "w3"].map((user) => join("history", user)));
    for (let n = 1; n <= 55; n++) writers[n % 3]?.say(`message ${n}`);
    // Three sockets interleave: the room's order is the order its broadcasts arrive in.
    const broadcast = await receive(writers[0] as Member, 55);
    for (const writer of writers) assert.equal((await leave(writer.socket)).code, 1000);
    const instance = () => runInDurableObject(chatRooms.getByName("history"), (room) => room);
    const before = await instance();
    // Every object leaves memory, as an evicted one does; its SQLite storage stays.
    await abortAllDurableObjects();
    const after = await join("history", "reader");
    assert.notEqual(await instance(), before, "the object was not evicted");
    const lastFifty = broadcast.slice(-HISTORY_LENGTH).map(({ type: _, ...message }) => message);
    assert.equal(lastFifty.length, 50);
    assert.deepEqual(after.history, lastFifty);
  });
});

describe("examples/chat: close codes and invalid input", () => {
  it("S-WS-2: without a token the room closes 1008, a code a browser sees", async () => {
    const socket = await openPairClient(await chatUpgrade("/rooms/auth/ws"));
    assert.deepEqual(await nextClose(socket), {
      code: 1008,
      reason: "a valid ?token= is required",
    });
  });

  it("S-WS-2: a forged token closes 1008 too", async () => {
    const forged = (await token("ann")).replace(/^ann\./, "bob.");
    const socket = await openPairClient(await chatUpgrade(`/rooms/auth/ws?token=${forged}`));
    assert.equal((await nextClose(socket)).code, 1008);
  });

  it("S-WS-11: an invalid message gets an error frame and the socket stays open", async () => {
    const member = await join("invalid", "ann");
    for (const frame of ["not json", '{"type":"shout"}', '{"type":"message","text":""}']) {
      member.socket.send(frame);
      assert.equal((await nextJson(member.socket)).type, "error");
    }
    member.socket.send(new Uint8Array([1]));
    assert.match(String((await nextJson(member.socket)).error), /binary frames are not accepted/);
    member.say("still here");
    assert.equal((await nextJson(member.socket)).text, "still here");
  });

  it(`S-WS-2: message ${RATE_LIMIT.messages + 1} within the window closes 1013 (Try Again Later)`, async () => {
    const member = await join("rate", "ann");
    for (let n = 1; n <= RATE_LIMIT.messages + 1; n++) member.say(`spam ${n}`);
    assert.equal((await receive(member, RATE_LIMIT.messages)).length, RATE_LIMIT.messages);
    assert.deepEqual(await nextClose(member.socket), {
      code: 1013,
      reason: "rate limit: at most 20 messages per 10 s",
    });
  });

  it("S-WS-11: a member's close is answered with the same code, never 1006", async () => {
    const member = await join("leave", "ann");
    assert.deepEqual(await leave(member.socket, 4000, "bye"), { code: 4000, reason: "bye" });
  });

  it("S-WS-3: an invalid room name is an HTTP 404 from the Worker", async () => {
    const response = await chatUpgrade("/rooms/Not_A_Room/ws");
    assert.equal(response.status, 404);
  });
});
