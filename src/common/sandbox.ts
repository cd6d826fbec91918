import { z } from 'zod';
import { CweSchema } from './cwe.js';
import { FuzzValueSchema } from './fuzz-value.js';

/**
 * The sandbox in one place: the limits of a fuzz container and of the harness inside it, the
 * time a batch may take (from which the sandbox activity's timeout is derived), and the harness
 * protocol (python/harness/): one JSON request on stdin, one JSON line per input on stdout.
 */

// ---- limits ----

export const SANDBOX_LIMITS = {
  memoryBytes: 256 * 1024 * 1024,
  pids: 64,
  nanoCpus: 1_000_000_000,
  /** Largest file the code may write (RLIMIT_FSIZE) and size of the tmpfs work dir. */
  fileBytes: 16 * 1024 * 1024,
  /** Harness protocol output kept; past it the container is killed. */
  maxStdoutBytes: 4 * 1024 * 1024,
  maxStderrBytes: 64 * 1024,
  /** What one input may print (RLIMIT_FSIZE of its output file); past it the input is killed. */
  outputCapBytes: 1024 * 1024,
  /**
   * Address space an input's child may take beyond the loaded module (RLIMIT_AS): well under
   * `memoryBytes`, so a runaway allocation is a MemoryError in the child, not a cgroup kill of
   * the whole batch.
   */
  childMemoryHeadroomBytes: 160 * 1024 * 1024,
  /** Characters kept of a returned value, an exception message or printed output. */
  textLimitChars: 2_000,
  /** What the code's module may take to load (imports, module-level code). */
  loadTimeoutMs: 10_000,
  /** Past an input's own time limit, how long the harness waits before it replaces a hung runner. */
  backstopMs: 1_500,
  /** Loads of the code in one batch: the first, and reloads after an input that hung or ended it. */
  maxRunnerStarts: 4,
  /** Timeouts or kills in a row after which a batch stops: a hostile target costs seconds. */
  stopAfterHangs: 3,
  /** The longest line the harness may write: an outcome is a few KiB; past this the batch is killed. */
  maxLineBytes: 256 * 1024,
  /** The largest input (its arguments as JSON): a mutation past it is dropped, a seed past it refused. */
  maxInputChars: 64 * 1024,
  /** The most inputs' JSON one batch carries: a batch travels in one Temporal payload (2 MB). */
  maxBatchChars: 1024 * 1024,
} as const;
export type SandboxLimits = { readonly [K in keyof typeof SANDBOX_LIMITS]: number };

/** Time to create and start a container and load the code, on top of the per-input limits. */
export const CONTAINER_START_BUDGET_MS = 15_000;
/** The harness's own cost per input (fork, report) on top of the input's time limit. */
export const PER_INPUT_OVERHEAD_MS = 250;
/** Removing the container and reporting back, after the batch's wall clock has run out. */
const TEARDOWN_MARGIN_MS = 30_000;

/** When the container is killed: every load and every input may use its whole limit, and no more. */
export function batchWallClockMs(inputs: number, timeoutMsPerInput: number): number {
  const { maxRunnerStarts, loadTimeoutMs, backstopMs } = SANDBOX_LIMITS;
  return CONTAINER_START_BUDGET_MS + maxRunnerStarts * loadTimeoutMs + inputs * (timeoutMsPerInput + backstopMs + PER_INPUT_OVERHEAD_MS);
}

/** The sandbox activity's start-to-close timeout for a batch: its wall clock plus teardown. */
export function sandboxActivityTimeoutMs(inputs: number, timeoutMsPerInput: number): number {
  return batchWallClockMs(inputs, timeoutMsPerInput) + TEARDOWN_MARGIN_MS;
}

// ---- what runs, and what comes back ----

export const FuzzCaseSchema = z.object({ id: z.string(), args: z.array(FuzzValueSchema) });
export type FuzzCase = z.infer<typeof FuzzCaseSchema>;

/**
 * How the harness reaches the code: call a function (or a method, "Class.method"), drive a Flask
 * route, or run the whole module as a program with the input as its argv and stdin.
 */
export const EntrySchema = z.enum(['call', 'route', 'module']);
export type Entry = z.infer<typeof EntrySchema>;

/** What a batch runs: a fuzz target's entry, or "test": behaviour tests, one per input, each named by its only argument. */
export const BatchEntrySchema = z.enum([...EntrySchema.options, 'test']);

