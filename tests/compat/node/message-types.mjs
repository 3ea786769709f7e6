// FIFO, delayed and transactional messages and SQL filters with the official Node.js client; prints one JSON
// line per result. `endpoints` is the access point (one broker of the cluster); routes name every master.
// node message-types.mjs '{"mode":"fifo","endpoints":"127.0.0.1:8081","topic":"t","group":"g","groups":3,"perGroup":50}'
//   fifo:          sends perGroup messages for each of `groups` message groups, interleaved, and prints
//                  {"brokers":{group:broker}}. A SimpleConsumer of the orderly `group` receives and acks them,
//                  leaving message `hold` ("g1:10") un-acked once (and the rest of its group's batch, as an
//                  orderly consumer must); prints {"received":[{group,seq,attempt}...]} in ack order and
//                  {"held":...}. With `pushGroup`, a PushConsumer of that orderly group consumes them at the same
//                  time; prints {"pushed":[{group,seq,attempt}...]} in consumption order.
//   delay:         sends a message due in 5 s to each broker and recalls both through the access point, then
//                  `count` messages due 1..5 s from now; prints {"recalled":[{body,broker}]},
//                  {"sent":[{body,dueAt,broker}]} and {"received":[{body,receivedAt}]}.
//   delay-send:    sends `count` messages due `firstDueMs`..`lastDueMs` from now; prints {"sent":[...]} and exits.
//   receive:       receives until `count` messages of `group` arrived; prints {"received":[{body,receivedAt}]}.
//   transaction:   commits one, rolls one back and leaves one to the broker's check (the checker commits it);
//                  prints {"received":[body...]} and {"checked":[body...]}.
//   tx-open:       sends one transactional message and leaves it open (its checker answers nothing);
//                  prints {"sent":{body,broker}}.
//   tx-resolve:    a producer whose checker commits whatever it is asked about, and a consumer receiving `count`
//                  messages; prints {"received":[body...]} and {"checked":[body...]}.
//   sql:           sends messages with properties {city, amount} (`messages`: [{city,amount}]), receives the
//                  `expected` number matching the SQL92 `filter`, then subscribes with `invalidFilter`; prints
//                  {"received":[body...]} and {"invalid":{code,message}}.
import { ConsumeResult, FilterExpression, Producer, PushConsumer, SimpleConsumer } from 'rocketmq-client-nodejs';
import { emit, logger, required, run, step } from './common.mjs';

const COMMIT = 1; // apache.rocketmq.v2.TransactionResolution.COMMIT
// Every call's deadline, in ms. The client's 3 s default fails calls on a CI machine running every test at once,
// which says nothing about the broker; the tests' own deadlines still bound each run.
const REQUEST_TIMEOUT = 10000;
const SQL = 2; // apache.rocketmq.v2.FilterType.SQL

await run('message-types', args => args.timeoutSeconds ?? 90, async args => {
  required(args, 'mode', 'endpoints', 'topic');
  const modes = {
    fifo, delay, 'delay-send': delaySend, receive, transaction, 'tx-open': transactionOpen, 'tx-resolve': transactionResolve, sql,
  };
  await modes[args.mode](args);
});

async function fifo({ endpoints, topic, group, pushGroup, groups = 3, perGroup = 50, hold = 'g1:10', maxSeconds = 60 }) {
  const producer = await startProducer(endpoints, topic);
  const brokers = {};
  for (let seq = 0; seq < perGroup; seq++) {
    for (let g = 0; g < groups; g++) {
      step(`send group g${g} #${seq}`);
      const receipt = await producer.send({ topic, messageGroup: `g${g}`, body: Buffer.from(`g${g}:${seq}`) });
      brokers[`g${g}`] = receipt.messageQueue.broker.name;
    }
  }
  await producer.shutdown();
  emit({ brokers });

  const deadline = Date.now() + maxSeconds * 1000;
  const total = groups * perGroup;
  await Promise.all([
    consumeInOrder(endpoints, topic, group, total, hold, deadline),
    pushGroup ? pushInOrder(endpoints, topic, pushGroup, total, deadline) : null,
  ]);
}

/** Receives with a SimpleConsumer and acks in order; `hold` is left un-acked once, with what follows it in its batch. */
async function consumeInOrder(endpoints, topic, group, total, hold, deadline) {
  const consumer = await startSimpleConsumer(endpoints, topic, group, '*', 1000);
  const received = [];
  let held = null;
  while (received.length < total && Date.now() < deadline) {
    step('receive (orderly simple consumer)');
    const heldGroups = new Set();
    for (const message of await consumer.receive(16, 4000)) {
      const receipt = fifoReceipt(message);
      if (heldGroups.has(receipt.group)) continue; // behind the held one: it comes back after it
      if (!held && message.body.toString() === hold) {
        held = receipt;
        heldGroups.add(receipt.group);
        continue;
      }
      await consumer.ack(message);
      received.push(receipt);
    }
  }
  await consumer.shutdown();
  emit({ received, held });
}

