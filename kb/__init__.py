"""kb: a bilingual (English/Chinese) clinical-trial evidence knowledge base."""

__version__ = "0.1.0"
