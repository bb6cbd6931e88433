/**
 * The candidate: the only process that runs submission code. `node --import tsx server.ts SUBMISSION_DIR`,
 * started by the judge (client.ts) inside the sandbox. It reads one request per line on stdin, runs the
 * named procedure and answers on descriptor 3. It is given no fixtures, no results channel and no
 * environment variable naming either: it can only answer calls.
 */
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../harness/backend.js';
import { Failure, PROCEDURES } from './procedures.js';
import { READY, type Reply, type Request } from './protocol.js';

const REPLIES_FD = 3;

function send(reply: Reply | { ready: typeof READY; backend: string }): void {
  const line = `${JSON.stringify(reply)}\n`;
  // writeSync on a pipe may write part of a long line: keep writing until all of it is out
  const bytes = Buffer.from(line);
  for (let offset = 0; offset < bytes.length;) offset += writeSync(REPLIES_FD, bytes, offset);
}

function errorLine(error: unknown): string {
  if (error instanceof Failure) return error.message;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0];
}

await initBackend();
send({ ready: READY, backend: tf.getBackend() });

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  let request: Request;
  try {
    request = JSON.parse(line) as Request;
  } catch {
    continue; // the judge writes only requests: anything else is not one
  }
  const procedure = PROCEDURES[request.procedure];
  tf.engine().startScope();
  try {
    if (!procedure) throw new Failure(`unknown procedure ${request.procedure}`);
    send({ id: request.id, ok: true, value: await procedure(request.args as Record<string, unknown>) });
  } catch (error) {
    const load = error instanceof Failure ? error.load : undefined;
    send({ id: request.id, ok: false, error: errorLine(error), ...(load && { load }) });
  } finally {
    tf.engine().endScope();
  }
}
// the judge closed the channel: nothing the submission left running may keep this process alive
process.exit(0);
