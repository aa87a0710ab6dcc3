"""Response objects for zones and the rest of the infrastructure tree."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.db.models import Domain, Zone

Entity = dict[str, Any]


def zone_view(db: Session, zone: Zone, caller: Caller) -> Entity:
    domain = db.get(Domain, zone.domain_id) if zone.domain_id is not None else None
    view: Entity = {
        "id": zone.uuid,
        "name": zone.name,
        "description": zone.description,
        "networktype": zone.network_type,
        "allocationstate": zone.allocation_state,
        "securitygroupsenabled": zone.security_group_enabled,
        "localstorageenabled": zone.local_storage_enabled,
        "zonetoken": None,
        "dhcpprovider": "VirtualRouter",
        "domain": zone.network_domain,
        "domainid": domain.uuid if domain else None,
        "domainname": domain.name if domain else None,
        "type": "Core",
        "tags": [],
    }
    if caller.is_root_admin:
        # DNS and guest CIDR are infrastructure details CloudStack shows to admins only.
        view.update(
            dns1=zone.dns1,
            dns2=zone.dns2,
            internaldns1=zone.internal_dns1,
            internaldns2=zone.internal_dns2,
            ip6dns1=zone.ip6_dns1,
            ip6dns2=zone.ip6_dns2,
            guestcidraddress=zone.guest_cidr,
        )
    else:
        view.update(dns1=zone.dns1, dns2=zone.dns2, ip6dns1=zone.ip6_dns1, ip6dns2=zone.ip6_dns2)
    return view
