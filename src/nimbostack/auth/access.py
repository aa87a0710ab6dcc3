"""Object scope: who may see or change which domain and account."""

from __future__ import annotations

from nimbostack.api.context import Caller
from nimbostack.api.errors import permission_denied
from nimbostack.db.models import Account, Domain


def in_subtree(path: str, ancestor_path: str) -> bool:
    """Stored paths end in '/', so a prefix test is a subtree test."""
    return path.startswith(ancestor_path)


def can_access_domain(caller: Caller, domain: Domain) -> bool:
    if caller.is_root_admin or caller.is_system:
        return True
    if caller.is_domain_admin:
        return in_subtree(domain.path, caller.domain_path)
    return domain.id == caller.domain_id


def can_access_account(caller: Caller, account: Account) -> bool:
    if caller.is_root_admin or caller.is_system:
        return True
    if caller.is_domain_admin:
        return in_subtree(account.domain.path, caller.domain_path)
    return account.id == caller.account_id


def check_domain(caller: Caller, domain: Domain) -> None:
    if not can_access_domain(caller, domain):
        raise permission_denied(
            f"Account {caller.account_name} does not have permission to operate within domain id={domain.uuid}"
        )


def check_account(caller: Caller, account: Account) -> None:
    if not can_access_account(caller, account):
        raise permission_denied(
            f"Account {caller.account_name} does not have permission to operate on account {account.name}"
        )
