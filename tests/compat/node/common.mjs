// Shared plumbing of the compat scripts: one JSON argument in, JSON lines out on stdout,
// every log line on stderr, and a hard deadline so a hung broker never hangs the test run.
import { format } from 'node:util';

const debugEnabled = process.env.ROCKETTAX_NODE_DEBUG === '1';

function write(level, args) {
  process.stderr.write(`${new Date().toISOString()} ${level} ${format(...args)}\n`);
}

/** The client's logger (it logs to ~/logs/rocketmq by default): everything to stderr instead. */
export const logger = {
  info: (...args) => write('INFO', args),
  warn: (...args) => write('WARN', args),
  error: (...args) => write('ERROR', args),
  debug: (...args) => debugEnabled && write('DEBUG', args),
};

/** Prints one result object as one line of JSON on stdout. */
export function emit(value) {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Replaces `{i}` with the message index, so each message can carry distinct keys and properties. */
export function expand(text, index) {
  return String(text).replaceAll('{i}', String(index));
}

function readArgs() {
  const raw = process.argv[2] ?? process.env.ROCKETTAX_COMPAT_ARGS;
  if (!raw) {
    throw new Error('expected one JSON argument (or ROCKETTAX_COMPAT_ARGS), e.g. \'{"endpoints":"127.0.0.1:8081","topic":"t"}\'');
  }
  return JSON.parse(raw);
}

let currentStep = 'starting';

/** Names what the script is waiting for, so a deadline failure says where it stuck. */
export function step(name) {
  currentStep = name;
  logger.debug('step: %s', name);
}

/**
 * Runs a script body with its parsed arguments under a deadline of `deadlineSeconds(args)`.
 * Exits 0 on success; exits 1 (body threw) or 2 (deadline passed) with the reason on stderr.
 */
export async function run(name, deadlineSeconds, body) {
  let args;
  try {
    args = readArgs();
  } catch (err) {
    write('ERROR', [ `${name}: bad arguments: ${err.message}` ]);
    process.exit(1);
  }
  // The client throws from gRPC stream callbacks (e.g. on a Settings answer it cannot use); say where.
  process.on('uncaughtException', err => {
    write('ERROR', [ `${name} crashed inside the client during '${currentStep}': %s`, err?.stack ?? err ]);
    process.exit(1);
  });
  const seconds = deadlineSeconds(args);
  setTimeout(() => {
    write('ERROR', [ `${name}: gave up after ${seconds}s while waiting for: ${currentStep}` ]);
    process.exit(2);
  }, seconds * 1000).unref();
  try {
    await body(args);
  } catch (err) {
    write('ERROR', [ `${name} failed during '${currentStep}': %s`, err?.stack ?? err ]);
    for (let cause = err?.cause; cause; cause = cause.cause) {
      write('ERROR', [ 'caused by: %s', cause.stack ?? cause ]);
    }
    process.exit(1);
  }
  // grpc-js may keep sockets alive for a moment after shutdown; the result is already printed.
  process.exit(0);
}

/** Verifies that `args` has every named property, with a message naming the missing one. */
export function required(args, ...names) {
  for (const name of names) {
    if (args[name] === undefined || args[name] === null || args[name] === '') {
      throw new Error(`missing argument '${name}'`);
    }
  }
}
