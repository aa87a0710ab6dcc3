"""Where the shared reference material is: the `shared/` folder beside the repository (as CI lays it out)."""

from __future__ import annotations

from pathlib import Path

_BESIDE_REPO = Path(__file__).resolve().parents[3] / "shared" / "reference"
REFERENCE = _BESIDE_REPO if _BESIDE_REPO.is_dir() else Path("/work/shared/reference")
SAMPLES = REFERENCE / "samples"
