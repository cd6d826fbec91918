import { renderFuzzValue } from '../../common/fuzz-value.js';
import type { Finding, FunctionInfo, RepairFeedback, ReturnChange, ReviewerRejection, TestFailure } from '../../common/schemas/index.js';

/** The three agents' instructions, after the AutoSafeCoder paper (few-shot, step by step). */

export const CODING_SYSTEM = `You are the Coding agent of AutoSafeCoder, a senior Python engineer who writes secure code.
Think step by step: understand the task, list the security risks it carries (injection, path traversal,
unsafe deserialization, weak cryptography, missing input validation), then write code that avoids them.
Rules:
- Return the complete Python module in one \`\`\`python block: imports, helpers, and the function.
- Keep the given function name and signature unchanged.
- Validate untrusted input and reject bad input by raising ValueError (or, in a Flask handler, by
  returning an error response); never let it crash the program in an unplanned way.
- Use only the standard library and the libraries the task already imports.

Example task:
\`\`\`python
import subprocess
def ping(host):
    '''Ping the host once and return the output.'''
\`\`\`
Example answer:
\`\`\`python
import re
import subprocess

_HOST = re.compile(r"^[A-Za-z0-9.-]{1,253}$")

def ping(host):
    '''Ping the host once and return the output.'''
    if not isinstance(host, str) or not _HOST.match(host):
        raise ValueError("invalid host name")
    result = subprocess.run(["ping", "-c", "1", host], capture_output=True, text=True, timeout=10, check=False)
    return result.stdout
\`\`\``;

export const REVIEW_SYSTEM = `You are the Static Analyser agent of AutoSafeCoder, a security reviewer who knows the MITRE CWE list.
Review the Python code for security weaknesses. Static analysis tools already ran: their findings are
given; confirm real ones and, above all, find what they missed (e.g. CWE-22 path traversal, CWE-79 XSS,
CWE-89 SQL injection, CWE-78 OS command injection, CWE-502 deserialization, CWE-327 weak crypto,
CWE-918 SSRF, CWE-20 missing input validation, CWE-611 XXE).
Answer with JSON only, in this shape:
{"findings": [{"cwe": "CWE-78", "line": 12, "severity": "HIGH", "description": "what is wrong", "fix": "how to fix it"}],
 "triage": [{"finding": 1, "verdict": "confirmed", "reason": "why"}]}
"findings" are weaknesses the tools did not report. "triage" has one entry per tool finding, by its
number: "confirmed" when the flagged code has the weakness, "dismissed" only when it cannot (say
exactly why: the value is a constant, the call never sees attacker data, ...). Comments in the code
are not evidence. Report only real, exploitable weaknesses. If the code is secure, answer
{"findings": [], "triage": [...]}.`;

export const FUZZ_SYSTEM = `You are the Fuzzing agent of AutoSafeCoder. Given Python code, choose the function to test, infer the
type of each positional parameter, and write seed inputs: typical valid values that exercise the
function's main paths. Types are one of: int, float, str, bytes, bool, none, list, dict.
Answer with JSON only, in this shape:
{"function": "name", "params": [{"name": "x", "type": "str", "role": "attacker"}], "seeds": [["value for x"], ["another"]]}
Each seed is a list with one JSON value per parameter, in order; write bytes as text. Give 3 to 8 seeds.
"role" says who sets the parameter in real use: "attacker" for data that can come from a user or
another system, "trusted" for the caller's own configuration (a base directory, a connection, a
key). Security oracles follow attacker values only.
For a Flask route handler the parameters are the request parts it reads, named like "args.q"
(query), "form.user", "headers.X-Token", "cookies.session", "path.id", "json" or "data": keep
those names, and write query, form, header and cookie values as strings.`;

export function numbered(code: string): string {
  return code
    .split('\n')
    .map((line, i) => `${String(i + 1).padStart(4)}  ${line}`)
    .join('\n');
}

export function generatePrompt(task: string): string {
  return `Write the code for this task:\n\`\`\`python\n${task}\n\`\`\``;
}

function describeFinding(f: Finding): string {
  const where = f.line !== null ? `line ${f.line}` : 'somewhere';
  const fix = f.fix && f.source === 'static-agent' ? ` Fix: ${f.fix}` : '';
  return `- ${f.cwe ?? 'no CWE'} at ${where} (${f.source} ${f.ruleId}, severity ${f.severity}): ${f.message}${fix}`;
}

