/** A unified diff of two texts by lines (longest common subsequence), for the audit trail. */
export function unifiedDiff(before: string, after: string, context = 2): string {
  const a = before.split('\n');
  const b = after.split('\n');
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const lines: { op: ' ' | '-' | '+'; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ op: ' ', text: a[i++]! });
      j++;
    } else if (j < b.length && (i >= a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      lines.push({ op: '+', text: b[j++]! });
    } else {
      lines.push({ op: '-', text: a[i++]! });
    }
  }
  // Keep changed lines and `context` unchanged lines around them.
  const keep = lines.map((line, k) => line.op !== ' ' || lines.slice(Math.max(0, k - context), k + context + 1).some((l) => l.op !== ' '));
  const out: string[] = [];
  lines.forEach((line, k) => {
    if (keep[k]) out.push(`${line.op}${line.text}`);
    else if (keep[k - 1]) out.push('@@');
  });
  return out.join('\n');
}
