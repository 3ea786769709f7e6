// FIFO, delayed and transactional messages with the official Node.js client; prints one JSON line per result.
// node message-types.mjs '{"mode":"fifo","endpoints":"127.0.0.1:8081","topic":"t","group":"g","groups":3,"perGroup":50}'
//   fifo:        sends perGroup messages for each of `groups` message groups, interleaved; a SimpleConsumer of an
//                orderly group receives and acks them; prints {"received":[{group,seq,attempt}...]} in receipt order.
//   delay:       sends `count` messages due 1..5 s from now, recalls the last; prints {"received":[{body,dueAt,receivedAt}]}
//                and {"recalled":body}.
//   transaction: commits one, rolls one back and leaves one to the broker's check (the checker commits it);
//                prints {"received":[body...]} and {"checked":[body...]}.
import { Producer, SimpleConsumer } from 'rocketmq-client-nodejs';
import { emit, logger, required, run, step } from './common.mjs';

const COMMIT = 1; // apache.rocketmq.v2.TransactionResolution.COMMIT

await run('message-types', args => args.timeoutSeconds ?? 90, async args => {
  required(args, 'mode', 'endpoints', 'topic', 'group');
  const modes = { fifo, delay, transaction };
  await modes[args.mode](args);
});

async function fifo({ endpoints, topic, group, groups = 3, perGroup = 50, maxSeconds = 60 }) {
  const producer = new Producer({ endpoints, namespace: '', topic, logger });
  step('producer startup');
  await producer.startup();
  for (let seq = 0; seq < perGroup; seq++) {
    for (let g = 0; g < groups; g++) {
      step(`send group g${g} #${seq}`);
      await producer.send({ topic, messageGroup: `g${g}`, body: Buffer.from(`g${g}:${seq}`) });
    }
  }
  await producer.shutdown();

  const consumer = new SimpleConsumer({ endpoints, namespace: '', consumerGroup: group, subscriptions: new Map([[ topic, '*' ]]), awaitDuration: 3000, logger });
  step('consumer startup');
  await consumer.startup();
  const received = [];
  const deadline = Date.now() + maxSeconds * 1000;
  while (received.length < groups * perGroup && Date.now() < deadline) {
    step('receive');
    const batch = await consumer.receive(16, 20000);
    for (const message of batch) {
      const [ messageGroup, seq ] = message.body.toString().split(':');
      received.push({ group: messageGroup, seq: Number(seq), attempt: message.deliveryAttempt });
      await consumer.ack(message);
    }
  }
  await consumer.shutdown();
  emit({ received });
}

async function delay({ endpoints, topic, group, count = 20, maxSeconds = 30 }) {
  const producer = new Producer({ endpoints, namespace: '', topic, logger });
  step('producer startup');
  await producer.startup();
  const start = Date.now();
  const due = new Map();
  let lastReceipt;
  for (let i = 0; i < count; i++) {
    const dueAt = start + 1000 + Math.floor((4000 * i) / Math.max(1, count - 1));
    step(`send delayed #${i}`);
    lastReceipt = await producer.send({ topic, deliveryTimestamp: new Date(dueAt), body: Buffer.from(`d${i}`) });
    due.set(`d${i}`, dueAt);
  }
  step('recall the last message');
  await producer.recallMessage(topic, lastReceipt.recallHandle);
  emit({ recalled: `d${count - 1}` });
  await producer.shutdown();

  const consumer = new SimpleConsumer({ endpoints, namespace: '', consumerGroup: group, subscriptions: new Map([[ topic, '*' ]]), awaitDuration: 2000, logger });
  step('consumer startup');
  await consumer.startup();
  const received = [];
  const deadline = Math.max(Date.now(), start + 6000) + maxSeconds * 1000;
  while (received.length < count - 1 && Date.now() < deadline) {
    const batch = await consumer.receive(16, 20000);
    const receivedAt = Date.now();
    for (const message of batch) {
      const body = message.body.toString();
      received.push({ body, dueAt: due.get(body), receivedAt });
      await consumer.ack(message);
    }
  }
  // Past the recalled message's time too: it must not come.
  while (Date.now() < start + 6500) {
    for (const message of await consumer.receive(16, 20000)) {
      received.push({ body: message.body.toString(), dueAt: due.get(message.body.toString()), receivedAt: Date.now() });
      await consumer.ack(message);
    }
  }
  await consumer.shutdown();
  emit({ received });
}

async function transaction({ endpoints, topic, group, maxSeconds = 40 }) {
  const checked = [];
  const checker = { check: async message => { checked.push(message.body.toString()); return COMMIT; } };
  const producer = new Producer({ endpoints, namespace: '', topic, checker, logger });
  step('producer startup');
  await producer.startup();
  for (const [ body, end ] of [[ 'committed', 'commit' ], [ 'rolled back', 'rollback' ], [ 'checked', null ]]) {
    const tx = producer.beginTransaction();
    step(`send ${body}`);
    await producer.send({ topic, body: Buffer.from(body) }, tx);
    if (end === 'commit') await tx.commit();
    if (end === 'rollback') await tx.rollback();
  }

  const consumer = new SimpleConsumer({ endpoints, namespace: '', consumerGroup: group, subscriptions: new Map([[ topic, '*' ]]), awaitDuration: 2000, logger });
  step('consumer startup');
  await consumer.startup();
  const received = [];
  const deadline = Date.now() + maxSeconds * 1000;
  while (received.length < 2 && Date.now() < deadline) {
    step('receive (waiting for the broker to check the open transaction)');
    for (const message of await consumer.receive(16, 20000)) {
      received.push(message.body.toString());
      await consumer.ack(message);
    }
  }
  await consumer.shutdown();
  await producer.shutdown();
  emit({ received, checked });
}
