"""The one place list commands apply keyword, paging and ownership scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, true

from nimbostack.api.context import Call
from nimbostack.api.errors import ApiError, ErrorCode, invalid_value
from nimbostack.api.registry import Param, ParamType
from nimbostack.auth.access import check_account, check_domain
from nimbostack.db.models import Account, Domain
from nimbostack.services import settings

LIST_PARAMS: tuple[Param, ...] = (
    Param("keyword", ParamType.STRING, "List by keyword"),
    Param("page", ParamType.INTEGER, "Page number, starting at 1"),
    Param("pagesize", ParamType.INTEGER, "Items per page; -1 for all"),
)

SCOPE_PARAMS: tuple[Param, ...] = (
    Param("account", ParamType.STRING, "List resources of this account; use with domainid"),
    Param("domainid", ParamType.UUID, "List resources of this domain", entity=Domain, related="listDomains"),
    Param("isrecursive", ParamType.BOOLEAN, "With domainid, also list resources of its subdomains"),
    Param("listall", ParamType.BOOLEAN, "true lists everything the caller may see; false only its own account"),
)


@dataclass(frozen=True)
class Page:
    offset: int
    limit: int | None


def page_of(call: Call) -> Page:
    page, size = call.arg("page"), call.arg("pagesize")
    max_size = settings.get_int(call.db, "default.page.size")
    if size is not None and page is None and size != -1:
        raise ApiError(ErrorCode.PARAM_ERROR, '"page" parameter is required when "pagesize" is specified')
    if page is not None and size is None:
        raise ApiError(ErrorCode.PARAM_ERROR, '"pagesize" parameter is required when "page" is specified')
    if size == -1:
        if page is not None:
            raise ApiError(ErrorCode.PARAM_ERROR, "Can't specify page parameter when pagesize is -1 (Unlimited)")
        return Page(0, None)
    if size is None:
        return Page(0, None if max_size == -1 else max_size)
    if size <= 0:
        raise invalid_value(
            f"Unable to execute API command {call.command.name.lower()} due to invalid value "
            f"{size} for parameter pagesize"
        )
    if max_size != -1 and size > max_size:
        raise ApiError(ErrorCode.PARAM_ERROR, f"Page size can't exceed max allowed page size value: {max_size}")
    page = max(page or 1, 1)
    return Page((page - 1) * size, size)


def fetch(call: Call, stmt: Select[Any], order_by: Any) -> tuple[list[Any], int]:
    """Rows of the requested page and the total count of matches."""
    count = call.db.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    page = page_of(call)
    paged = stmt.order_by(order_by).offset(page.offset)
    if page.limit is not None:
        paged = paged.limit(page.limit)
    return list(call.db.scalars(paged).unique().all()), count


def keyword_filter(call: Call, *columns: Any) -> ColumnElement[bool]:
    word = call.arg("keyword")
    if not word:
        return true()
    from sqlalchemy import or_

    pattern = f"%{word}%"
    return or_(*(col.ilike(pattern) for col in columns))


def named_account(call: Call) -> Account | None:
    """Resolve `account` (+ `domainid`, default the caller's domain); 431 when it does not exist."""
    name = call.arg("account")
    if not name:
        return None
    domain: Domain | None = call.arg("domainid")
    domain_id = domain.id if domain is not None else call.caller.domain_id
    account = call.db.scalars(
        select(Account).where(Account.name == name, Account.domain_id == domain_id, Account.removed.is_(None))
    ).first()
    if account is None:
        label = domain.uuid if domain is not None else call.caller.domain_uuid
        raise invalid_value(f"could not find account {name} in domain {label}")
    check_account(call.caller, account)
    return account


def owner_filter(call: Call, account_col: Any, *, whole_domain: bool = False) -> ColumnElement[bool]:
    """Restrict an account-owned table to what the caller may list, as CloudStack's ACL search does.

    Every caller sees only its own account unless it asks for more: `account` (+ `domainid`) names one
    account, `domainid` a domain (its subtree with `isrecursive`), `listall` everything the caller may see.
    `whole_domain` is for listings a setting opens to the caller's whole domain subtree.
    """
    caller = call.caller
    account = named_account(call)
    if account is not None:
        return account_col == account.id  # type: ignore[no-any-return]
    domain: Domain | None = call.arg("domainid")
    in_domain = select(Account.id).join(Domain, Account.domain_id == Domain.id)
    is_user = not (caller.is_root_admin or caller.is_domain_admin or caller.is_system)
    if domain is not None:
        check_domain(caller, domain)
        if is_user:
            return account_col == caller.account_id  # type: ignore[no-any-return]
        cond = Domain.path.startswith(domain.path) if call.arg("isrecursive") else Domain.id == domain.id
        return account_col.in_(in_domain.where(cond))  # type: ignore[no-any-return]
    if whole_domain or (call.arg("listall") and not is_user):
        if caller.is_root_admin or caller.is_system:
            return true()
        return account_col.in_(in_domain.where(Domain.path.startswith(caller.domain_path)))  # type: ignore[no-any-return]
    return account_col == caller.account_id  # type: ignore[no-any-return]
