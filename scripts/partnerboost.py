# /// script
# requires-python = ">=3.11"
# dependencies = ["partnerboost-skill"]
#
# [tool.uv.sources]
# partnerboost-skill = { path = "..", editable = true }
# ///
"""Run the `partnerboost` CLI from this skill folder: `uv run {baseDir}/scripts/partnerboost.py review`.

On first use uv builds an environment for it in uv's own cache (never inside the skill folder); later runs
start at once. Compiled bytecode goes to the user's cache folder too, so the skill folder stays exactly as it
was installed.
"""

import os
import sys
from pathlib import Path

cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
sys.pycache_prefix = str(cache / "partnerboost" / "pycache")

from partnerboost_skill.cli import main  # noqa: E402

raise SystemExit(main())
