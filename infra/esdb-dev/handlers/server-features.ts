import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { serverFeaturesPb } from '../protocol/generated.ts';

type SupportedMethods = InstanceType<typeof serverFeaturesPb.SupportedMethods>;

/** The version clients gate features on; 24.10 is the server generation the 6.x client targets. */
export const SERVER_VERSION = '24.10.0';

/**
 * ServerFeatures.GetSupportedMethods (protocol §4): exactly the methods esdb-dev implements.
 * The 6.x client uses BatchAppend for appends iff it is listed here, so only list it when
 * it works. Names are lowercase, as the real server sends them.
 */
export function supportedMethods(methods: ReadonlyArray<{ service: string; method: string; features?: string[] }>) {
  return (_call: ServerUnaryCall<unknown, SupportedMethods>, callback: sendUnaryData<SupportedMethods>) => {
    const response = new serverFeaturesPb.SupportedMethods().setEventStoreServerVersion(SERVER_VERSION);
    for (const { service, method, features = [] } of methods) {
      response.addMethods(
        new serverFeaturesPb.SupportedMethod().setServiceName(service).setMethodName(method).setFeaturesList(features),
      );
    }
    callback(null, response);
  };
}
