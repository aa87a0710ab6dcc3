"""listOsTypes, listOsCategories."""

from __future__ import annotations

from sqlalchemy import select

from nimbostack.api.context import Call
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing
from nimbostack.auth.types import ALL_ROLES
from nimbostack.db.listing import LIST_PARAMS, fetch, keyword_filter
from nimbostack.db.models import OsCategory, OsType
from nimbostack.views.catalog import os_category_view, os_type_view


@command(
    "listOsTypes",
    description="Lists the guest operating systems templates and ISOs can declare.",
    params=[
        *LIST_PARAMS,
        Param("id", ParamType.UUID, "Only this OS type", entity=OsType, related="listOsTypes"),
        Param("ids", ParamType.LIST, "Only these OS types", item_type=ParamType.UUID, entity=OsType, since="4.19"),
        Param("oscategoryid", ParamType.UUID, "Only OS types of this category", entity=OsCategory),
        Param("description", ParamType.STRING, "Only OS types whose description contains this text"),
        Param("fordisplay", ParamType.BOOLEAN, "Only OS types shown (true) or hidden (false) in the UI", since="4.18"),
    ],
    kind=Kind.LIST,
    key="ostype",
    roles=ALL_ROLES,
)
def list_os_types(call: Call) -> Listing:
    stmt = select(OsType).where(keyword_filter(call, OsType.description))
    if call.has("id"):
        stmt = stmt.where(OsType.id == call.arg("id").id)
    if call.has("ids"):
        stmt = stmt.where(OsType.id.in_([o.id for o in call.arg("ids")]))
    if call.has("oscategoryid"):
        stmt = stmt.where(OsType.category_id == call.arg("oscategoryid").id)
    if call.has("description"):
        stmt = stmt.where(OsType.description.ilike(f"%{call.arg('description')}%"))
    if call.has("fordisplay"):
        stmt = stmt.where(OsType.for_display.is_(bool(call.arg("fordisplay"))))
    rows, count = fetch(call, stmt.order_by(OsType.description), OsType.id)
    return Listing([os_type_view(o) for o in rows], count)


@command(
    "listOsCategories",
    description="Lists guest OS categories, in their sort order.",
    params=[
        *LIST_PARAMS,
        Param("id", ParamType.UUID, "Only this category", entity=OsCategory, related="listOsCategories"),
        Param("name", ParamType.STRING, "Only the category with this name"),
        Param("isfeatured", ParamType.BOOLEAN, "Only featured (true) or other (false) categories", since="4.21"),
        Param("showicon", ParamType.BOOLEAN, "Include icons"),
    ],
    kind=Kind.LIST,
    key="oscategory",
    roles=ALL_ROLES,
)
def list_os_categories(call: Call) -> Listing:
    stmt = select(OsCategory).where(keyword_filter(call, OsCategory.name))
    if call.has("id"):
        stmt = stmt.where(OsCategory.id == call.arg("id").id)
    if call.has("name"):
        stmt = stmt.where(OsCategory.name == call.arg("name"))
    if call.has("isfeatured"):
        stmt = stmt.where(OsCategory.is_featured.is_(bool(call.arg("isfeatured"))))
    rows, count = fetch(call, stmt.order_by(OsCategory.sort_key), OsCategory.id)
    return Listing([os_category_view(c) for c in rows], count)
