// A real grpc-js server that the C# client is tested against.
// Prints `LISTENING <port>` once bound, runs until SIGTERM/SIGINT.
import { grpc, VillageRegistry, Health, Probe } from './protos.mjs';

const { status } = grpc;
const TOKEN = 'Bearer test-token';

const village = (code = '511702104203') => ({
  code,
  name: '青杠村',
  townshipCode: '511702104000',
  countyCode: '511702000000',
  category: 'VILLAGE_CATEGORY_POOR',
  infrastructureScore: 40,
  industryScore: 35,
  governanceScore: 55,
  population: 1820,
  poorHouseholds: 132,
  longitude: 107.501234,
  latitude: 31.212345,
});

// Calls seen per flaky code / probe key, so retries of the same call can be told apart.
const seenCodes = new Set();
const probeCalls = new Map();

const fail = (code, details) => ({ code, details });

// Every VillageRegistry call needs the bearer token; returns the error to send, or null.
function checkToken(call) {
  return call.metadata.get('authorization')[0] === TOKEN
    ? null
    : fail(status.UNAUTHENTICATED, '缺少或无效的令牌');
}

function getVillage(call, callback) {
  const denied = checkToken(call);
  if (denied) return callback(denied);

  const code = call.request.code;
  if (code === '511702104203') return callback(null, village());
  if (code === 'denied') return callback(fail(status.PERMISSION_DENIED, `超出管辖范围：${code}`));
  if (code === 'slow') {
    // Answer late, but stop as soon as the client gives up (deadline or cancel).
    const timer = setTimeout(() => callback(null, village()), 3000);
    call.on('cancelled', () => clearTimeout(timer));
    if (call.cancelled) clearTimeout(timer);
    return;
  }
  if (code === 'echo-metadata') {
    // grpc-js strips grpc-timeout from the metadata it hands us, so grpcTimeout is normally null.
    const header = (key) => call.metadata.get(key)[0] ?? null;
    const name = JSON.stringify({
      authorization: header('authorization'),
      traceparent: header('traceparent'),
      grpcTimeout: header('grpc-timeout'),
    });
    return callback(null, { ...village(), name });
  }
  if (code.startsWith('flaky-')) {
    // First call for this exact code fails (retryable), every later one succeeds.
    if (!seenCodes.has(code)) {
      seenCodes.add(code);
      return callback(fail(status.UNAVAILABLE, '暂时不可用'));
    }
    return callback(null, village(code));
  }
  if (code === 'boom') return callback(fail(status.INTERNAL, '服务器内部错误'));
  if (/^[0-9]{12}$/.test(code)) return callback(fail(status.NOT_FOUND, `未找到该村：${code}`));
  return callback(fail(status.INVALID_ARGUMENT, 'code: 区划代码必须是12位数字'));
}

async function listVillages(call) {
  const denied = checkToken(call);
  if (denied) return call.emit('error', denied);

  const { prefix, limit, category } = call.request;
  if (prefix === 'denied') {
    return call.emit('error', fail(status.PERMISSION_DENIED, `超出管辖范围：${prefix}`));
  }

  // Wake the loop when the client drains its window or goes away (one listener each, not per write).
  let wake = () => {};
  call.on('drain', () => wake());
  call.on('cancelled', () => wake());

  const count = limit > 0 ? limit : 10;
  const base = village();
  for (let i = 1; i <= count; i++) {
    if (call.cancelled) return;
    // 511702104001, 511702104002, ... and past 999 simply 511702105000, ...: ascending, unique, 12 digits.
    const code = String(511702104000 + i);
    const more = call.write({
      ...base,
      code,
      category: category && category !== 'VILLAGE_CATEGORY_UNSPECIFIED' ? category : base.category,
    });
    if (!more) await new Promise((resolve) => (wake = resolve)); // respect HTTP/2 flow control
  }
  if (!call.cancelled) call.end();
}

const HEALTHY = new Set(['', 'dispatch.v1.VillageRegistry', 'interop.v1.Probe']);

function check(call, callback) {
  if (HEALTHY.has(call.request.service)) return callback(null, { status: 'SERVING' });
  callback(fail(status.NOT_FOUND, `unknown service: ${call.request.service}`));
}

// Echo and Mutate behave the same; the C# client differs in whether it may retry them.
function probe(call, callback) {
  const { key, payload } = call.request;
  const attempt = (probeCalls.get(key) ?? 0) + 1;
  probeCalls.set(key, attempt);
  if (key.startsWith('flaky-') && attempt === 1) {
    return callback(fail(status.UNAVAILABLE, '暂时不可用'));
  }
  // down-N-...: the first N attempts fail, so a client's retry count can be read off the next attempt's number.
  const down = /^down-(\d+)-/.exec(key);
  if (down && attempt <= Number(down[1])) {
    return callback(fail(status.UNAVAILABLE, '暂时不可用'));
  }
  callback(null, { key, payload, attempt });
}

const server = new grpc.Server({ 'grpc.max_receive_message_length': 1024 * 1024 });
server.addService(VillageRegistry.service, { getVillage, listVillages });
server.addService(Health.service, { check }); // Watch is left unimplemented
server.addService(Probe.service, { echo: probe, mutate: probe });

server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    console.error(error);
    process.exit(1);
  }
  process.stdout.write(`LISTENING ${port}\n`);
});

function stop() {
  // Let calls in flight finish, but never hang the test that is stopping us.
  const force = setTimeout(() => {
    server.forceShutdown();
    process.exit(0);
  }, 2000);
  server.tryShutdown(() => {
    clearTimeout(force);
    process.exit(0);
  });
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
