// A one-shot grpc-js client that the C# server is tested against.
// Prints exactly one JSON line on stdout and exits 0 once a call was made, whatever its status;
// exits 1 (message on stderr) only for its own usage errors or crashes.
import { parseArgs } from 'node:util';
import { grpc, VillageRegistry, Health, Probe, Notifications, FundsLedger } from './protos.mjs';

const USAGE = `usage: node client.mjs <command> --address HOST:PORT [--token TOKEN] [--deadline-ms N] [--gzip] [options]
commands:
  get --code CODE
  big --bytes N
  list [--prefix P] [--limit N] [--category VILLAGE_CATEGORY_POOR]
  unimplemented
  unknown-service
  health [--service NAME]
  echo --key K [--bytes N]
  mutate --key K
  notify --key K --recipient R --region CODE --title T
  balances [--prefix P] [--limit N] [--kind K] [--year Y]
  statement --code CODE [--from yyyy-MM-dd] [--to yyyy-MM-dd]
  disbursement --id ID`;

function usage(message) {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(1);
}

let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: {
      address: { type: 'string' },
      token: { type: 'string' },
      'deadline-ms': { type: 'string' },
      gzip: { type: 'boolean' },
      code: { type: 'string' },
      bytes: { type: 'string' },
      prefix: { type: 'string' },
      limit: { type: 'string' },
      category: { type: 'string' },
      service: { type: 'string' },
      key: { type: 'string' },
      recipient: { type: 'string' },
      region: { type: 'string' },
      title: { type: 'string' },
      kind: { type: 'string' },
      year: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      id: { type: 'string' },
    },
  });
} catch (error) {
  usage(error.message);
}
const { values: opt, positionals } = args;
const command = positionals[0];
if (positionals.length !== 1) usage('expected exactly one command');
if (!opt.address) usage('--address is required');

function integer(name, fallback) {
  if (opt[name] === undefined) return fallback;
  if (!/^[0-9]+$/.test(opt[name])) usage(`--${name} must be a non-negative integer`);
  return Number(opt[name]);
}
function required(name) {
  if (opt[name] === undefined) usage(`--${name} is required for ${command}`);
  return opt[name];
}

const channelOptions = { 'grpc.max_receive_message_length': 64 * 1024 * 1024 };
if (opt.gzip) {
  // gzip = 2 in grpc-js's CompressionAlgorithms. grpc-js compresses the first call's request
  // before it has heard the server's grpc-accept-encoding, so a one-shot call really sends gzip.
  // (grpc-js reads only the algorithm; the level is set for clarity / other implementations.)
  channelOptions['grpc.default_compression_algorithm'] = 2;
  channelOptions['grpc.default_compression_level'] = 2;
}
const credentials = grpc.credentials.createInsecure();

const metadata = new grpc.Metadata();
if (opt.token !== undefined) metadata.set('authorization', `Bearer ${opt.token}`);

const deadlineMs = integer('deadline-ms', undefined);
const callOptions = deadlineMs === undefined ? {} : { deadline: Date.now() + deadlineMs };

// Writes the single result line (only the first, should a stream report twice), exits once flushed.
let reported = false;
function done(result) {
  if (reported) return;
  reported = true;
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

// The error shape shared by all commands: numeric status, details exactly as grpc-js decoded them,
// and the trailing metadata (binary values as base64) when there is any.
function failure(error, extra = {}) {
  const result = { ok: false, code: error.code, details: error.details, ...extra };
  const trailers = error.metadata?.getMap() ?? {};
  if (Object.keys(trailers).length > 0) {
    result.metadata = Object.fromEntries(
      Object.entries(trailers).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('base64') : v]),
    );
  }
  return result;
}

// Runs a unary call and reports it with `onOk(reply)` or the error shape.
function unary(client, method, request, onOk) {
  client[method](request, metadata, callOptions, (error, reply) => {
    done(error ? failure(error) : { ok: true, code: 0, ...onOk(reply) });
  });
}

// A call to a method path the server does not have: raw bytes, no proto needed.
function rawCall(path) {
  const client = new grpc.Client(opt.address, credentials, channelOptions);
  const identity = (x) => x;
  client.makeUnaryRequest(path, identity, identity, Buffer.alloc(0), metadata, callOptions, (error) => {
    done(error ? failure(error) : { ok: true, code: 0 });
  });
}

