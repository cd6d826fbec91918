import { REQUEST_DEFAULTS } from '../../src/common/defaults.js';

/** A workflow that reads the defaults: proves the replay test's module swap takes effect. */
export async function defaultsProbeWorkflow(): Promise<string> {
  return Promise.resolve(REQUEST_DEFAULTS.source);
}
