import { staticKind } from '../cwe.js';
import { isRecord } from '../is-record.js';

/**
 * Results of runs that finished before the fields were renamed (fuzz.executed summed every pass;
 * a repair round's remainingFailures / staticFindings were its candidate's) or before failing
 * inputs were summarised read as today's, so `asc result` and `asc audit` still work on them.
 */
export function upgradeLegacyResult(value: unknown): unknown {
  return withRemainingByKind(renamedFields(value));
}

/** Results from before kinds: static findings by their CWE, failing inputs by their events. */
function withRemainingByKind(value: unknown): unknown {
  if (!isRecord(value) || value.remainingByKind !== undefined) return value;
  const counts = { security: 0, robustness: 0, contract: 0 };
  for (const f of Array.isArray(value.remainingFindings) ? value.remainingFindings : [])
    counts[staticKind(isRecord(f) && typeof f.cwe === 'string' ? f.cwe : null)]++;
  const summary = isRecord(value.remainingFailureSummary) ? value.remainingFailureSummary : {};
  const inputs = typeof summary.inputs === 'number' ? summary.inputs : 0;
  const withEvents = (Array.isArray(value.remainingFailures) ? value.remainingFailures : []).filter(
    (f) => isRecord(f) && isRecord(f.outcome) && Array.isArray(f.outcome.events) && f.outcome.events.length > 0,
  ).length;
  counts.security += withEvents;
  counts.robustness += Math.max(0, inputs - withEvents);
  return { ...value, remainingByKind: counts };
}

function renamedFields(value: unknown): unknown {
  if (!isRecord(value) || !isRecord(value.fuzz) || value.fuzz.failureSummary !== undefined) return value;
  const listed = (list: unknown) => ({ inputs: Array.isArray(list) ? list.length : 0, byKind: {} });
  const { executed, repairRounds, ...fuzz } = value.fuzz;
  const rounds = Array.isArray(repairRounds) ? repairRounds : [];
  // Before the renames, fuzz.executed summed every pass, each of the whole corpus.
  const perPass = typeof executed === 'number' ? Math.round(executed / (rounds.length + 1)) : fuzz.firstPassExecuted;
  const upgraded = rounds.map((round: unknown) => {
    if (!isRecord(round) || round.candidateFailures !== undefined)
      return isRecord(round) ? { ...round, candidateFailureSummary: listed(round.candidateFailures) } : round;
    const { remainingFailures, staticFindings, ...rest } = round;
    return {
      ...rest,
      candidateExecuted: perPass,
      candidateFailures: remainingFailures,
      candidateFailureSummary: listed(remainingFailures),
      candidateStaticFindings: staticFindings,
    };
  });
  return {
    ...value,
    remainingFailureSummary: listed(value.remainingFailures),
    fuzz: { ...fuzz, firstPassExecuted: perPass, failureSummary: listed(fuzz.failures), repairRounds: upgraded },
  };
}
