"""Every global setting we honour, declared once: type, default, scope, category, our description."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Scope(StrEnum):
    GLOBAL = "global"
    ZONE = "zone"
    CLUSTER = "cluster"
    STORAGE_POOL = "storagepool"
    DOMAIN = "domain"
    ACCOUNT = "account"
    IMAGE_STORE = "imagestore"


class SettingType(StrEnum):
    STRING = "String"
    BOOLEAN = "Boolean"
    INTEGER = "Integer"
    LONG = "Long"
    FLOAT = "Float"
    CSV = "CSV"


@dataclass(frozen=True)
class Setting:
    name: str
    type: SettingType
    default: str | None
    category: str
    description: str
    scopes: tuple[Scope, ...] = (Scope.GLOBAL,)
    dynamic: bool = True
    group: str = "Miscellaneous"
    subgroup: str = "Others"
    secure: bool = False

    @property
    def scope(self) -> Scope:
        """The narrowest scope a value may be set at (what listConfigurations reports)."""
        return self.scopes[-1]


def _s(name: str, type_: SettingType, default: str | None, category: str, description: str, **kw: object) -> Setting:
    return Setting(name, type_, default, category, description, **kw)  # type: ignore[arg-type]


B, I, S, L, F, C = (
    SettingType.BOOLEAN,
    SettingType.INTEGER,
    SettingType.STRING,
    SettingType.LONG,
    SettingType.FLOAT,
    SettingType.CSV,
)
DOMAIN = (Scope.GLOBAL, Scope.DOMAIN)
ACCOUNT = (Scope.GLOBAL, Scope.DOMAIN, Scope.ACCOUNT)

SETTINGS: tuple[Setting, ...] = (
    _s(
        "default.page.size",
        L,
        "500",
        "Advanced",
        "Largest page a list command answers; -1 removes the cap.",
        group="Management Server",
        subgroup="API",
    ),
    _s(
        "sortkey.algorithm",
        B,
        "true",
        "Advanced",
        "Order offerings and templates by sort key ascending (true) or descending (false).",
        group="Management Server",
        subgroup="API",
    ),
    _s(
        "allow.public.user.templates",
        B,
        "true",
        "Advanced",
        "Whether accounts that are not admins may make their templates and ISOs public.",
        scopes=ACCOUNT,
        group="Compute",
        subgroup="Templates",
    ),
    _s(
        "storage.max.volume.size",
        I,
        "2000",
        "Storage",
        "Largest disk size, in GB, a disk offering may have.",
        group="Storage",
        subgroup="Volume",
    ),
    # Our own: how long the simulated image store takes to "download" a registered template or ISO.
    _s(
        "simulator.image.download.seconds",
        F,
        "2",
        "Advanced",
        "Seconds the simulated image store takes to download a registered template or ISO; 0 is instant.",
        group="Compute",
        subgroup="Templates",
    ),
    _s(
        "job.expire.minutes",
        L,
        "1440",
        "Advanced",
        "Minutes a finished async job is kept before it is purged.",
        dynamic=False,
        group="Management Server",
        subgroup="Jobs",
    ),
    _s(
        "job.cancel.threshold.minutes",
        L,
        "60",
        "Advanced",
        "Minutes a job may stay in progress before it is cancelled.",
        dynamic=False,
        group="Management Server",
        subgroup="Jobs",
    ),
    _s(
        "incorrect.login.attempts.allowed",
        I,
        "5",
        "Advanced",
        "Wrong passwords in a row after which a non-admin user is disabled.",
        group="Access",
        subgroup="Users",
    ),
    _s(
        "password.policy.minimum.special.characters",
        I,
        "0",
        "Advanced",
        "Fewest characters that are neither letters nor digits a new password must have.",
        scopes=DOMAIN,
        group="Access",
        subgroup="Password Policy",
    ),
    _s(
        "password.policy.minimum.length",
        I,
        "0",
        "Advanced",
        "Shortest password accepted.",
        scopes=DOMAIN,
        group="Access",
        subgroup="Password Policy",
    ),
    _s(
        "password.policy.minimum.uppercase.letters",
        I,
        "0",
        "Advanced",
        "Fewest upper-case letters a new password must have.",
        scopes=DOMAIN,
        group="Access",
        subgroup="Password Policy",
    ),
    _s(
        "password.policy.minimum.lowercase.letters",
        I,
        "0",
        "Advanced",
        "Fewest lower-case letters a new password must have.",
        scopes=DOMAIN,
        group="Access",
        subgroup="Password Policy",
    ),
    _s(
        "password.policy.minimum.digits",
        I,
        "0",
        "Advanced",
        "Fewest digits a new password must have.",
        scopes=DOMAIN,
        group="Access",
        subgroup="Password Policy",
    ),
    _s(
        "password.policy.allowPasswordToContainUsername",
        B,
        "true",
        "Advanced",
        "Whether a password may contain the user's name.",
        scopes=DOMAIN,
        group="Access",
        subgroup="Password Policy",
    ),
    _s(
        "password.policy.regex",
        S,
        ".+",
        "Advanced",
        "Regular expression every new password must match.",
        scopes=DOMAIN,
        group="Access",
        subgroup="Password Policy",
    ),
    _s(
        "user.authenticators.order",
        S,
        "PBKDF2,SHA256SALT,MD5,LDAP,SAML2,PLAINTEXT",
        "Advanced",
        "Order in which password checkers are tried at login.",
        dynamic=False,
        group="Access",
        subgroup="Authentication",
    ),
    _s(
        "user.authenticators.exclude",
        S,
        "PLAINTEXT",
        "Advanced",
        "Password checkers left out of the chain.",
        dynamic=False,
        group="Access",
        subgroup="Authentication",
    ),
    _s(
        "user.password.encoders.order",
        S,
        "PBKDF2,SHA256SALT,MD5,LDAP,SAML2,PLAINTEXT",
        "Advanced",
        "Order of encoders; the first usable one hashes new passwords.",
        dynamic=False,
        group="Access",
        subgroup="Authentication",
    ),
    _s(
        "user.password.encoders.exclude",
        S,
        "MD5,LDAP,PLAINTEXT",
        "Advanced",
        "Encoders never used for new passwords.",
        dynamic=False,
        group="Access",
        subgroup="Authentication",
    ),
    _s(
        "integration.api.port",
        I,
        "0",
        "Advanced",
        "Port of the unauthenticated integration API on loopback; 0 turns it off.",
        dynamic=False,
        group="Management Server",
        subgroup="API",
    ),
    _s(
        "api.sessionkey.check.locations",
        S,
        "CookieAndParameter",
        "Advanced",
        "Where a session request must carry its sessionkey: CookieAndParameter, ParameterOnly or CookieOrParameter.",
        group="Management Server",
        subgroup="API",
    ),
    _s(
        "session.timeout",
        I,
        "1800",
        "Advanced",
        "Seconds of inactivity after which a login session ends.",
        group="Management Server",
        subgroup="API",
    ),
    _s(
        "enforce.post.requests.and.timestamps",
        B,
        "false",
        "Advanced",
        "Require signature version 3 with an expiry at most 15 minutes ahead.",
        group="Management Server",
        subgroup="API",
    ),
    _s(
        "api.key.access",
        B,
        "true",
        "System",
        "Whether API keys may be used, unless a user or account says.",
        scopes=DOMAIN,
        group="Access",
        subgroup="API Keys",
    ),
    _s(
        "json.content.type",
        S,
        "application/json; charset=UTF-8",
        "Advanced",
        "Content-Type of JSON answers.",
        dynamic=False,
        group="Management Server",
        subgroup="API",
    ),
    _s(
        "dynamic.apichecker.enabled",
        B,
        "true",
        "Advanced",
        "Check API access with role rules.",
        dynamic=False,
        group="Access",
        subgroup="Roles",
    ),
    _s(
        "allow.user.view.all.domain.accounts",
        B,
        "false",
        "Advanced",
        "Let users list every account of their domain.",
        scopes=DOMAIN,
        group="Access",
        subgroup="Users",
    ),
    _s(
        "event.purge.delay",
        I,
        "15",
        "Advanced",
        "Days after which events are purged; 0 keeps them.",
        dynamic=False,
        group="Management Server",
        subgroup="Events",
    ),
    _s(
        "expunge.delay",
        I,
        "86400",
        "Advanced",
        "Seconds a destroyed instance waits before it is expunged.",
        dynamic=False,
        group="Compute",
        subgroup="Instances",
    ),
    _s(
        "cpu.overprovisioning.factor",
        F,
        "1.0",
        "Advanced",
        "How many times its real CPU MHz a host may hand out to instances.",
        scopes=(Scope.GLOBAL, Scope.CLUSTER),
        group="Compute",
        subgroup="Capacity",
    ),
    _s(
        "mem.overprovisioning.factor",
        F,
        "1.0",
        "Advanced",
        "How many times its real memory a host may hand out to instances.",
        scopes=(Scope.GLOBAL, Scope.CLUSTER),
        group="Compute",
        subgroup="Capacity",
    ),
    _s(
        "storage.overprovisioning.factor",
        F,
        "2",
        "Storage",
        "How many times its real size a shared primary storage pool may hand out to volumes.",
        scopes=(Scope.GLOBAL, Scope.STORAGE_POOL),
        group="Storage",
        subgroup="Capacity",
    ),
    # Our own (CloudStack has no such setting): a delay added to every call into the simulator hypervisor.
    _s(
        "simulator.latency.ms",
        I,
        "0",
        "Advanced",
        "nimbostack only: milliseconds every simulator hypervisor operation takes before it answers.",
        group="Compute",
        subgroup="Simulator",
    ),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
