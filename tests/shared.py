"""Where the shared sample files live: ``../shared`` beside the clone.

Tests read real files written by others in place (they are never copied into
the repository). ``LIEUDIT_SHARED`` overrides the location.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("LIEUDIT_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data"