/**
 * Something the input made the code do that a security oracle flags; `tamper` (CWE-693): what
 * honest code never does to the harness that watches it (python/harness/ledger.py).
 */
export const SecurityEventSchema = z.object({
  kind: z.enum([
    'shell',
    'process',
    'argument',
    'path',
    'network',
    'eval',
    'template',
    'sql',
    'deserialize',
    'library',
    'redirect',
    'xss',
    'header',
    'log',
    'regex',
    'ldap',
    'xpath',
    'xxe',
    'tamper',
  ]),
  cwe: CweSchema,
  detail: z.string().max(400),
});
export type SecurityEvent = z.infer<typeof SecurityEventSchema>;

/**
 * Every string an outcome carries is bounded (the harness clips to textLimitChars), so a batch's
 * result stays far from Temporal's payload limit whatever the target returns, raises or prints.
 */
const Text = z.string().max(SANDBOX_LIMITS.textLimitChars + 100);
const Name = z.string().max(300);
const ModuleName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,99}$/);
const LineNumbers = z.array(z.number().int().positive()).max(2_000);

/** What every outcome may carry besides its status. */
const OutcomeExtras = {
  events: z.array(SecurityEventSchema).max(20).default([]),
  /** What the input printed: its size, its head, and whether it hit the output cap. */
  output: z.object({ bytes: z.number().int(), head: Text, truncated: z.boolean() }).optional(),
  /** The lines of the code under test the input reached (it steers mutation; never evidence). */
  lines: LineNumbers.optional(),
};

export const FuzzOutcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ok'), returned: Text, ...OutcomeExtras }),
  /** The code raised on purpose (a `raise` in its own code): input validation, not a crash. */
  z.object({ status: z.literal('rejected'), exceptionType: Name, message: Text, line: z.number().int().nullable(), ...OutcomeExtras }),
  z.object({ status: z.literal('exception'), exceptionType: Name, message: Text, line: z.number().int().nullable(), ...OutcomeExtras }),
  z.object({ status: z.literal('timeout'), ...OutcomeExtras }),
  z.object({ status: z.literal('killed'), signal: z.number().int(), ...OutcomeExtras }),
  z.object({ status: z.literal('exited'), exitCode: z.number().int(), ...OutcomeExtras }),
  /** The input did not run: the batch ended or stopped early first, or it could not be built. */
  z.object({ status: z.literal('not-run'), reason: Text, ...OutcomeExtras }),
]);
export type FuzzOutcome = z.infer<typeof FuzzOutcomeSchema>;

export const FAILURE_STATUSES = ['exception', 'timeout', 'killed', 'exited'] as const;

/** Whether the programs an input starts and the connections it makes were seen from outside its process (seccomp), and if not, why. */
export const KernelWatchSchema = z.object({ on: z.boolean(), detail: z.string().max(400) });
export type KernelWatch = z.infer<typeof KernelWatchSchema>;

/** The watch over several containers: one without it is enough to say the whole was not watched. */
export function combinedKernelWatch(watches: (KernelWatch | null)[]): KernelWatch | null {
  return watches.find((w) => w?.on === false) ?? watches.find((w) => w !== null) ?? null;
}

/** The sandbox activity's input: one batch of inputs against one target. */
export const RunBatchInputSchema = z.object({
  code: z.string(),
  function: z.string(),
  entry: BatchEntrySchema.default('call'),
  /** Parameter names: for a route, the request parts ("args.q", "form.user", "json"). */
  params: z.array(z.string()).default([]),
  /** Who sets each parameter: only attacker values are taint; trusted strings are base directories. */
  roles: z.array(z.enum(['attacker', 'trusted'])).default([]),
  cases: z.array(FuzzCaseSchema).min(1),
  timeoutMsPerInput: z.number().int().positive(),
  /** Shown on the container's labels, so a leftover names its run. */
  label: z.string(),
  /** Report the lines each input reaches (coverage-guided rounds ask; re-checks need not). */
  coverage: z.boolean().default(false),
  /** The behaviour tests' source, for entry "test" (HumanEval's check, or test functions). */
  tests: z.string().default(''),
});
export type RunBatchInput = z.infer<typeof RunBatchInputSchema>;