function list() {
  const client = new VillageRegistry(opt.address, credentials, channelOptions);
  const request = {
    prefix: opt.prefix ?? '',
    limit: integer('limit', 0),
    category: opt.category ?? 'VILLAGE_CATEGORY_UNSPECIFIED',
  };
  const codes = [];
  const stream = client.listVillages(request, metadata, callOptions);
  stream.on('data', (v) => codes.push(v.code));
  stream.on('error', (error) => done(failure(error, { count: codes.length })));
  stream.on('end', () => {
    done({
      ok: true,
      code: 0,
      count: codes.length,
      first: codes[0] ?? null,
      last: codes.at(-1) ?? null,
      distinctCodes: new Set(codes).size,
      ordered: codes.every((c, i) => i === 0 || codes[i - 1] < c), // strictly ascending
    });
  });
}

function balances() {
  const client = new FundsLedger(opt.address, credentials, channelOptions);
  const request = { prefix: opt.prefix ?? '', limit: integer('limit', 0), kind: opt.kind ?? '', year: integer('year', 0) };
  const accounts = [];
  const stream = client.listBalances(request, metadata, callOptions);
  stream.on('data', (a) => accounts.push(a));
  stream.on('error', (error) => done(failure(error, { count: accounts.length })));
  stream.on('end', () => done({ ok: true, code: 0, count: accounts.length, accounts }));
}

function probe(method) {
  const client = new Probe(opt.address, credentials, channelOptions);
  const request = { key: required('key'), payload: Buffer.alloc(integer('bytes', 0)) };
  unary(client, method, request, (r) => ({ attempt: r.attempt, payloadBytes: r.payload.length }));
}

process.on('uncaughtException', (error) => {
  process.stderr.write(`client crashed: ${error.stack ?? error}\n`);
  process.exit(1);
});

switch (command) {
  case 'get': {
    const client = new VillageRegistry(opt.address, credentials, channelOptions);
    unary(client, 'getVillage', { code: required('code') }, (village) => ({ village }));
    break;
  }
  case 'big': {
    // A request larger than the server's max receive size (the server should say RESOURCE_EXHAUSTED).
    const client = new VillageRegistry(opt.address, credentials, channelOptions);
    const code = 'x'.repeat(integer('bytes', undefined) ?? usage('--bytes is required for big'));
    unary(client, 'getVillage', { code }, (village) => ({ village }));
    break;
  }
  case 'list':
    list();
    break;
  case 'unimplemented':
    rawCall('/dispatch.v1.VillageRegistry/NoSuchMethod');
    break;
  case 'unknown-service':
    rawCall('/nosuch.v1.Nothing/Do');
    break;
  case 'health': {
    const client = new Health(opt.address, credentials, channelOptions);
    unary(client, 'check', { service: opt.service ?? '' }, (r) => ({ status: r.status }));
    break;
  }
  case 'echo':
    probe('echo');
    break;
  case 'mutate':
    probe('mutate');
    break;
  case 'notify': {
    const client = new Notifications(opt.address, credentials, channelOptions);
    const request = {
      idempotencyKey: required('key'), recipient: required('recipient'), regionCode: required('region'),
      title: required('title'), body: required('title'), urgent: false, channels: [],
    };
    unary(client, 'sendNotification', request, (r) => ({ notificationId: r.notificationId, created: r.created }));
    break;
  }
  case 'balances':
    balances();
    break;
  case 'statement': {
    const client = new FundsLedger(opt.address, credentials, channelOptions);
    const request = { villageCode: required('code'), from: opt.from ?? '', to: opt.to ?? '' };
    unary(client, 'getVillageStatement', request, (statement) => ({ statement }));
    break;
  }
  case 'disbursement': {
    const client = new FundsLedger(opt.address, credentials, channelOptions);
    unary(client, 'getDisbursement', { id: required('id') }, (disbursement) => ({ disbursement }));
    break;
  }
  default:
    usage(`unknown command: ${command ?? '(none)'}`);
}
