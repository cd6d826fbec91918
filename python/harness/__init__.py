"""The fuzz harness baked into the sandbox image (`python3 -P -m harness`, pid 1 of a locked-down
container). One JSON batch arrives on stdin (HarnessRequestSchema in src/common/sandbox.ts); one
JSON line per input goes to stdout, then {"done": true, "outcomes": N}, or {"fatal": reason}
when the code cannot be loaded; further groups of inputs for the same loaded code follow on
stdin ({"inputs": [...]}, a line each), until stdin closes.

Its files are its trust zones:
- supervisor.py: pid 1, trusted, never runs code under test; holds stdout and the deadlines;
  ledger.py: what it knows of each input, and the tamper rules; kernel_watch.py: what the
  kernel reports of the programs and connections an input starts;
- runner.py: loads the code under test once, after channel.py, seccomp.py and hook.py are in
  place, and forks a child per input; child.py: runs one input;
- oracles/: one module per weakness class (commands, paths, network, queries, ...), each a
  table of handlers for the audit events it judges against the input's taint (in each child,
  and in the supervisor for what the kernel reports); watchers.py: audit events for libraries
  that raise none; stubs.py: stand-ins for modules the sandbox lacks; targets.py: how each
  entry ("call", "route", "module", "test") reaches the code;
- protocol.py and values.py: what they all share.

Events leave a child when they happen, on a channel the kernel stamps with the sender's pid;
the supervisor keeps them whatever the child reports later, and what honest code never does
(a second outcome, an outcome that drops a streamed event, a write that is no message, a closed
or replaced channel, an exit after an event without an outcome, an audit hook that no longer
answers or was replaced, a program started behind the hooks' back, a seccomp filter of its own,
a foreign-ABI system call) is itself a finding, CWE-693.

What it cannot promise: code that rewrites the harness's objects in its own process before it
acts can still keep an in-process oracle (paths, SQL, eval, ...) from seeing that act, and
module-level code runs in the runner that forks every child, so it can keep inputs from running
at all. Neither can hide a program started or a connection made (connect, or sendto with an
address; not sendmsg) from the kernel watch, nor erase an event already streamed.
"""
