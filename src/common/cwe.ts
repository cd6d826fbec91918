import { z } from 'zod';

/** A MITRE CWE id, as every finding and security event names its weakness. */
export const CweSchema = z.string().regex(/^CWE-\d+$/, 'a CWE id looks like CWE-78');

/**
 * CWEs that name a coding fault rather than a weakness an attacker can use: Bandit's B101
 * (assert), B110 and B112 (an exception passed over) report CWE-703. A static finding of one is
 * a robustness finding; any other CWE is a security finding.
 */
const FAULT_CWES = new Set(['CWE-703', 'CWE-248', 'CWE-390', 'CWE-391', 'CWE-754', 'CWE-755']);

/**
 * The kind of a static finding, from its CWE. One with no CWE (a Bandit older than 1.7.5 names
 * none) stays a security finding: not knowing is no reason to clear code. A static CWE-400
 * (B113, a request with no timeout) is security too: it names a call a remote party can stall.
 */
export function staticKind(cwe: string | null): 'security' | 'robustness' {
  return cwe !== null && FAULT_CWES.has(cwe) ? 'robustness' : 'security';
}
