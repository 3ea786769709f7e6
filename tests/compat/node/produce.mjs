// Sends `count` messages with the official Node.js Producer and prints {"sent":[...]}.
// node produce.mjs '{"endpoints":"127.0.0.1:8081","topic":"tax-data-topic","tag":"2021S1",
//   "keys":["k-{i}"],"properties":{"region":"X"},"body":"...","count":10}'
import { Producer } from 'rocketmq-client-nodejs';
import { emit, expand, logger, required, run, step } from './common.mjs';

await run('produce', args => args.timeoutSeconds ?? 60, async args => {
  required(args, 'endpoints', 'topic', 'body');
  const { endpoints, topic, tag, body, count = 1 } = args;
  const keys = args.keys ?? [];
  const properties = args.properties ?? {};

  // namespace '' on purpose: the client sends x-mq-namespace only when it is set.
  const producer = new Producer({ endpoints, namespace: '', topic, logger });
  step('producer startup (QueryRoute, then the Settings answer on the Telemetry stream)');
  await producer.startup();
  const sent = [];
  for (let i = 0; i < count; i++) {
    step(`SendMessage #${i + 1} of ${count}`);
    const receipt = await producer.send({
      topic,
      tag: tag ?? undefined,
      keys: keys.map(k => expand(k, i)),
      properties: new Map(Object.entries(properties).map(([ k, v ]) => [ k, expand(v, i) ])),
      body: Buffer.from(expand(body, i), 'utf8'),
    });
    sent.push({ messageId: receipt.messageId, queueId: receipt.messageQueue.queueId, offset: receipt.offset });
  }
  // No try/finally: on failure the process exits anyway, and the error keeps naming the step that failed.
  step('producer shutdown (NotifyClientTermination)');
  await producer.shutdown();
  emit({ sent });
});
