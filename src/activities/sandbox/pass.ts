import type Docker from 'dockerode';
import {
  combinedKernelWatch,
  type FuzzCase,
  type RunBatchResult,
  type RunFuzzPassInput,
  type RunFuzzPassResult,
  type SandboxLimits,
} from '../../common/sandbox.js';
import { digestCases, GuidedRounds, reachedLines, splitBatches } from '../../domain/fuzz-rounds.js';
import { SandboxSession, type BatchHooks } from './session.js';

export interface PassHooks extends BatchHooks {
  /** Containers to spread each round over. */
  containers: number;
}

/** The groups each container runs of a round: an even share each, split further to fit a message. */
function shares(batch: FuzzCase[], containers: number, maxChars: number): FuzzCase[][][] {
  const size = Math.ceil(batch.length / containers);
  const out: FuzzCase[][][] = [];
  for (let i = 0; i < batch.length; i += size) out.push(splitBatches(batch.slice(i, i + size), size, maxChars));
  return out;
}

/**
 * A whole fuzz pass: every round of it in the same containers, so the code is loaded once per
 * container instead of once per batch, and the inputs of each round are spread over them. The
 * rounds are derived here, between groups, from the lines each input reached.
 */
export async function runPassInContainers(
  docker: Docker,
  image: string,
  input: RunFuzzPassInput,
  limits: SandboxLimits,
  hooks: PassHooks,
): Promise<RunFuzzPassResult> {
  const started = Date.now();
  const { rounds: plan, ...target } = input;
  const guided = new GuidedRounds(plan);
  const sessions: SandboxSession[] = [];
  const results: RunBatchResult[] = [];
  const rounds: RunFuzzPassResult['rounds'] = [];
  const incomplete: string[] = [];
  let done = 0;
  const onOutcome = () => hooks.onOutcome(++done);
  try {
    const opened = await Promise.allSettled(
      Array.from({ length: Math.max(1, hooks.containers) }, (_, i) =>
        SandboxSession.open(docker, image, limits, {
          ...hooks,
          label: input.label,
          claimName: hooks.claimName && `${hooks.claimName}-${i + 1}`,
        }),
      ),
    );
    for (const o of opened) if (o.status === 'fulfilled') sessions.push(o.value);
    const refused = opened.find((o) => o.status === 'rejected');
    if (refused) throw refused.reason;
    for (let batch = guided.next(); batch; batch = guided.next()) {
      const round = rounds.length + 1;
      const parts = await Promise.all(
        shares(batch, sessions.length, limits.maxBatchChars).map(async (groups, i) => {
          const out: RunBatchResult[] = [];
          for (const cases of groups) out.push(await (sessions[i] as SandboxSession).run({ ...target, cases }, onOutcome));
          return out;
        }),
      );
      const ran = parts.flat();
      results.push(...ran);
      rounds.push({ inputs: batch.length, digest: digestCases(batch) });
      const reasons = ran.flatMap((r) => (r.incomplete ? [r.incomplete] : []));
      if (reasons.length > 0) incomplete.push(`round ${round}: ${reasons.join('; ')}`);
      const reached = reachedLines(ran.flatMap((r) => r.outcomes));
      // Code that fails to load, hangs or kills its runner gains nothing from another round.
      guided.record(
        batch,
        reached,
        ran.some((r) => r.loadError !== null || r.incomplete !== null),
      );
    }
  } finally {
    await Promise.all(sessions.map((s) => s.close()));
  }
  return {
    outcomes: results.flatMap((r) => r.outcomes),
    loadError: results.find((r) => r.loadError !== null)?.loadError ?? null,
    incomplete: incomplete.length > 0 ? incomplete.join('; ').slice(0, 2_000) : null,
    stubbed: [...new Set(results.flatMap((r) => r.stubbed))].sort(),
    coverable: [...new Set(results.flatMap((r) => r.coverable))].sort((a, b) => a - b),
    kernelWatch: combinedKernelWatch(results.map((r) => r.kernelWatch)),
    wallMs: Date.now() - started,
    rounds,
    containers: sessions.length,
  };
}
