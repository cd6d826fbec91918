import type Docker from 'dockerode';
import { SANDBOX_LABEL } from '../../src/activities/sandbox/container.js';
import { runContainerPrefix } from '../../src/activities/sandbox/index.js';

/**
 * Sandbox containers that run or ran a batch: fresh ones, and warm pool containers once claimed
 * (they are renamed for their batch then). Idle pool containers, waiting for a batch, are not
 * counted. With a run's id: only that run's (by label, or by the name a claim gave).
 */
export async function batchContainers(docker: Docker, options: { all?: boolean; workflowId?: string } = {}): Promise<Docker.ContainerInfo[]> {
  const listed = await docker.listContainers({ all: options.all ?? false, filters: { label: [SANDBOX_LABEL] } });
  const claimed = (c: Docker.ContainerInfo) => c.Names.some((n) => n.startsWith('/asc-'));
  const ofRun = (c: Docker.ContainerInfo) => options.workflowId === undefined || c.Labels['autosafecoder.workflow-id'] === options.workflowId || c.Names.some((n) => n.startsWith(`/${runContainerPrefix(options.workflowId ?? '')}`));
  return listed.filter((c) => (c.Labels['autosafecoder.pool'] === undefined || claimed(c)) && ofRun(c));
}
