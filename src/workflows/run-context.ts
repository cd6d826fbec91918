import type { HardenRequest, InspectResult } from '../common/schemas/index.js';
import type { Agents } from './agents.js';
import type { Approvals } from './approval.js';
import type { Ledger } from './ledger.js';

/** What every phase is given: the resolved request, the agents, and the run's record. */
export interface RunContext {
  request: HardenRequest;
  agents: Agents;
  ledger: Ledger;
  /** A person's decisions on repairs and on the final code, when the request asks for them. */
  approvals: Approvals;
  /** What each version of the code parsed to: the same code is not parsed twice. */
  parsed: Map<string, InspectResult>;
}
