"""ipkb: a cited knowledge base of China's intellectual-property protection system."""

__version__ = "0.1.0"
