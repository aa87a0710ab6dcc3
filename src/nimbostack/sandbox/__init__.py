"""The ready sandbox: on a first start, lay out a data center from a layout file plus CloudStack's defaults.

`default.yaml` describes the cloud the CloudStack simulator test container deploys (zones
`Sandbox-simulator-basic` and `Sandbox-simulator-advanced`); `nimbostack serve --datacenter FILE`
applies another file instead and `--no-sandbox` starts an empty cloud. A layout is only ever applied
on the start that creates the built-in accounts, in the same transaction, so a failed layout leaves
nothing behind and a later start never applies one again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session

from nimbostack.api.errors import ApiError
from nimbostack.db.engine import Database
from nimbostack.runtime import Runtime

__all__ = ["DEFAULT_LAYOUT", "LayoutError", "first_start", "start_session"]

log = logging.getLogger(__name__)

DEFAULT_LAYOUT = Path(__file__).with_name("default.yaml")
ADMIN_USER_ID = 2


class LayoutError(Exception):
    """A layout file that cannot be read or applied; the text says where and why."""


@contextmanager
def start_session(database: Database) -> Iterator[Session]:
    """A session whose work is committed only at the end, even if a service commits on its way.

    Services commit before reporting a failed hypervisor call (so a used-up simulator fault stays used);
    during start-up nothing may be committed until the built-ins and the whole layout stand. The session
    joins a transaction it does not own: its commits only flush, and the transaction ends here.
    """
    with database.engine.connect() as conn:
        outer = conn.begin()
        db = Session(bind=conn, join_transaction_mode="rollback_only", expire_on_commit=False)
        try:
            yield db
            db.flush()
            outer.commit()
        except BaseException:
            outer.rollback()
            raise
        finally:
            db.close()


def first_start(db: Session, runtime: Runtime) -> None:
    """Lay out the cloud the options ask for (the sandbox by default), as admin, with the seeded defaults."""
    options = runtime.options
    if options.datacenter is None and not options.sandbox:
        log.info("starting an empty cloud (no sandbox)")
        return
    # Only a first start lays anything out: later starts never load these modules.
    from nimbostack.auth.identity import caller_for
    from nimbostack.db.models import User
    from nimbostack.sandbox import defaults
    from nimbostack.sandbox.build import Builder
    from nimbostack.sandbox.layout import load

    layout = load(options.datacenter or DEFAULT_LAYOUT)
    admin = db.get(User, ADMIN_USER_ID)
    assert admin is not None, "the built-in admin is created before any layout"
    caller = caller_for(admin)
    now = runtime.now()
    try:
        made = Builder(db, caller, server_id=runtime.server_id, now=now).apply(layout)
        defaults.seed(db, caller, now)
    except LayoutError as err:
        raise LayoutError(f"data-center layout {layout.source}: {err}") from None
    except ApiError as err:
        raise LayoutError(f"data-center layout {layout.source}: seeding the defaults refused: {err.text}") from None
    log.info("laid out %s from %s", ", ".join(z.name for z in made), layout.source)
