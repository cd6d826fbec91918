import { BatchInputSchema, type BatchInput, type BatchInputArg } from '../common/schemas/index.js';
import { withBatchDefaults } from '../common/fill-defaults.js';
import { BATCH_DEFAULTS, REQUEST_DEFAULTS } from '../common/defaults.js';
import { describeZodError } from '../common/zod-error.js';
import { HardenRequestSchema, type HardenRequest, type HardenRequestInput } from '../common/schemas/index.js';
import { withRequestDefaults } from '../common/fill-defaults.js';

/**
 * Requests are resolved here, at the edge, before a run starts: every default filled in, every
 * field checked. The workflow then depends on its input alone, so a default changed in a later
 * release never changes the commands of a run already going.
 */

export function resolveHardenRequest(input: HardenRequestInput): HardenRequest {
  const parsed = HardenRequestSchema.safeParse(withRequestDefaults(input, REQUEST_DEFAULTS));
  if (!parsed.success) throw new Error(describeZodError('the request', parsed.error));
  return parsed.data;
}

export function resolveBatchInput(input: BatchInputArg): BatchInput {
  const parsed = BatchInputSchema.safeParse(withBatchDefaults(input, BATCH_DEFAULTS, REQUEST_DEFAULTS));
  if (!parsed.success) throw new Error(describeZodError('the batch', parsed.error));
  return parsed.data;
}
