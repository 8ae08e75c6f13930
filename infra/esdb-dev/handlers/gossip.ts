import { randomUUID } from 'node:crypto';
import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { gossipPb, sharedPb } from '../protocol/generated.ts';

type ClusterInfo = InstanceType<typeof gossipPb.ClusterInfo>;

/**
 * Gossip.Read, so `esdb+discover://` and multi-host connection strings also work: a cluster
 * of one, alive, leader, reachable at the address the server listens on.
 */
export function gossip(endpoint: () => { address: string; port: number }) {
  const instanceId = new sharedPb.UUID().setString(randomUUID());
  return (_call: ServerUnaryCall<unknown, ClusterInfo>, callback: sendUnaryData<ClusterInfo>) => {
    const { address, port } = endpoint();
    const member = new gossipPb.MemberInfo()
      .setInstanceId(instanceId)
      // .NET ticks since the Unix epoch.
      .setTimeStamp(`${Date.now()}0000`)
      .setState(gossipPb.MemberInfo.VNodeState.LEADER)
      .setIsAlive(true)
      .setHttpEndPoint(new gossipPb.EndPoint().setAddress(address).setPort(port));
    callback(null, new gossipPb.ClusterInfo().setMembersList([member]));
  };
}
