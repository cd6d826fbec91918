import { ActivityCancellationType, ActivityFailure, ApplicationFailure, defineQuery, patched, proxyActivities, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo, type ActivityFunctionWithOptions, type ActivityOptions } from '@temporalio/workflow';
import type * as activities from '../activities/index.js';
import { TASK_QUEUES } from '../common/queues.js';
import { SEARCH_ATTRIBUTES } from '../common/search-attributes.js';
import {
  describeZodError,
  HardenRequestSchema,
  type AgentCallMeta,
  type AgentStep,
  type Finding,
  type FuzzCase,
  type FuzzFailure,
  type FuzzTarget,
  type HardenRequestInput,
  type HardenResult,
  type InspectResult,
  type Progress,
  type RepairFeedback,
  type StaticRound,
  type TokenUsage,
} from '../common/schemas.js';
import { countByCwe, describeFailures, describeFindings, isFailure, mergeFindings } from './findings.js';
import { deriveInputs } from './mutate.js';
import { defaultTarget, fuzzableFunctions, seedsFromSignature } from './signature-seeds.js';

export const progressQuery = defineQuery<Progress>('progress');

/** Activities heartbeat every 5 s: a dead worker is noticed within this, and its call retried. */
const HEARTBEAT_TIMEOUT = '20 seconds';

const analysisOptions: ActivityOptions = {
  taskQueue: TASK_QUEUES.analysis,
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '1 second', maximumAttempts: 3, nonRetryableErrorTypes: ['BadInput', 'AnalyserBroken'] },
};

const sandboxOptions: ActivityOptions = {
  taskQueue: TASK_QUEUES.sandbox,
  // A cancelled run closes only once its containers are gone.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '1 second', maximumAttempts: 3, nonRetryableErrorTypes: ['BadInput'] },
};

function llmOptions(maxAttempts: number): ActivityOptions {
  return {
    taskQueue: TASK_QUEUES.llm,
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: maxAttempts },
  };
}

const { inspectCode, runBandit } = proxyActivities<activities.AnalysisActivities>(analysisOptions);
const { runFuzzBatch } = proxyActivities<activities.SandboxActivities>(sandboxOptions);

interface StepSpec<A extends unknown[], T> {
  agent: AgentStep['agent'];
  action: string;
  activity: ActivityFunctionWithOptions<(...args: A) => Promise<T>>;
  args: A;
  describe: (result: T) => string;
  usage?: (result: T) => TokenUsage;
  /** The UI summary, when it should say more than the action. */
  summary?: string;
}

const llmUsage = (result: { meta: AgentCallMeta }): TokenUsage => result.meta.usage;

/** The run's record: every agent step, progress for the query, and token spend. */
class Ledger {
  readonly steps: AgentStep[] = [];
  readonly usage: TokenUsage = { prompt: 0, completion: 0 };
  readonly progress: Progress = { phase: 'static', staticRound: 0, fuzzRepairRound: 0, fuzzExecuted: 0, fuzzFailures: 0, steps: 0, lastStep: null };

  /** Runs one activity as an audited step: its summary in the UI, its outcome in the record. */
  async step<A extends unknown[], T>(spec: StepSpec<A, T>): Promise<T> {
    const { agent, action, describe, usage } = spec;
    const started = Date.now();
    let result: T;
    try {
      result = await spec.activity.executeWithOptions({ summary: spec.summary ?? action }, spec.args);
    } catch (error) {
      // Name the step and the real reason in the run's own failure, where the UI shows it first.
      if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) {
        throw ApplicationFailure.create({ message: `${action}: ${error.cause.message}`, type: error.cause.type ?? undefined, nonRetryable: true, cause: error });
      }
      throw error;
    }
    const spent = usage ? usage(result) : null;
    if (spent) {
      this.usage.prompt += spent.prompt;
      this.usage.completion += spent.completion;
    }
    const summary = `${action}: ${describe(result)}`;
    this.steps.push({ index: this.steps.length + 1, agent, action, summary, durationMs: Date.now() - started, usage: spent });
    this.progress.steps = this.steps.length;
    this.progress.lastStep = summary;
    setCurrentDetails(`**${this.progress.phase}** · step ${this.steps.length}: ${summary}`);
    return result;
  }
}