/**
 * Consumes with a PushConsumer of an orderly group. It fails nothing: client 1.0.8 applies no retry policy given
 * as a customized backoff (RocketMQ's default for a group), so a failed FIFO message would go to the DLQ at once.
 */
async function pushInOrder(endpoints, topic, group, total, deadline) {
  const pushed = [];
  let done;
  const allConsumed = new Promise(resolve => { done = resolve; });
  const consumer = new PushConsumer({
    endpoints, namespace: '', consumerGroup: group, subscriptions: new Map([[ topic, new FilterExpression('*') ]]), requestTimeout: REQUEST_TIMEOUT, logger,
    messageListener: {
      consume: message => {
        pushed.push(fifoReceipt(message));
        if (pushed.length >= total) done();
        return ConsumeResult.SUCCESS;
      },
    },
  });
  step('push consumer startup');
  await consumer.startup();
  step(`push consumer consuming (${pushed.length} of ${total})`);
  await Promise.race([ allConsumed, new Promise(resolve => setTimeout(resolve, Math.max(0, deadline - Date.now()))) ]);
  await consumer.shutdown();
  emit({ pushed });
}

function fifoReceipt(message) {
  const [ group, seq ] = message.body.toString().split(':');
  return { group, seq: Number(seq), attempt: message.deliveryAttempt };
}

async function delay({ endpoints, topic, group, count = 100, maxSeconds = 30 }) {
  const producer = await startProducer(endpoints, topic);
  // Receiving from before the first is due, so each is seen when it comes, not when the sends are done.
  const consumer = await startSimpleConsumer(endpoints, topic, group, '*', 250);
  // First one message on each broker, due last, recalled at once: through the access point, which holds only one of them.
  const toRecall = new Map();
  for (let i = 0; toRecall.size < 2 && i < 4; i++) {
    step(`send r${i}`);
    const receipt = await producer.send({ topic, deliveryTimestamp: new Date(Date.now() + 5000), body: Buffer.from(`r${i}`) });
    toRecall.set(receipt.messageQueue.broker.name, { body: `r${i}`, recallHandle: receipt.recallHandle });
  }
  for (const { body, recallHandle } of toRecall.values()) {
    step(`recall ${body}`);
    await producer.recallMessage(topic, recallHandle);
  }
  emit({ recalled: [ ...toRecall ].map(([ broker, { body } ]) => ({ body, broker })) });

  const start = Date.now();
  // Past the recalled messages' time too: they must not come.
  const [ sent, received ] = await Promise.all([
    sendDelayed(producer, topic, count, start + 1000, start + 5000),
    receiveWith(consumer, count, start + maxSeconds * 1000, start + 5500),
  ]);
  await Promise.all([ producer.shutdown(), consumer.shutdown() ]);
  emit({ sent });
  emit({ received });
}

async function delaySend({ endpoints, topic, count = 50, firstDueMs = 3000, lastDueMs = 8000 }) {
  const producer = await startProducer(endpoints, topic);
  const start = Date.now();
  const sent = await sendDelayed(producer, topic, count, start + firstDueMs, start + lastDueMs);
  await producer.shutdown();
  emit({ sent });
}

/**
 * Sends `count` delayed messages due evenly from `firstDueAt` to `lastDueAt` (Unix ms): the first alone, the rest
 * at once. One after another, on a loaded machine with SYNC_FLUSH, the last ones would leave after their delivery
 * time; and sends racing the client's first one would all take one broker (each builds its own queue selector,
 * starting where the first does).
 */
async function sendDelayed(producer, topic, count, firstDueAt, lastDueAt) {
  const sendOne = async i => {
    const dueAt = firstDueAt + Math.floor(((lastDueAt - firstDueAt) * i) / Math.max(1, count - 1));
    const receipt = await producer.send({ topic, deliveryTimestamp: new Date(dueAt), body: Buffer.from(`d${i}`) });
    return { body: `d${i}`, dueAt, broker: receipt.messageQueue.broker.name };
  };
  step('send the first delayed message');
  const first = await sendOne(0);
  step(`send ${count - 1} more delayed messages`);
  return [ first, ...await Promise.all(Array.from({ length: count - 1 }, (_, i) => sendOne(i + 1))) ];
}

async function receive({ endpoints, topic, group, count, maxSeconds = 30 }) {
  const consumer = await startSimpleConsumer(endpoints, topic, group, '*', 250);
  const received = await receiveWith(consumer, count, Date.now() + maxSeconds * 1000, 0);
  await consumer.shutdown();
  emit({ received });
}

/**
 * Receives and acks until `count` messages arrived (or `deadline`), and keeps receiving until `watchUntil`;
 * returns each with the time it arrived. Give it a consumer with short long-polls (250 ms), so a poll of one
 * broker's queue never keeps a message of the other waiting for long.
 */
