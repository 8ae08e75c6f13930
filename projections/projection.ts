// The contract is the runner's (infra/ never imports the services): change it in
// infra/subscriptions/projection-contract.ts. Read models import it from here.
export type { Change, ProjectedEvent, Projection, SqlStatement } from '../infra/subscriptions/projection-contract.ts';