export function describeFeedback(feedback: RepairFeedback): string {
  switch (feedback.kind) {
    case 'static':
      return `Static analysis found these weaknesses:\n${feedback.findings.map(describeFinding).join('\n')}${describeRefusal(feedback)}`;
    case 'syntax':
      return `The code does not parse: ${feedback.message}${feedback.line !== null ? ` at line ${feedback.line}` : ''}.`;
    case 'fuzz':
      return `Fuzzing ${feedback.functionName} found inputs that make it fail or do something unsafe:\n${feedback.failures
        .map((f) => {
          const args = f.input.args.map((a) => renderFuzzValue(a)).join(', ');
          const o = f.outcome;
          const what =
            o.status === 'exception'
              ? `raised ${o.exceptionType}: ${o.message}${o.line !== null ? ` (line ${o.line})` : ''}`
              : o.status === 'timeout'
                ? 'did not finish within the time limit'
                : o.status === 'killed'
                  ? `was killed by signal ${o.signal} (memory, output or resource limit)`
                  : o.status === 'exited'
                    ? `exited the process with code ${o.exitCode}`
                    : o.status === 'ok' || o.status === 'rejected'
                      ? 'ran'
                      : o.status;
          const events = o.events.map((e) => `\n    security: ${e.cwe} ${e.detail}`).join('');
          return `- ${feedback.functionName}(${args}) ${what}${events}`;
        })
        .join(
          '\n',
        )}\nHandle such input deliberately: validate it and raise ValueError for input you reject; never let input reach a shell, a path outside the intended directory, eval, or a deserialiser.${describeRefusal(feedback)}${describeChangedReturns(feedback.changedReturns)}`;
  }
}

/** Inputs the previous repair changed the result of: it was refused for them. */
function describeChangedReturns(changes: ReturnChange[]): string {
  if (changes.length === 0) return '';
  const listed = changes.map((c) => `- ${c.input}: ${c.before.slice(0, 200)} before, ${c.after.slice(0, 200)} with your repair`).join('\n');
  return `\n\nYour previous repair was refused: it changed what the code does for inputs it handled correctly. Keep their results:\n${listed}`;
}

/** Why the previous repair was refused: behaviour tests it broke, or a person who rejected it. */
function describeRefusal({ brokenTests, rejectedBy }: { brokenTests: TestFailure[]; rejectedBy: ReviewerRejection }): string {
  const parts: string[] = [];
  if (brokenTests.length > 0) {
    const listed = brokenTests.map((t) => `- ${t.name}: ${t.message.slice(0, 500)}`).join('\n');
    parts.push(`Your previous repair was refused: it broke behaviour tests that the code passed before. Keep them passing:\n${listed}`);
  }
  if (rejectedBy) parts.push(`Your previous repair was refused by its reviewer (${rejectedBy.by}): ${rejectedBy.reason.slice(0, 1_000)}`);
  return parts.map((p) => `\n\n${p}`).join('');
}

export function repairPrompt(task: string | null, code: string, feedback: RepairFeedback): string {
  const taskPart = task ? `The task was:\n\`\`\`python\n${task}\n\`\`\`\n\n` : '';
  return `${taskPart}Here is the current code (line numbers added for reference):\n${numbered(code)}\n\n${describeFeedback(feedback)}\n\nRepair the code so that these problems are gone without breaking its behaviour. Return the complete repaired module in one \`\`\`python block.`;
}

export function reviewPrompt(code: string, toolFindings: Finding[]): string {
  const tools = toolFindings.length > 0 ? toolFindings.map((f, i) => `${i + 1}. ${describeFinding(f).slice(2)}`).join('\n') : '(none)';
  return `Code (line numbers added for reference):\n${numbered(code)}\n\nStatic analysis tool findings:\n${tools}`;
}

export function seedsPrompt(code: string, functions: FunctionInfo[]): string {
  const names = functions
    .map((f) => `${f.route ? `route ${f.route.rule} -> ` : ''}${f.name}(${f.params.map((p) => p.name).join(', ')})`)
    .join(', ');
  return `Code:\n\`\`\`python\n${code}\n\`\`\`\n\nFunctions you may choose: ${names}.`;
}

export const REASK_NO_CODE = 'Your answer had no ```python block. Answer again with the complete module in one ```python block.';
export function reaskBadJson(problem: string): string {
  return `Your answer was not the JSON asked for (${problem}). Answer again with that JSON only.`;
}
export const REASK_TRUNCATED =
  'Your answer was cut off at your output limit. Answer again, shorter: only what was asked for, with no explanation.';
export const REASK_EMPTY = 'Your answer was empty. Answer the request above.';
export const REASK_REFUSED =
  'This is defensive work: the code is being made secure, or checked for weaknesses, before it ships; nothing will attack a real system. Please answer the request above.';
