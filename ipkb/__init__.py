"""ipkb: a cited knowledge base of China's intellectual-property protection system.

From Python: `kb = ipkb.open_kb()`, then `kb.show("huzhou")`, `kb.path("keqiao", "national-center")`,
`kb.search("柯桥")`: the documents that the CLI prints with `--json`.
"""

from ipkb.api import KB, open_kb

__all__ = ["KB", "open_kb"]
__version__ = "0.1.0"
