/**
 * This project's profile for Bandit: tests whose findings are dropped, each with the reason,
 * measured on the efficacy corpus (bash scripts/bench.sh efficacy). A test is only listed when
 * what it flags is not the weakness it names in the code this project runs; the rest count as
 * Bandit reports them (CWE-703 ones, such as B101 and B110, as robustness: src/common/cwe.ts).
 */
export const BANDIT_PROFILE: Readonly<Record<string, { reason: string }>> = {
  B413: {
    reason:
      'B413 flags every import of `Crypto`, for the dead PyCrypto; the sandbox image resolves `Crypto` to PyCryptodome (docker/sandbox), a maintained library with the same API. Measured: it flagged 3 of 100 secure counterparts (their only static finding) and the same 3 imports in the insecure samples, never the weak mode or key they use',
  },
  B601: {
    reason:
      'B601 flags every paramiko `exec_command` call, whatever string reaches it. The Semgrep rule command-injection-shell (rules/taint/injection.yaml) reports the calls that request or caller data reaches unchecked. Measured: B601 flagged 1 of 100 secure counterparts (a command checked against an allowlist) and its insecure twin, which the taint rule still reports',
  },
};

/** Whether the profile drops a Bandit test's findings. */
export function droppedByProfile(testId: string): boolean {
  return Object.hasOwn(BANDIT_PROFILE, testId);
}
