"""The one place list commands apply keyword, paging and ownership scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, bindparam, func, or_, select, true

from nimbostack.api.context import Call
from nimbostack.api.errors import ApiError, ErrorCode, invalid_value
from nimbostack.api.registry import Param, ParamType
from nimbostack.auth.access import check_account, check_domain
from nimbostack.db.engine import AnyRow, run
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
    page = page_of(call)
    paged = stmt.order_by(order_by).offset(page.offset)
    if page.limit is not None:
        paged = paged.limit(page.limit)
    found = call.db.scalars(paged).all()
    count = known_total(page, len(found))
    if count is None:
        count = call.db.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    # Deduplicated after counting: the count query counts rows, not distinct entities.
    return list(dict.fromkeys(found)), count


def known_total(page: Page, found: int) -> int | None:
    """The count of all matches when the page alone tells it, so the count query can be skipped.

    A page that is not full is the last one, and every page before it was full: offset + rows. An empty
    first page means no match at all. Otherwise (a full page, or an empty page past the end) it takes a
    query.
    """
    if found and (page.limit is None or found < page.limit):
        return page.offset + found
    if not found and page.offset == 0:
        return 0
    return None


@dataclass
class Filters:
    """The optional conditions one list call uses, by name (the statement's shape), and their values."""

    names: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    def add(self, condition: str, /, **values: Any) -> None:
        self.names.append(condition)
        self.values.update(values)

    def owner(self, call: Call, *, whole_domain: bool = False) -> None:
        """The `owner_filter` restriction, as one of the conditions of `owner_conditions`."""
        scope = owner_scope(call, whole_domain=whole_domain)
        if scope is not None:
            self.add(scope[0], **scope[1])


class ListQuery:
    """A list statement built once per shape, with filter values and paging as bound parameters.

    Composing a statement and its cache key costs more than running it on tables of this size, and a
    command has only a handful of shapes (which optional conditions a call uses), so each shape's page and
    count statements are built on first use and kept for the life of the process. They hold no data.
    """

    def __init__(self, base: Select[Any], order_by: Any, conditions: dict[str, ColumnElement[bool]]) -> None:
        self.base = base
        self.order_by = order_by
        self.conditions = conditions
        self._pages: dict[tuple[tuple[str, ...], bool], Select[Any]] = {}
        self._counts: dict[tuple[str, ...], Select[Any]] = {}

    def _filtered(self, names: tuple[str, ...]) -> Select[Any]:
        return self.base.where(*(self.conditions[name] for name in names))

    def page(self, names: tuple[str, ...], limited: bool) -> Select[Any]:
        stmt = self._pages.get((names, limited))
        if stmt is None:
            stmt = self._filtered(names).order_by(self.order_by)
            if limited:
                stmt = stmt.limit(bindparam("page_limit", type_=Integer)).offset(
                    bindparam("page_offset", type_=Integer)
                )
            self._pages[(names, limited)] = stmt
        return stmt

    def count(self, names: tuple[str, ...]) -> Select[Any]:
        stmt = self._counts.get(names)
        if stmt is None:
            stmt = select(func.count()).select_from(self._filtered(names).subquery())
            self._counts[names] = stmt
        return stmt


def fetch_rows(call: Call, query: ListQuery, filters: Filters) -> tuple[list[AnyRow], int]:
    """`fetch` for a ListQuery: column rows of the requested page and the total count of matches."""
    page = page_of(call)
    names = tuple(filters.names)
    limited = page.limit is not None
    paging = {"page_limit": page.limit, "page_offset": page.offset} if limited else {}
    rows = list(run(call.db, query.page(names, limited), {**filters.values, **paging}).all())
    count = known_total(page, len(rows))
    if count is None:
        count = run(call.db, query.count(names), filters.values).scalar_one()
    return rows, count


def keyword_condition(*columns: Any) -> ColumnElement[bool]:
    """`keyword_filter` as a ListQuery condition; its value is `keyword_value(call)`."""
    return or_(*(col.ilike(bindparam("keyword")) for col in columns))


def keyword_value(call: Call) -> str | None:
    word = call.arg("keyword")
    return f"%{word}%" if word else None


def keyword_filter(call: Call, *columns: Any) -> ColumnElement[bool]:
    pattern = keyword_value(call)
    if pattern is None:
        return true()
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

    See `owner_scope`; this is its condition on `account_col` with the values written in.
    """
    scope = owner_scope(call, whole_domain=whole_domain)
    if scope is None:
        return true()
    name, values = scope
    if name == "owner_account":
        return account_col == values["owner_account"]  # type: ignore[no-any-return]
    in_domain = select(Account.id).join(Domain, Account.domain_id == Domain.id)
    if name == "owner_domain":
        return account_col.in_(in_domain.where(Domain.id == values["owner_domain"]))  # type: ignore[no-any-return]
    return account_col.in_(in_domain.where(Domain.path.startswith(values["owner_path"])))  # type: ignore[no-any-return]


def owner_conditions(account_col: Any) -> dict[str, ColumnElement[bool]]:
    """The conditions `owner_scope` names, on `account_col`, for a ListQuery."""
    in_domain = select(Account.id).join(Domain, Account.domain_id == Domain.id)
    return {
        "owner_account": account_col == bindparam("owner_account"),
        "owner_domain": account_col.in_(in_domain.where(Domain.id == bindparam("owner_domain"))),
        "owner_subtree": account_col.in_(in_domain.where(Domain.path.startswith(bindparam("owner_path")))),
    }


def owner_scope(call: Call, *, whole_domain: bool = False) -> tuple[str, dict[str, Any]] | None:
    """What an account-owned listing may show the caller, as CloudStack's ACL search decides it.

    Every caller sees only its own account unless it asks for more: `account` (+ `domainid`) names one
    account, `domainid` a domain (its subtree with `isrecursive`), `listall` everything the caller may see.
    `whole_domain` is for listings a setting opens to the caller's whole domain subtree. The answer names a
    condition of `owner_conditions` with its values; None means no restriction.
    """
    caller = call.caller
    account = named_account(call)
    if account is not None:
        return "owner_account", {"owner_account": account.id}
    domain: Domain | None = call.arg("domainid")
    is_user = not (caller.is_root_admin or caller.is_domain_admin or caller.is_system)
    if domain is not None:
        check_domain(caller, domain)
        if is_user:
            return "owner_account", {"owner_account": caller.account_id}
        if call.arg("isrecursive"):
            return "owner_subtree", {"owner_path": domain.path}
        return "owner_domain", {"owner_domain": domain.id}
    if whole_domain or (call.arg("listall") and not is_user):
        if caller.is_root_admin or caller.is_system:
            return None
        return "owner_subtree", {"owner_path": caller.domain_path}
    return "owner_account", {"owner_account": caller.account_id}
