"""The oracles: audit events (PEP 578, and the ones the library watchers raise) that an input made
the code raise, judged against the input's taint. One module per weakness class, each with the
table of the events it judges (HANDLERS); core.py holds the taint and the dispatch.

The same Oracle serves two zones: in each child it judges what its audit hook sees and streams
each security event as it fires; in the supervisor it judges the programs and connections the
kernel reports (commands.program, network.connect), with no cooperation of the child.
"""
from harness.oracles import commands, deserialization, evaluation, libraries, logs, network, paths, queries, web, xxe
from harness.oracles.core import Oracle

MODULES = (commands, paths, network, evaluation, deserialization, queries, web, logs, xxe, libraries)
Oracle.handlers = {event: handler for module in MODULES for event, handler in module.HANDLERS.items()}

__all__ = ["Oracle"]
