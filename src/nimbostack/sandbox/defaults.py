"""CloudStack's seeded defaults that come with a laid-out cloud: offerings, OS types and the simulator template.

The template is the one CloudStack's simulator build ships ready in every zone: owned by the system
account, public and featured, in VHD format, not password-enabled, and without HVM. Default network
offerings are not seeded here: networks and their offerings arrive with issue #4.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.db.models import Account, Template, Zone
from nimbostack.services import templates
from nimbostack.services.offerings import seed_catalog
from nimbostack.services.ostypes import by_description
from nimbostack.services.template_downloads import zone_store

log = logging.getLogger(__name__)

SYSTEM_ACCOUNT_ID = 1
TEMPLATE_NAME = "CentOS 5.6 (64-bit) no GUI (Simulator)"
TEMPLATE_OS = "CentOS 5.6 (64-bit)"
# The address CloudStack's simulator seed gives this template; the simulated image store never fetches it.
TEMPLATE_URL = "http://download.cloud.com/templates/builtin/f59f18fb-ae94-4f97-afd2-f84755767aca.vhd.bz2"


def seed(db: Session, caller: Caller, now: datetime) -> Template | None:
    """Offerings and OS types, then the simulator template in every zone that has an image store."""
    seed_catalog(db, now)
    return _simulator_template(db, caller, now)


def _simulator_template(db: Session, caller: Caller, now: datetime) -> Template | None:
    if db.scalars(select(Template).where(Template.name == TEMPLATE_NAME, Template.removed.is_(None))).first():
        return None
    every = list(db.scalars(select(Zone).where(Zone.removed.is_(None)).order_by(Zone.id)))
    stored = [zone for zone in every if zone_store(db, zone.id) is not None]
    if not stored:
        log.warning("no zone has an image store: template %r not registered", TEMPLATE_NAME)
        return None
    owner = db.get(Account, SYSTEM_ACCOUNT_ID)
    assert owner is not None, "the system account is created before any layout"
    spec = templates.TemplateSpec(
        name=TEMPLATE_NAME,
        display_text=TEMPLATE_NAME,
        url=TEMPLATE_URL,
        owner=owner,
        format="VHD",
        hypervisor="Simulator",
        os_type=by_description(db, TEMPLATE_OS),
        # Every zone (a cross-zone template) unless some zone has nowhere to keep it.
        zones=None if len(stored) == len(every) else stored,
        is_public=True,
        is_featured=True,
        password_enabled=False,
        requires_hvm=False,
        bits=64,
        template_type="BUILTIN",
    )
    return templates.register(db, caller, spec, now, ready=True)
