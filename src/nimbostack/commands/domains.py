"""createDomain, listDomains, listDomainChildren, updateDomain, deleteDomain."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from nimbostack.api.context import Call
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing, Success
from nimbostack.auth.access import check_domain
from nimbostack.auth.types import ADMIN_ONLY, ADMINS, ALL_ROLES
from nimbostack.db.listing import LIST_PARAMS, fetch, keyword_filter
from nimbostack.db.models import Domain
from nimbostack.services import domains
from nimbostack.views.identity import domain_view, domain_views, domains_with_children

DOMAIN_ID = Param("id", ParamType.UUID, "The domain's ID", required=True, entity=Domain, related="listDomains")


@command(
    "createDomain",
    description="Creates a domain under a parent domain (ROOT by default).",
    params=[
        Param("name", ParamType.STRING, "Name of the new domain", required=True),
        Param(
            "parentdomainid",
            ParamType.UUID,
            "The parent domain; ROOT when left out",
            entity=Domain,
            related="listDomains",
        ),
        Param("networkdomain", ParamType.STRING, "DNS suffix for networks in this domain"),
        Param("domainid", ParamType.STRING, "UUID to give the new domain", since="4.2"),
    ],
    kind=Kind.OBJECT,
    key="domain",
    roles=ADMINS,
)
def create_domain(call: Call) -> dict[str, Any]:
    domain = domains.create(
        call.db,
        call.caller,
        call.arg("name"),
        call.arg("parentdomainid"),
        call.arg("networkdomain"),
        call.arg("domainid"),
        call.now,
    )
    return domain_view(domain, False)


@command(
    "listDomains",
    description="Lists domains the caller may see.",
    params=[
        *LIST_PARAMS,
        Param("id", ParamType.UUID, "Only this domain", entity=Domain, related="listDomains"),
        Param("name", ParamType.STRING, "Only domains with this name"),
        Param("level", ParamType.INTEGER, "Only domains at this depth (ROOT is 0)"),
        Param("listall", ParamType.BOOLEAN, "List every domain the caller may see, not only its own"),
        Param("details", ParamType.LIST, "Which details to include (all, resource, min)", item_type=ParamType.STRING),
        Param("showicon", ParamType.BOOLEAN, "Include the domain's icon"),
    ],
    kind=Kind.LIST,
    key="domain",
    roles=ALL_ROLES,
)
def list_domains(call: Call) -> Listing:
    caller = call.caller
    own = call.db.get(Domain, caller.domain_id)
    assert own is not None
    stmt = select(Domain).where(Domain.removed.is_(None), keyword_filter(call, Domain.name))
    target: Domain | None = call.arg("id")
    if target is not None:
        check_domain(caller, target)
        stmt = stmt.where(Domain.id == target.id)
    elif caller.is_root_admin or caller.is_system or call.arg("listall"):
        stmt = stmt.where(Domain.path.startswith(own.path))
    else:
        stmt = stmt.where(Domain.id == own.id)
    if call.has("name"):
        stmt = stmt.where(Domain.name == call.arg("name"))
    if call.has("level"):
        stmt = stmt.where(Domain.level == call.arg("level"))
    rows, count = fetch(call, stmt, Domain.id)
    return Listing(domain_views(call.db, rows), count)


@command(
    "listDomainChildren",
    description="Lists the subdomains of a domain (the caller's own when no id is given).",
    params=[
        *LIST_PARAMS,
        Param("id", ParamType.UUID, "The parent domain", entity=Domain, related="listDomains"),
        Param("name", ParamType.STRING, "Only children with this name"),
        Param("isrecursive", ParamType.BOOLEAN, "Include all descendants, not only direct children"),
        Param("listall", ParamType.BOOLEAN, "Accepted for compatibility; isrecursive decides the depth"),
        Param("showicon", ParamType.BOOLEAN, "Include icons"),
    ],
    kind=Kind.LIST,
    key="domain",
    roles=ADMINS,
)
def list_domain_children(call: Call) -> Listing:
    parent: Domain | None = call.arg("id") or call.db.get(Domain, call.caller.domain_id)
    assert parent is not None
    check_domain(call.caller, parent)
    stmt = select(Domain).where(Domain.removed.is_(None), keyword_filter(call, Domain.name))
    if call.arg("isrecursive"):
        stmt = stmt.where(Domain.path.startswith(parent.path), Domain.id != parent.id)
    else:
        stmt = stmt.where(Domain.parent_id == parent.id)
    if call.has("name"):
        stmt = stmt.where(Domain.name.ilike(f"%{call.arg('name')}%"))
    rows, count = fetch(call, stmt, Domain.id)
    return Listing(domain_views(call.db, rows), count)


@command(
    "updateDomain",
    description="Renames a domain or changes its network domain.",
    params=[
        DOMAIN_ID,
        Param("name", ParamType.STRING, "New name"),
        Param("networkdomain", ParamType.STRING, "New DNS suffix; empty to clear"),
    ],
    kind=Kind.OBJECT,
    key="domain",
    roles=ADMIN_ONLY,
)
def update_domain(call: Call) -> dict[str, Any]:
    domain = domains.update_domain(
        call.db, call.caller, call.arg("id"), call.arg("name"), call.raw.get("networkdomain"), call.now
    )
    return domain_view(domain, domain.id in domains_with_children(call.db, [domain.id]))


@command(
    "deleteDomain",
    description="Deletes a domain; with cleanup=true also its subdomains and their accounts.",
    params=[DOMAIN_ID, Param("cleanup", ParamType.BOOLEAN, "Also remove subdomains and accounts")],
    kind=Kind.SUCCESS,
    roles=ADMINS,
    is_async=True,
    instance_type="Domain",
    instance_param="id",
)
def delete_domain(call: Call) -> Success:
    domains.delete(call.db, call.caller, call.arg("id"), bool(call.arg("cleanup")), call.now)
    return Success()
