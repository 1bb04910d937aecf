"""Where the shipped non-Python files are: the templates folder and Datasette's metadata.yml.

In a source checkout (and an editable install) they sit at the repository root; a wheel installs
them under ``<prefix>/share/kb/``.
"""
from __future__ import annotations

import sysconfig
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
_SHARE = Path(sysconfig.get_path("data")) / "share" / "kb"


def _find(name: str) -> Path:
    for base in (_ROOT, _SHARE):
        if (base / name).exists():
            return base / name
    return _ROOT / name


TEMPLATES_DIR = _find("templates")
METADATA_PATH = _find("metadata.yml")
