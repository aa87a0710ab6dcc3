"""Role rules: wildcard matching, first match wins, then the command's default role types."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from nimbostack.auth.types import RoleType

ROOT_ADMIN_ROLE_ID = 1
RULE_TEXT = re.compile(r"^[a-zA-Z0-9*]+$")


@dataclass(frozen=True)
class Rule:
    rule: str
    permission: str  # "ALLOW" or "DENY"


@lru_cache(maxsize=4096)
def _pattern(rule: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(rule).replace(r"\*", r"\w*") + "$", re.IGNORECASE)


def rule_matches(rule: str, api_name: str) -> bool:
    return _pattern(rule).match(api_name) is not None


def valid_rule(rule: str) -> bool:
    return bool(RULE_TEXT.match(rule))


def is_allowed(
    role_id: int, role_type: RoleType, rules: Sequence[Rule], api_name: str, defaults: frozenset[RoleType]
) -> bool:
    """The dynamic role checker: the built-in root admin role may call everything."""
    if role_id == ROOT_ADMIN_ROLE_ID:
        return True
    for rule in rules:
        if rule_matches(rule.rule, api_name):
            return rule.permission == "ALLOW"
    return role_type in defaults


# Rules seeded for the read-only and support roles (CloudStack adds these in 4.15).
_READ_ONLY_TAIL = ("cloudianIsEnabled", "queryAsyncJobResult", "quotaIsEnabled", "quotaTariffList", "quotaSummary")
_SUPPORT_COMMON = (
    "startVirtualMachine",
    "stopVirtualMachine",
    "rebootVirtualMachine",
    "startKubernetesCluster",
    "stopKubernetesCluster",
    "createVolume",
    "attachVolume",
    "detachVolume",
    "uploadVolume",
    "attachIso",
    "detachIso",
    "registerTemplate",
    "registerIso",
)


def read_only_admin_rules() -> list[Rule]:
    return [
        Rule("list*", "ALLOW"),
        Rule("getUploadParamsFor*", "DENY"),
        Rule("get*", "ALLOW"),
        *(Rule(r, "ALLOW") for r in _READ_ONLY_TAIL),
        Rule("*", "DENY"),
    ]


def read_only_user_rules() -> list[Rule]:
    return [
        Rule("list*", "ALLOW"),
        Rule("getUploadParamsFor*", "DENY"),
        Rule("get*", "ALLOW"),
        *(Rule(r, "ALLOW") for r in _READ_ONLY_TAIL),
        Rule("*", "DENY"),
    ]


def support_admin_rules() -> list[Rule]:
    extra = (
        "prepareHostForMaintenance",
        "cancelHostMaintenance",
        "enableStorageMaintenance",
        "cancelStorageMaintenance",
        "createServiceOffering",
        "createDiskOffering",
        "createNetworkOffering",
        "createVPCOffering",
    )
    allows = [r for r in read_only_admin_rules() if r.permission == "ALLOW"]
    return [*allows, *(Rule(r, "ALLOW") for r in extra + _SUPPORT_COMMON), Rule("*", "DENY")]


def support_user_rules() -> list[Rule]:
    allows = [r for r in read_only_user_rules() if r.permission == "ALLOW"]
    return [
        *allows,
        *(Rule(r, "ALLOW") for r in _SUPPORT_COMMON),
        Rule("getUploadParamsFor*", "ALLOW"),
        Rule("*", "DENY"),
    ]


@dataclass(frozen=True)
class DefaultRole:
    id: int | None
    name: str
    role_type: RoleType
    description: str
    rules: tuple[Rule, ...] = ()


DEFAULT_ROLES: tuple[DefaultRole, ...] = (
    DefaultRole(1, "Root Admin", RoleType.ADMIN, "Default root admin role"),
    DefaultRole(2, "Resource Admin", RoleType.RESOURCE_ADMIN, "Default resource admin role"),
    DefaultRole(3, "Domain Admin", RoleType.DOMAIN_ADMIN, "Default domain admin role"),
    DefaultRole(4, "User", RoleType.USER, "Default user role"),
    DefaultRole(
        None,
        "Read-Only Admin - Default",
        RoleType.ADMIN,
        "Default read-only admin role",
        tuple(read_only_admin_rules()),
    ),
    DefaultRole(
        None, "Read-Only User - Default", RoleType.USER, "Default read-only user role", tuple(read_only_user_rules())
    ),
    DefaultRole(
        None, "Support Admin - Default", RoleType.ADMIN, "Default support admin role", tuple(support_admin_rules())
    ),
    DefaultRole(
        None, "Support User - Default", RoleType.USER, "Default support user role", tuple(support_user_rules())
    ),
)