async function receiveWith(consumer, count, deadline, watchUntil) {
  const received = [];
  while ((received.length < count && Date.now() < deadline) || Date.now() < watchUntil) {
    step(`receive (${received.length} of ${count})`);
    const batch = await consumer.receive(32, 20000);
    const receivedAt = Date.now();
    received.push(...batch.map(message => ({ body: message.body.toString(), receivedAt })));
    await Promise.all(batch.map(message => consumer.ack(message)));
  }
  return received;
}

async function transaction({ endpoints, topic, group, maxSeconds = 40 }) {
  const checked = [];
  const producer = await startProducer(endpoints, topic, committingChecker(checked));
  for (const [ body, end ] of [[ 'committed', 'commit' ], [ 'rolled back', 'rollback' ], [ 'checked', null ]]) {
    const tx = producer.beginTransaction();
    step(`send ${body}`);
    await producer.send({ topic, body: Buffer.from(body) }, tx);
    if (end === 'commit') await tx.commit();
    if (end === 'rollback') await tx.rollback();
  }
  await receiveTransactional(endpoints, topic, group, 2, maxSeconds, checked);
  await producer.shutdown();
}

async function transactionOpen({ endpoints, topic, body = 'open' }) {
  // The checker answers nothing: the transaction stays open on the broker.
  const producer = await startProducer(endpoints, topic, { check: async () => null });
  step(`send ${body}`);
  const receipt = await producer.send({ topic, body: Buffer.from(body) }, producer.beginTransaction());
  await producer.shutdown();
  emit({ sent: { body, broker: receipt.messageQueue.broker.name } });
}

async function transactionResolve({ endpoints, topic, group, count = 1, maxSeconds = 40 }) {
  const checked = [];
  const producer = await startProducer(endpoints, topic, committingChecker(checked));
  await receiveTransactional(endpoints, topic, group, count, maxSeconds, checked);
  await producer.shutdown();
}

function committingChecker(checked) {
  return { check: async message => { checked.push(message.body.toString()); return COMMIT; } };
}

async function receiveTransactional(endpoints, topic, group, count, maxSeconds, checked) {
  const consumer = await startSimpleConsumer(endpoints, topic, group, '*', 1000);
  const received = [];
  const deadline = Date.now() + maxSeconds * 1000;
  while (received.length < count && Date.now() < deadline) {
    step('receive (waiting for the broker to check the open transaction)');
    for (const message of await consumer.receive(16, 20000)) {
      received.push(message.body.toString());
      await consumer.ack(message);
    }
  }
  await consumer.shutdown();
  emit({ received, checked });
}

async function sql({ endpoints, topic, group, messages, expected, filter, invalidFilter, maxSeconds = 30 }) {
  const producer = await startProducer(endpoints, topic);
  for (const [ i, { city, amount } ] of messages.entries()) {
    step(`send #${i}`);
    await producer.send({ topic, properties: new Map([[ 'city', city ], [ 'amount', String(amount) ]]), body: Buffer.from(`${city}:${amount}`) });
  }
  await producer.shutdown();

  const consumer = await startSimpleConsumer(endpoints, topic, group, new FilterExpression(filter, SQL), 1000);
  const received = [];
  const deadline = Date.now() + maxSeconds * 1000;
  // Until every match arrived, then one more receive of each broker's queue: nothing else may come.
  for (let extra = 2; (received.length < expected || extra-- > 0) && Date.now() < deadline;) {
    step(`receive with '${filter}' (${received.length} of ${expected})`);
    for (const message of await consumer.receive(32, 20000)) {
      received.push(message.body.toString());
      await consumer.ack(message);
    }
  }
  await consumer.shutdown();
  emit({ received });
  emit({ invalid: await refusal(endpoints, topic, `${group}-invalid`, invalidFilter) });
}

/** Subscribes with a malformed expression and receives once: the client's error, wherever the broker refused it. */
async function refusal(endpoints, topic, group, filter) {
  let consumer;
  try {
    consumer = await startSimpleConsumer(endpoints, topic, group, new FilterExpression(filter, SQL), 1000);
    step(`receive with the malformed '${filter}'`);
    await consumer.receive(1, 20000);
    return null;
  } catch (err) {
    return { code: err.code ?? null, message: err.message };
  } finally {
    await consumer?.shutdown();
  }
}

async function startProducer(endpoints, topic, checker) {
  const producer = new Producer({ endpoints, namespace: '', topic, checker, requestTimeout: REQUEST_TIMEOUT, logger });
  step('producer startup');
  await producer.startup();
  return producer;
}

async function startSimpleConsumer(endpoints, topic, group, filter, awaitDuration) {
  const consumer = new SimpleConsumer({
    endpoints, namespace: '', consumerGroup: group, subscriptions: new Map([[ topic, filter ]]), awaitDuration, requestTimeout: REQUEST_TIMEOUT, logger,
  });
  step('consumer startup');
  await consumer.startup();
  return consumer;
}
