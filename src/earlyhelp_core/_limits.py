"""The bounds on what the reader accepts (shared by its JSON and YAML halves)."""

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "MAX_VALUES", "TOO_LARGE_NUMBER"]

MAX_BYTES = 5 * 1024 * 1024
"""Default largest file accepted (5 MiB): far above any real assessment, plan or config."""

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted."""

MAX_NODES = 50_000
"""Most values a YAML document may expand to once aliases are followed."""

MAX_VALUES = 50_000
"""Most values (mappings, lists, scalars) a YAML text may hold, counted before composing:
composing millions of nodes would use gigabytes. A real document holds a few thousand."""

TOO_LARGE_NUMBER = "a number too large to be a real value (it would read as infinity)"
"""The problem with a number that overflows a float (``1e999``), in JSON and YAML alike."""