export const RunBatchResultSchema = z.object({
  outcomes: z.array(z.object({ id: z.string(), outcome: FuzzOutcomeSchema })),
  /** The code could not be loaded at all (import error, missing function, exit at import). */
  loadError: Text.nullable(),
  /** Why not every input has an outcome the harness vouches for (inputs not run, no end marker); results recorded before it carry none. */
  incomplete: Text.nullable().default(null),
  /** Modules the code imports that ran as stand-ins: recording stubs of those the sandbox lacks, database drivers with no server. */
  stubbed: z.array(ModuleName).max(20).default([]),
  /** The lines of the function under test (or the module) that can run: line coverage's denominator. */
  coverable: LineNumbers.default([]),
  /** The kernel watch of the container that loaded the code; null before the harness reported it. */
  kernelWatch: KernelWatchSchema.nullable().default(null),
  wallMs: z.number(),
});
export type RunBatchResult = z.infer<typeof RunBatchResultSchema>;

/** How a fuzz pass derives its inputs, round by round: the same from the same plan and the lines each input reached. */
export const FuzzRoundsSchema = z.object({
  seeds: z.array(FuzzCaseSchema).min(1),
  /** Inputs derived over all rounds. */
  mutations: z.number().int().min(0),
  seed: z.number().int(),
  rounds: z.number().int().min(1).max(10),
  /** Inputs over this many characters of JSON are not derived. */
  maxChars: z.number().int().positive(),
  /** Which arguments may change (an attacker's); all when empty. */
  mutable: z.array(z.boolean()),
  /** Draw mutated strings from the attack dictionary (runs from before it use the first one). */
  attackStrings: z.boolean(),
});
export type FuzzRounds = z.infer<typeof FuzzRoundsSchema>;

/** A whole fuzz pass, every round in the same containers: the target, and how to derive its inputs. */
export const RunFuzzPassInputSchema = RunBatchInputSchema.omit({ cases: true }).extend({ rounds: FuzzRoundsSchema });
export type RunFuzzPassInput = z.infer<typeof RunFuzzPassInputSchema>;

export const RunFuzzPassResultSchema = RunBatchResultSchema.extend({
  /** Each round that ran: how many inputs, and a digest of them, so the workflow can check it derives the very same ones. */
  rounds: z.array(z.object({ inputs: z.number().int(), digest: z.string() })),
  /** Containers the pass was spread over. */
  containers: z.number().int(),
});
export type RunFuzzPassResult = z.infer<typeof RunFuzzPassResultSchema>;

// ---- the harness protocol ----

/** The one request the harness reads on stdin. */
export const HarnessRequestSchema = z.object({
  code: z.string(),
  function: z.string(),
  entry: BatchEntrySchema,
  params: z.array(z.string()),
  roles: z.array(z.enum(['attacker', 'trusted'])),
  inputs: z.array(FuzzCaseSchema),
  timeoutMs: z.number().int().positive(),
  backstopMs: z.number().int().positive(),
  loadTimeoutMs: z.number().int().positive(),
  maxRunnerStarts: z.number().int().positive(),
  stopAfterHangs: z.number().int().positive(),
  textLimit: z.number().int().positive(),
  outputCap: z.number().int().positive(),
  childMemoryHeadroom: z.number().int().positive(),
  coverage: z.boolean(),
  tests: z.string(),
});
export type HarnessRequest = z.infer<typeof HarnessRequestSchema>;

export function harnessRequest(batch: RunBatchInput, limits: SandboxLimits): HarnessRequest {
  return {
    code: batch.code,
    function: batch.function,
    entry: batch.entry,
    params: batch.params,
    roles: batch.roles,
    inputs: batch.cases,
    timeoutMs: batch.timeoutMsPerInput,
    backstopMs: limits.backstopMs,
    loadTimeoutMs: limits.loadTimeoutMs,
    maxRunnerStarts: limits.maxRunnerStarts,
    stopAfterHangs: limits.stopAfterHangs,
    textLimit: limits.textLimitChars,
    outputCap: limits.outputCapBytes,
    childMemoryHeadroom: limits.childMemoryHeadroomBytes,
    coverage: batch.coverage,
    tests: batch.tests,
  };
}

/** The lines the harness writes: the code failed to load, the modules stubbed, one input's outcome, or the end. */
export const HarnessLineSchema = z.union([
  z.object({ fatal: Text }),
  z.object({
    loaded: z.object({ stubbed: z.array(ModuleName).max(20), coverable: LineNumbers, kernelWatch: KernelWatchSchema.optional() }),
  }),
  z.intersection(z.object({ id: z.string() }), FuzzOutcomeSchema),
  z.object({ done: z.literal(true), outcomes: z.number().int() }),
]);
export type HarnessLine = z.infer<typeof HarnessLineSchema>;
