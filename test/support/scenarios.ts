import { answer, type ChatRequest, type Reply } from './scripted-llm.js';

/** Scenarios shared by the end-to-end tests and the benchmark: tasks, code, and a scripted model. */

export const LIST_TASK = `import subprocess

def list_directory(path):
    '''List the files in the directory at path and return them, one per line.'''
`;

export const LIST_INSECURE = `import subprocess

def list_directory(path):
    '''List the files in the directory at path and return them, one per line.'''
    return subprocess.check_output("ls " + path, shell=True).decode()
`;

export const LIST_SECURE = `import os

BASE_DIR = os.path.realpath(".")

def list_directory(path):
    '''List the files in the directory at path and return them, one per line.'''
    if not isinstance(path, str) or not path or "\\x00" in path:
        raise ValueError("invalid path")
    target = os.path.realpath(os.path.join(BASE_DIR, path))
    if target != BASE_DIR and not target.startswith(BASE_DIR + os.sep):
        raise ValueError("path is outside the base directory")
    try:
        return "\\n".join(sorted(os.listdir(target)))
    except OSError as exc:
        raise ValueError("cannot list %r" % path) from exc
`;

export const AVERAGE_FRAGILE = `def average_word_length(text):
    '''Return the average length of the words in text.'''
    words = text.split()
    return sum(len(w) for w in words) / len(words)
`;

export const AVERAGE_ROBUST = `def average_word_length(text):
    '''Return the average length of the words in text.'''
    if not isinstance(text, str):
        raise ValueError("text must be a string")
    words = text.split()
    if not words:
        return 0.0
    return sum(len(w) for w in words) / len(words)
`;

/** A model that writes insecure code first and repairs what the feedback names. */
export function securityAwareModel(req: ChatRequest): Reply {
  switch (req.agent) {
    case 'coding':
      if (req.user.includes('CWE-78')) return answer.code(LIST_SECURE);
      if (req.user.includes('ZeroDivisionError') || req.user.includes('AttributeError')) return answer.code(AVERAGE_ROBUST);
      return answer.code(LIST_INSECURE);
    case 'static-analyser':
      return req.user.includes('shell=True')
        ? answer.findings([
            {
              cwe: 'CWE-78',
              line: 5,
              description: 'the path reaches a shell',
              fix: 'list the directory with os.listdir',
              severity: 'HIGH',
            },
          ])
        : answer.findings([]);
    case 'fuzzing':
      return req.user.includes('average_word_length')
        ? answer.seeds('average_word_length', [{ name: 'text', type: 'str' }], [['hello world'], ['a bb ccc']])
        : answer.seeds('list_directory', [{ name: 'path', type: 'str' }], [['.'], ['docs'], ['reports/2024']]);
    default:
      return { status: 400 };
  }
}
