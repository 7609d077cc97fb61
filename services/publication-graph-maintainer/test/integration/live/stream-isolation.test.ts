/**
 * One stream's store failing never blocks another: stream `b` reads through a proxy that is switched
 * off (503), stream `a` reads the gateway directly. While `b` fails, `a` publishes; `b` retries its
 * batch with back-off (one error line per failure streak) and catches up once its store answers again.
 */
import { randomUUID } from 'node:crypto';
import { clearGraphs, startLiveHarness, startSwitchableProxy, type LiveHarness, type SwitchableProxy } from '../../support/live-harness.js';

const run = randomUUID().slice(0, 8);
const base = `http://example.org/isolation-test/${run}/`;
const sourceGraph = `${base}graphs/source`;
const exportConfig = { export: [{ type: `${base}Org`, properties: [`${base}name`] }] };

let harness: LiveHarness;
let proxy: SwitchableProxy;

beforeAll(async () => {
  harness = await startLiveHarness({
    deltaMode: 'effective',
    streams: [
      { name: 'a', exportConfig },
      { name: 'b', exportConfig },
    ],
    env: { SUDO_QUERY_RETRY_MAX_ATTEMPTS: '0' },
  });
  proxy = await startSwitchableProxy(harness.gateway.directUrl);
});

afterAll(async () => {
  if (!harness) return;
  await clearGraphs(harness, [sourceGraph, ...harness.config.streams.map((stream) => stream.publicationGraph)]);
  await harness.stop();
  await proxy?.close();
});

it('a failing stream retries on its own while the other stream goes on', async () => {
  // Stream b reads the store through the proxy (its endpoints, resolved from the config, are edited here).
  const streamB = harness.config.streams.find((stream) => stream.name === 'b')!;
  streamB.endpoints.sourceReadEndpoint = proxy.url;
  streamB.endpoints.publicationReadEndpoint = proxy.url;
  const [graphA, graphB] = harness.config.streams.map((stream) => stream.publicationGraph) as [string, string];
  const maintainer = await harness.startMaintainer({ retry: { baseDelayMs: 20, maxDelayMs: 100 } });

  proxy.down = true;
  await harness.update(`INSERT DATA { GRAPH <${sourceGraph}> { <${base}org/1> a <${base}Org> ; <${base}name> "een" . } }`);
  await harness.update(`INSERT DATA { GRAPH <${sourceGraph}> { <${base}org/2> a <${base}Org> ; <${base}name> "twee" . } }`);
  await harness.notifier.flush();
  await maintainer.workers.get('a')!.idle();
  expect((await harness.dump([graphA])).length).toBe(4);
  expect(await harness.dump([graphB])).toEqual([]);

  // b keeps failing (several attempts), is reported not ready, and logged its failure once.
  const attempts = proxy.requests;
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(proxy.requests).toBeGreaterThan(attempts);
  expect(maintainer.workers.get('b')!.failures).toBeGreaterThan(1);
  const ready = await fetch(`${maintainer.url}/ready`);
  expect(ready.status).toBe(503);
  const errors = harness.logs().filter((line) => line.level === 50 && line.stream === 'b');
  expect(errors).toHaveLength(1);

  // a goes on while b is down.
  await harness.update(`DELETE DATA { GRAPH <${sourceGraph}> { <${base}org/1> <${base}name> "een" . } }`);
  await harness.notifier.flush();
  await maintainer.workers.get('a')!.idle();
  expect((await harness.dump([graphA])).length).toBe(3);

  proxy.down = false;
  await maintainer.idle();
  const text = async (graph: string) => (await harness.dump([graph])).map((q) => `${q.subject.value} ${q.predicate.value} ${q.object.value}`).sort();
  expect(await text(graphB)).toEqual(await text(graphA));
  expect((await fetch(`${maintainer.url}/ready`)).status).toBe(200);
  expect(harness.logs().some((line) => line.stream === 'b' && line.msg === 'live processing recovered')).toBe(true);
  await harness.stopMaintainer();
});

it('the intake cursor of a stream that is no longer configured is removed at start-up (it would hold compaction back)', async () => {
  const all = harness.config.streams;
  const maintainer = await harness.startMaintainer();
  expect(maintainer.intake.log.cursorNames()).toEqual(['live.a', 'live.b']);
  await harness.stopMaintainer();
  harness.config.streams = all.filter((stream) => stream.name === 'a');
  try {
    const restarted = await harness.startMaintainer();
    expect(restarted.intake.log.cursorNames()).toEqual(['live.a']);
    expect(harness.logs().some((line) => line.cursor === 'live.b' && line.level === 40)).toBe(true);
    await harness.stopMaintainer();
  } finally {
    harness.config.streams = all;
  }
});
