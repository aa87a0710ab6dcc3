"""CloudStack's role types and account types, and how they map onto each other."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class RoleType(StrEnum):
    """A role's type; the value is the name CloudStack stores and prints."""

    ADMIN = "Admin"
    RESOURCE_ADMIN = "ResourceAdmin"
    DOMAIN_ADMIN = "DomainAdmin"
    USER = "User"

    @property
    def default_role_id(self) -> int:
        return _DEFAULT_ROLE_ID[self]

    @property
    def account_type(self) -> AccountType:
        return _ACCOUNT_TYPE_OF_ROLE[self]

    @classmethod
    def parse(cls, text: str) -> RoleType | None:
        for member in cls:
            if member.value.lower() == text.strip().lower():
                return member
        return None


class AccountType(IntEnum):
    """Account.Type ordinals, stored in account.type and answered as `accounttype`."""

    NORMAL = 0
    ADMIN = 1
    DOMAIN_ADMIN = 2
    RESOURCE_DOMAIN_ADMIN = 3
    READ_ONLY_ADMIN = 4
    PROJECT = 5

    @property
    def role_type(self) -> RoleType:
        return _ROLE_OF_ACCOUNT_TYPE.get(self, RoleType.USER)


ALL_ROLES: frozenset[RoleType] = frozenset(RoleType)
ADMIN_ONLY: frozenset[RoleType] = frozenset({RoleType.ADMIN})
ADMINS: frozenset[RoleType] = frozenset({RoleType.ADMIN, RoleType.DOMAIN_ADMIN})
ADMINS_AND_RESOURCE: frozenset[RoleType] = frozenset({RoleType.ADMIN, RoleType.RESOURCE_ADMIN, RoleType.DOMAIN_ADMIN})

_DEFAULT_ROLE_ID = {
    RoleType.ADMIN: 1,
    RoleType.RESOURCE_ADMIN: 2,
    RoleType.DOMAIN_ADMIN: 3,
    RoleType.USER: 4,
}
_ACCOUNT_TYPE_OF_ROLE = {
    RoleType.ADMIN: AccountType.ADMIN,
    RoleType.RESOURCE_ADMIN: AccountType.RESOURCE_DOMAIN_ADMIN,
    RoleType.DOMAIN_ADMIN: AccountType.DOMAIN_ADMIN,
    RoleType.USER: AccountType.NORMAL,
}
_ROLE_OF_ACCOUNT_TYPE = {
    AccountType.NORMAL: RoleType.USER,
    AccountType.ADMIN: RoleType.ADMIN,
    AccountType.READ_ONLY_ADMIN: RoleType.ADMIN,
    AccountType.DOMAIN_ADMIN: RoleType.DOMAIN_ADMIN,
    AccountType.RESOURCE_DOMAIN_ADMIN: RoleType.RESOURCE_ADMIN,
}
