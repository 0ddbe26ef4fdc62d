// Loads the platform's contracts (from Platform.Contracts, the same files the C# side compiles)
// plus the test-only Probe contract, so both Node peers speak exactly the C# wire format.
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const dir = (relative) => fileURLToPath(new URL(relative, import.meta.url));

const definition = protoLoader.loadSync(
  ['dispatch/v1/village_registry.proto', 'notification/v1/notification.proto', 'funds/v1/funds.proto', 'grpc/health/v1/health.proto', 'interop/v1/probe.proto'],
  {
    keepCase: false, // fields in camelCase: townshipCode, poorHouseholds, ...
    longs: String,
    enums: String, // enums as names: 'VILLAGE_CATEGORY_POOR', 'SERVING'
    defaults: true, // proto3 zero values are present, not missing
    oneofs: true,
    includeDirs: [dir('../../services/BuildingBlocks/Platform.Contracts/Protos'), dir('./protos')],
  },
);

const root = grpc.loadPackageDefinition(definition);

export const VillageRegistry = root.dispatch.v1.VillageRegistry;
export const Health = root.grpc.health.v1.Health;
export const Notifications = root.notification.v1.Notifications;
export const Probe = root.interop.v1.Probe;
export const FundsLedger = root.funds.v1.FundsLedger;
export { grpc };
