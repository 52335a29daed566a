import assert from "node:assert/strict";
import { test } from "node:test";
import { Latest } from "../../src/latest";

// A hand-driven `later`: the test decides when the queued requests get their turn.
function harness() {
  const ran: number[] = [], cancelled: number[] = [], turns: (() => void)[] = [];
  const queue = new Latest<number>((r) => ran.push(r), (r) => cancelled.push(r), (next) => turns.push(next));
  const turn = () => turns.shift()!();
  return { queue, ran, cancelled, turns, turn };
}

test("a request runs on its turn, not when offered", () => {
  const { queue, ran, cancelled, turns, turn } = harness();
  queue.offer(1);
  assert.deepEqual(ran, []);
  assert.equal(turns.length, 1);
  turn();
  assert.deepEqual(ran, [1]);
  assert.deepEqual(cancelled, []);
});

test("requests that arrive before the turn: only the newest runs, each older one is cancelled once", () => {
  const { queue, ran, cancelled, turns, turn } = harness();
  queue.offer(1);
  queue.offer(2);
  queue.offer(3);
  assert.equal(turns.length, 1);
  assert.deepEqual(cancelled, [1, 2]);
  turn();
  assert.deepEqual(ran, [3]);
});

test("a request after a turn gets a turn of its own", () => {
  const { queue, ran, cancelled, turns, turn } = harness();
  queue.offer(1);
  turn();
  queue.offer(2);
  assert.equal(turns.length, 1);
  turn();
  assert.deepEqual(ran, [1, 2]);
  assert.deepEqual(cancelled, []);
});

test("a request offered while one runs waits for the next turn", () => {
  const ran: number[] = [], turns: (() => void)[] = [];
  let queue: Latest<number>;
  queue = new Latest<number>((r) => { ran.push(r); if (r === 1) queue.offer(2); }, () => assert.fail("nothing to cancel"),
    (next) => turns.push(next));
  queue.offer(1);
  turns.shift()!();
  assert.deepEqual(ran, [1]);
  turns.shift()!();
  assert.deepEqual(ran, [1, 2]);
});
