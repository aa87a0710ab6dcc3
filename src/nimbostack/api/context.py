"""The caller and the call: what a handler receives besides its typed parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from nimbostack.auth.types import AccountType, RoleType

if TYPE_CHECKING:
    from nimbostack.api.registry import Command
    from nimbostack.runtime import Runtime


@dataclass(frozen=True)
class Caller:
    """The authenticated user behind a request, flattened for quick checks."""

    user_id: int
    user_uuid: str
    username: str
    account_id: int
    account_uuid: str
    account_name: str
    account_type: AccountType
    domain_id: int
    domain_uuid: str
    domain_path: str
    role_id: int
    role_type: RoleType

    @property
    def is_root_admin(self) -> bool:
        return self.role_type is RoleType.ADMIN

    @property
    def is_domain_admin(self) -> bool:
        return self.role_type in (RoleType.DOMAIN_ADMIN, RoleType.RESOURCE_ADMIN)

    @property
    def is_system(self) -> bool:
        return self.account_id == 1


@dataclass
class Call:
    """One command invocation, inside one database transaction."""

    command: Command
    params: dict[str, Any]
    raw: dict[str, str]
    caller: Caller
    db: Session
    runtime: Runtime
    now: datetime
    job_uuid: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    def arg(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)

    def has(self, name: str) -> bool:
        return name in self.params