export async function hardenWorkflow(input: HardenRequestInput): Promise<HardenResult> {
  const parsed = HardenRequestSchema.safeParse(input);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(describeZodError('the hardening request', parsed.error), 'BadRequest');
  const req = parsed.data;
  const ledger = new Ledger();
  setHandler(progressQuery, () => ledger.progress);
  const llm = req.llm ? proxyActivities<activities.LlmActivities>(llmOptions(req.llm.maxAttempts)) : null;
  const model = req.llm?.model ?? null;
  const task = req.prompt ?? null;

  const inspect = (code: string, why: string) =>
    ledger.step({
      agent: 'inspector',
      action: why,
      activity: inspectCode,
      args: [code],
      describe: (r) => (r.syntaxError ? `syntax error at line ${r.syntaxError.line ?? '?'}` : `${r.functions.length} function(s)`),
    });

  const repair = async (code: string, feedback: RepairFeedback, action: string): Promise<string> => {
    if (!llm || !model) throw ApplicationFailure.nonRetryable('repair needs an LLM', 'Internal');
    const result = await ledger.step({
      agent: 'coding',
      action,
      activity: llm.repairCode,
      args: [{ model, task, code, feedback }],
      describe: (r) => `${r.code.split('\n').length} lines${r.meta.reasks > 0 ? `, after ${r.meta.reasks} re-ask(s)` : ''}`,
      usage: llmUsage,
    });
    return result.code;
  };

  /** Repairs syntax errors in model-written code, a bounded number of times. */
  const ensureParses = async (code: string, context: string): Promise<{ code: string; info: InspectResult }> => {
    let info = await inspect(code, `${context}: parse`);
    for (let attempt = 1; info.syntaxError && llm && attempt <= 2; attempt++) {
      code = await repair(code, { kind: 'syntax', line: info.syntaxError.line, message: info.syntaxError.message }, `${context}: repair syntax error (${attempt})`);
      info = await inspect(code, `${context}: parse repair ${attempt}`);
    }
    return { code, info };
  };

  // 1. The Coding agent writes the code, unless code was given.
  let code: string;
  if (req.prompt !== undefined) {
    if (!llm || !model) throw ApplicationFailure.nonRetryable('writing code from a prompt needs an LLM', 'BadRequest');
    ledger.progress.phase = 'generating';
    const generated = await ledger.step({
      agent: 'coding',
      action: 'Coding agent: write the code from the task',
      activity: llm.generateCode,
      args: [{ model, prompt: req.prompt }],
      describe: (r) => `${r.code.split('\n').length} lines`,
      usage: llmUsage,
    });
    code = generated.code;
  } else {
    code = req.code ?? '';
  }
  const initialCode = code;

  // Code the model wrote may be repaired; code the user gave is theirs to fix.
  const checked = req.prompt !== undefined ? await ensureParses(code, 'check input') : { code, info: await inspect(code, 'check input: parse') };
  if (checked.info.syntaxError) {
    const where = checked.info.syntaxError.line !== null ? ` at line ${checked.info.syntaxError.line}` : '';
    const whose = req.code !== undefined ? `the code in ${req.source}` : 'the code the model wrote';
    throw ApplicationFailure.nonRetryable(`${whose} does not parse${where}: ${checked.info.syntaxError.message}; fix the syntax and submit it again`, 'SyntaxError');
  }
  code = checked.code;

  // 2. Static rounds: analyse, repair, and analyse again until clean or out of rounds.
  ledger.progress.phase = 'static';
  const staticRounds: StaticRound[] = [];
  const runBanditStep = (action: string) =>
    ledger.step({ agent: 'bandit', action, activity: runBandit, args: [{ code, minSeverity: req.minSeverity }], describe: (r) => describeFindings(r.findings) });
  const analyse = async (label: string): Promise<Finding[]> => {
    const bandit = await runBanditStep(`${label}: Bandit`);
    if (!llm || !model) return bandit.findings;
    const review = await ledger.step({
      agent: 'static-analyser',
      action: `${label}: Static Analyser agent`,
      activity: llm.reviewCode,
      args: [{ model, code, toolFindings: bandit.findings }],
      describe: (r) => describeFindings(r.findings),
      usage: llmUsage,
    });
    return mergeFindings(bandit.findings, review.findings);
  };
  let findings: Finding[] = [];
  for (let round = 1; ; round++) {
    ledger.progress.staticRound = round;
    const label = round > req.maxStaticRounds ? 'static re-check' : `static round ${round}`;
    findings = await analyse(label);
    const record: StaticRound = { round, findings, repaired: false };
    staticRounds.push(record);
    if (findings.length === 0 || !llm || round > req.maxStaticRounds) break;
    const repaired = await ensureParses(await repair(code, { kind: 'static', findings }, `${label}: Coding agent repairs ${findings.length} finding(s)`), `${label}`);
    if (repaired.info.syntaxError) break;
    code = repaired.code;
    record.repaired = true;
  }
  let analysedCode = code;

  // 3. Fuzzing: seeds from the Fuzzing agent (or the signature), then type-aware mutation.
  ledger.progress.phase = 'fuzzing';
  const fuzz: HardenResult['fuzz'] = { target: null, skippedReason: null, executed: 0, failures: [], repairRounds: [] };
  let remainingFailures: FuzzFailure[] = [];
  const info = await inspect(code, 'fuzz: find the function under test');
  const candidates = fuzzableFunctions(info.functions);
  let target: FuzzTarget | null = null;
  if (candidates.length === 0) {
    fuzz.skippedReason = info.functions.some((f) => f.route !== null)
      ? 'its route handlers read no request parameters, so there is no input to fuzz'
      : info.functions.some((f) => f.decorators.length > 0)
        ? 'the code has only decorated functions that are not Flask routes, which cannot be called directly'
        : 'the code has no function with parameters to call';
  } else if (llm && model) {
    const seeds = await ledger.step({
      agent: 'fuzzing',
      action: 'Fuzzing agent: infer types and write seed inputs',
      activity: llm.writeSeeds,
      args: [{ model, code, functions: candidates }],
      describe: (r) => `${r.target.function}(${r.target.params.map((p) => `${p.name}: ${p.type}`).join(', ')}), ${r.target.seeds.length} seeds`,
      usage: llmUsage,
    });
    target = seeds.target;
  } else {
    const fn = defaultTarget(candidates);
    if (fn) target = seedsFromSignature(fn);
  }

  const runAll = async (cases: FuzzCase[], label: string): Promise<{ failures: FuzzFailure[]; loadError: string | null }> => {
    if (!target) return { failures: [], loadError: null };
    const { function: fn, entry } = target;
    const params = target.params.map((p) => p.name);
    // Even batches (153 inputs at 50 a batch: 4 of 39, not 3 of 50 and one of 3).
    const count = Math.ceil(cases.length / req.fuzz.batchSize);
    const size = Math.ceil(cases.length / count);
    const batches: FuzzCase[][] = [];
    for (let i = 0; i < cases.length; i += size) batches.push(cases.slice(i, i + size));
    const runLabel = `${workflowInfo().workflowId}/${label}`;
    const pendingBatches = batches.map((batch, i) => {
        const action = `${label} batch ${i + 1}/${batches.length}`;
        return ledger.step({
          agent: 'sandbox',
          action,
          summary: `${action}: ${batch.length} inputs`,
          activity: runFuzzBatch,
          args: [{ code, function: fn, entry, params, cases: batch, timeoutMsPerInput: req.fuzz.timeoutMsPerInput, label: runLabel }],
          describe: (r) => (r.loadError ? `code failed to load: ${r.loadError}` : describeFailures(r.outcomes.map((o) => o.outcome))),
        });
      });
    // A failed or cancelled batch ends the run only once its sibling batches have stopped too, so
    // no container outlives the run. Runs recorded before this change failed at the first one.
    if (patched('settle-fuzz-batches')) {
      const settled = await Promise.allSettled(pendingBatches);
      const rejected = settled.find((r) => r.status === 'rejected');
      if (rejected) throw rejected.reason;
    }
    const results = await Promise.all(pendingBatches);
    const byId = new Map(cases.map((c) => [c.id, c]));
    const failures: FuzzFailure[] = [];
    for (const r of results) {
      for (const o of r.outcomes) {
        const input = byId.get(o.id);
        if (input && isFailure(o.outcome)) failures.push({ input, outcome: o.outcome });
      }
      fuzz.executed += r.outcomes.filter((o) => o.outcome.status !== 'not-run').length;
    }
    ledger.progress.fuzzExecuted = fuzz.executed;
    ledger.progress.fuzzFailures = failures.length;
    return { failures, loadError: results.find((r) => r.loadError !== null)?.loadError ?? null };
  };

  let allCases: FuzzCase[] = [];
  if (target) {
    fuzz.target = { function: target.function, entry: target.entry, params: target.params };
    allCases = [...target.seeds, ...deriveInputs(target.seeds, req.fuzz.mutations, req.fuzz.seed)];
    const first = await runAll(allCases, 'fuzz');
    if (first.loadError) {
      fuzz.skippedReason = `the code could not be loaded in the sandbox: ${first.loadError}`;
    } else {
      fuzz.failures = first.failures;
      remainingFailures = first.failures;
    }
  }

  // 4. Fuzz repair: each repair is re-checked by the whole fuzz corpus and by Bandit.
  ledger.progress.phase = 'fuzz-repair';
  for (let round = 1; llm && target && remainingFailures.length > 0 && round <= req.fuzz.maxRepairRounds; round++) {
    ledger.progress.fuzzRepairRound = round;
    const label = `fuzz repair ${round}`;
    const shown = remainingFailures.slice(0, 10);
    const candidate = await ensureParses(await repair(code, { kind: 'fuzz', functionName: target.function, failures: shown }, `${label}: Coding agent repairs ${describeFailures(remainingFailures.map((f) => f.outcome))}`), label);
    if (candidate.info.syntaxError) break;
    const previousCode = code;
    code = candidate.code;
    const rerun = await runAll(allCases, `${label} re-check`);
    const bandit = await runBanditStep(`${label}: Bandit re-check`);
    const staticBefore = findings.filter((f) => f.source === 'bandit').length;
    const accepted = !rerun.loadError && rerun.failures.length < remainingFailures.length && bandit.findings.length <= staticBefore;
    fuzz.repairRounds.push({ round, remainingFailures: rerun.failures, staticFindings: bandit.findings, accepted });
    if (accepted) remainingFailures = rerun.failures;
    else code = previousCode;
  }

  // 5. A final static check when fuzz repair changed the code after the static rounds.
  if (code !== analysedCode) {
    findings = await analyse('final static check');
    staticRounds.push({ round: staticRounds.length + 1, findings, repaired: false });
    analysedCode = code;
  }

  ledger.progress.phase = 'done';
  const reasons: string[] = [];
  if (findings.length > 0) reasons.push(`static analysis: ${describeFindings(findings)}`);
  if (remainingFailures.length > 0) reasons.push(`fuzzing: ${describeFailures(remainingFailures.map((f) => f.outcome))}`);
  if (fuzz.skippedReason) reasons.push(`fuzzing skipped: ${fuzz.skippedReason}`);
  const verdict = findings.length > 0 || remainingFailures.length > 0 ? 'vulnerable' : fuzz.skippedReason ? 'could-not-verify' : 'secure';
  if (!llm) reasons.push('audit only: no LLM is configured, so nothing was repaired (set OPENAI_BASE_URL / OPENAI_API_KEY to enable repair)');
  setCurrentDetails(`**${verdict}** · ${reasons.join(' · ') || 'no findings, no failing inputs'}`);
  const findingsBefore = countByCwe(staticRounds[0]?.findings ?? [], fuzz.failures);
  const findingsAfter = countByCwe(findings, remainingFailures);
  // Runs started before search attributes existed replay without the upsert.
  if (patched('search-attributes')) {
    upsertSearchAttributes([
      { key: SEARCH_ATTRIBUTES.verdict, value: verdict },
      { key: SEARCH_ATTRIBUTES.cwesFound, value: Object.keys(findingsBefore).sort() },
      { key: SEARCH_ATTRIBUTES.cwesRemaining, value: Object.keys(findingsAfter).sort() },
      { key: SEARCH_ATTRIBUTES.roundsUsed, value: staticRounds.length + fuzz.repairRounds.length },
      { key: SEARCH_ATTRIBUTES.model, value: model ?? 'none (audit)' },
    ]);
  }

  return {
    verdict,
    reasons,
    mode: llm ? 'harden' : 'audit',
    source: req.source,
    model,
    initialCode,
    finalCode: code,
    staticRounds,
    fuzz,
    findingsBefore,
    findingsAfter,
    remainingFindings: findings,
    remainingFailures,
    steps: ledger.steps,
    usage: ledger.usage,
  };
}

export { batchTaskWorkflow, batchWorkflow } from './batch.js';
