import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { POOL_LABEL, SANDBOX_LABEL } from '../../src/activities/sandbox/container.js';
import { CLAIMED_NAME_PREFIX, runContainerPrefix } from '../../src/activities/sandbox/index.js';

/** A warm container a batch claimed: it was renamed for its batch. */
const claimed = (c: Docker.ContainerInfo) => c.Names.some((n) => n.startsWith(`/${CLAIMED_NAME_PREFIX}`));

/**
 * Sandbox containers that run or ran a batch: fresh ones, and warm pool containers once claimed.
 * Idle pool containers, waiting for a batch, are not counted. With a run's id: only that run's
 * (by label, or by the name a claim gave).
 */
export async function batchContainers(
  docker: Docker,
  options: { all?: boolean; workflowId?: string } = {},
): Promise<Docker.ContainerInfo[]> {
  const listed = await docker.listContainers({ all: options.all ?? false, filters: { label: [SANDBOX_LABEL] } });
  const ofRun = (c: Docker.ContainerInfo) =>
    options.workflowId === undefined ||
    c.Labels['autosafecoder.workflow-id'] === options.workflowId ||
    c.Names.some((n) => n.startsWith(`/${runContainerPrefix(options.workflowId ?? '')}`));
  return listed.filter((c) => (c.Labels[POOL_LABEL] === undefined || claimed(c)) && ofRun(c));
}

/** The warm containers of a pool (by its owner), or of every pool, waiting for a batch. */
export async function idleContainers(docker: Docker, owner?: string): Promise<Docker.ContainerInfo[]> {
  const listed = await docker.listContainers({
    all: true,
    filters: { label: [owner === undefined ? POOL_LABEL : `${POOL_LABEL}=${owner}`] },
  });
  return listed.filter((c) => !claimed(c));
}

/** Polls until `test` holds; fails, naming `what`, past the timeout. */
export async function until(test: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    assert.ok(Date.now() < deadline, `${what} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
