"""listTemplates / listIsos: CloudStack's template filters over (template, zone) pairs, paged.

featured    public and featured              community  public, not featured
self        the caller's own                 selfexecutable   the same, ready only
shared(executable)  shared with the caller   executable public or own
all         admins: everything they may see (root: everything)
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select, true

from nimbostack.api.context import Call
from nimbostack.api.errors import ApiError, ErrorCode, invalid_value
from nimbostack.api.results import Listing
from nimbostack.auth.access import check_domain
from nimbostack.db.listing import named_account, page_of
from nimbostack.db.models import Account, Domain, Host, Template, TemplatePermission, TemplateZone
from nimbostack.services import settings, template_downloads
from nimbostack.services.template_checks import hypervisor
from nimbostack.services.templates import check_launch
from nimbostack.views.catalog import template_views

FILTERS = ("featured", "self", "selfexecutable", "sharedexecutable", "executable", "community", "all", "shared")
READY_STATES = ("DOWNLOADED", "BYPASSED")
Pair = tuple[Template, TemplateZone]
PairSelect = Select[Template, TemplateZone]


def _parse_filter(value: str) -> str:
    if value not in FILTERS:
        raise ApiError(
            ErrorCode.PARAM_ERROR, f"No enum constant com.cloud.template.VirtualMachineTemplate.TemplateFilter.{value}"
        )
    return value


def _in_domain(path: str, recursive: bool) -> ColumnElement[bool]:
    cond = Domain.path.startswith(path) if recursive else Domain.path == path
    return Template.domain_id.in_(select(Domain.id).where(cond))


class Scope:
    """buildACLSearchParameters for templates: the accounts a listing is about, or a domain to look in."""

    def __init__(self, call: Call, list_all: bool) -> None:
        caller = call.caller
        self.accounts: list[Account] = []
        self.domain: Domain | None = call.arg("domainid")
        self.recursive = bool(call.arg("isrecursive"))
        is_user = not (caller.is_root_admin or caller.is_domain_admin or caller.is_system)
        named = named_account(call)
        own = call.db.get(Account, caller.account_id)
        assert own is not None
        if named is not None:
            self.accounts = [named]
        elif self.domain is not None:
            check_domain(caller, self.domain)
            if is_user:
                self.accounts = [own]
        elif is_user or not list_all:
            self.accounts = [own]
        elif caller.is_domain_admin:
            self.domain, self.recursive = call.db.get(Domain, caller.domain_id), True
        self.account_ids = [a.id for a in self.accounts]

    def self_domain(self, call: Call) -> Domain:
        if self.accounts:
            return self.accounts[0].domain
        found = self.domain or call.db.get(Domain, call.caller.domain_id)
        assert found is not None
        return found


def _filter_clause(call: Call, name: str, scope: Scope) -> ColumnElement[bool]:
    caller = call.caller
    mine = Template.account_id.in_(scope.account_ids) if scope.account_ids else true()
    if name in ("featured", "community"):
        return and_(Template.is_public.is_(True), Template.is_featured.is_(name == "featured"))
    if name in ("self", "selfexecutable"):
        clause: ColumnElement[bool] = mine
        if caller.is_root_admin or caller.is_domain_admin:
            clause = and_(clause, _in_domain(scope.self_domain(call).path, scope.recursive))
        return clause
    if name in ("shared", "sharedexecutable"):
        if not scope.account_ids:
            return false()
        return exists().where(
            TemplatePermission.template_id == Template.id, TemplatePermission.account_id.in_(scope.account_ids)
        )
    if name == "executable":
        return or_(Template.is_public.is_(True), mine) if scope.account_ids else Template.is_public.is_(True)
    if not caller.is_root_admin:  # "all" for a domain admin
        return or_(Template.is_public.is_(True), _in_domain(caller.domain_path, True))
    return true()


def _only_ready(call: Call, name: str) -> bool:
    caller = call.caller
    specific = (caller.is_root_admin or caller.is_domain_admin) and call.has("account") and call.has("domainid")
    ready = name in ("featured", "selfexecutable", "sharedexecutable", "community") or (
        name == "executable" and specific
    )
    return ready or bool(call.arg("isready"))


def _hypervisors_in_use(call: Call) -> list[str]:
    """Templates show only for hypervisors the cloud has hosts of (none yet: all of them), as in CloudStack."""
    rows = call.db.scalars(
        select(Host.hypervisor).where(Host.removed.is_(None), Host.type == "Routing", Host.hypervisor.is_not(None))
    ).all()
    return sorted({r for r in rows if r})


def template_query(call: Call, *, is_iso: bool, filter_name: str) -> PairSelect:
    name = _parse_filter(filter_name)
    caller = call.caller
    is_user = not (caller.is_root_admin or caller.is_domain_admin or caller.is_system)
    if name == "all" and is_user:
        raise invalid_value("Filter all can be specified by admin only")
    stmt: PairSelect = (
        select(Template, TemplateZone)
        .join(TemplateZone, TemplateZone.template_id == Template.id)
        .where(Template.removed.is_(None), Template.state == "Active")
        .where(Template.format == "ISO" if is_iso else Template.format != "ISO")
    )
    target: Template | None = call.arg("id")
    if target is not None:
        if is_iso and target.format != "ISO":
            raise invalid_value("Specified Template Id is not an ISO")
        if not is_iso and target.format == "ISO":
            raise invalid_value(f"Incorrect format {target.format} of the specified template id")
        if caller.is_domain_admin and not target.is_public:
            owner_domain = call.db.get(Domain, target.domain_id)
            assert owner_domain is not None
            check_domain(caller, owner_domain)
        elif target.is_public or not caller.is_root_admin:
            check_launch(call.db, caller, target)
        stmt = stmt.where(Template.id == target.id)
    else:
        scope = Scope(call, name == "all")
        stmt = stmt.where(_filter_clause(call, name, scope))
    return _common_filters(call, stmt, is_iso, name)


def _common_filters(call: Call, stmt: PairSelect, is_iso: bool, name: str) -> PairSelect:
    word = call.arg("keyword")
    if word:
        stmt = stmt.where(or_(Template.name.ilike(f"%{word}%"), Template.display_text.ilike(f"%{word}%")))
    if call.has("name"):
        stmt = stmt.where(Template.name == call.arg("name"))
    if call.has("ids"):
        stmt = stmt.where(Template.id.in_([t.id for t in call.arg("ids")]))
    if call.has("zoneid"):
        stmt = stmt.where(TemplateZone.zone_id == call.arg("zoneid").id)
    if _only_ready(call, name):
        stmt = stmt.where(or_(TemplateZone.download_state.in_(READY_STATES), Template.format == "BAREMETAL"))
    if is_iso:
        if call.has("bootable"):
            stmt = stmt.where(Template.bootable.is_(bool(call.arg("bootable"))))
        return stmt
    if name in ("featured", "selfexecutable"):
        stmt = stmt.where(Template.template_type != "SYSTEM")
    in_use = _hypervisors_in_use(call)
    if in_use:
        stmt = stmt.where(Template.hypervisor.in_(in_use))
    wanted = hypervisor(call.arg("hypervisor"))
    if wanted is not None:
        stmt = stmt.where(Template.hypervisor == wanted)
    if call.has("templatetype"):
        stmt = stmt.where(Template.template_type == call.arg("templatetype").upper())
    return stmt


def list_pairs(call: Call, *, is_iso: bool, filter_name: str) -> Listing:
    template_downloads.complete_due(call.db, call.now)
    stmt = template_query(call, is_iso=is_iso, filter_name=filter_name)
    count = call.db.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    ascending = settings.get_bool(call.db, "sortkey.algorithm")
    order = Template.sort_key.asc() if ascending else Template.sort_key.desc()
    page = page_of(call)
    paged = stmt.order_by(order, Template.id, TemplateZone.zone_id).offset(page.offset)
    if page.limit is not None:
        paged = paged.limit(page.limit)
    pairs: list[Pair] = [(t, z) for t, z in call.db.execute(paged).unique().all()]
    return Listing(template_views(call.db, pairs, call.caller, call.now), count)
