"""Developer tool: rebuild this branch's unreleased migration (0002) from the models.

Applies 0001 to an empty SQLite database, then autogenerates the difference as 0002.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from nimbostack.db import migrate
from nimbostack.db.engine import Database

VERSIONS = Path(migrate.MIGRATIONS) / "versions"


def main() -> None:
    for old in VERSIONS.glob("0002_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/regen.db")
        migrate.upgrade(db.engine)
        migrate.new_revision(db.engine, "infrastructure, offerings and templates")
        db.dispose()
    for new in VERSIONS.glob("*_infrastructure_offerings_and_templates.py"):
        new.rename(VERSIONS / "0002_infrastructure_offerings_templates.py")


if __name__ == "__main__":
    main()
