// Receives with the official Node.js SimpleConsumer until `count` messages arrived or `maxSeconds`
// passed, acks them when `ack` is true, and prints one {"message":...} line per message and a
// final {"summary":...} line.
// node consume.mjs '{"endpoints":"127.0.0.1:8081","group":"g","topic":"tax-data-topic","filter":"*",
//   "count":10,"invisibleSeconds":30,"ack":true,"maxSeconds":30}'
import { SimpleConsumer } from 'rocketmq-client-nodejs';
import { emit, logger, required, run, step } from './common.mjs';

await run('consume', args => (args.maxSeconds ?? 30) + (args.awaitSeconds ?? 5) + 30, async args => {
  required(args, 'endpoints', 'group', 'topic', 'count');
  const {
    endpoints, group, topic, filter = '*', count, invisibleSeconds = 30, ack = true,
    maxSeconds = 30, awaitSeconds = 5, batchSize = 16,
  } = args;

  const consumer = new SimpleConsumer({
    endpoints,
    namespace: '',
    consumerGroup: group,
    subscriptions: new Map([[ topic, filter ]]),
    awaitDuration: awaitSeconds * 1000,
    logger,
  });
  const queueIds = recordQueueIds(consumer);
  step('consumer startup (QueryRoute, then the Settings answer on the Telemetry stream)');
  await consumer.startup();

  const started = Date.now();
  const deadline = started + maxSeconds * 1000;
  let received = 0;
  let acked = 0;
  let polls = 0;
  while (received < count && Date.now() < deadline) {
    step(`ReceiveMessage poll #${polls + 1}`);
    const batch = await consumer.receive(Math.min(batchSize, count - received), invisibleSeconds * 1000);
    polls++;
    for (const message of batch) {
      emit({ message: describe(message, queueIds) });
    }
    received += batch.length;
    if (ack) {
      step(`AckMessage of ${batch.length} message(s)`);
      // Ack the whole batch at once: a short invisible duration must not expire while we ack.
      await Promise.all(batch.map(message => consumer.ack(message)));
      acked += batch.length;
    }
  }
  step('consumer shutdown (NotifyClientTermination)');
  await consumer.shutdown();
  emit({ summary: { received, acked, polls, elapsedMs: Date.now() - started } });
});

function describe(message, queueIds) {
  return {
    messageId: message.messageId,
    topic: message.topic,
    tag: message.tag ?? null,
    keys: message.keys,
    properties: Object.fromEntries(message.properties),
    body: message.body.toString('utf8'),
    corrupted: message.corrupted === true,
    deliveryAttempt: message.deliveryAttempt ?? null,
    queueId: queueIds.get(message.receiptHandle) ?? null,
    offset: message.offset ?? null,
    bornHost: message.bornHost,
    receivedAt: Date.now(),
  };
}

// MessageView does not expose the queue id it came from, so read it off the raw responses.
function recordQueueIds(consumer) {
  const queueIds = new Map();
  const rpc = consumer.getRpcClientManager();
  const receiveMessage = rpc.receiveMessage.bind(rpc);
  rpc.receiveMessage = async (endpoints, request, duration) => {
    const responses = await receiveMessage(endpoints, request, duration);
    for (const response of responses) {
      const properties = response.getMessage()?.getSystemProperties();
      if (properties) queueIds.set(properties.getReceiptHandle(), properties.getQueueId());
      const status = response.getStatus();
      if (status) logger.debug('receive status code=%d message=%s', status.getCode(), status.getMessage());
    }
    return responses;
  };
  return queueIds;
}
