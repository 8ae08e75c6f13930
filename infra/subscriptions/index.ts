export { startProjectionRunner } from './projection-runner.ts';
export type { ProjectionRunner, ProjectionRunnerOptions, ProjectionRunnerStatus } from './projection-runner.ts';
export { retryParked } from './retry-parked.ts';
export type { RetryOutcome } from './retry-parked.ts';
export { listParkedKeys } from './dead-letters.ts';
export type { ParkedKey } from './dead-letters.ts';
export { describeProjections } from './projection-status.ts';
export type { DescribeProjectionsDeps, ParkedKeyView, ProjectionLag, ProjectionStatusView } from './projection-status.ts';
