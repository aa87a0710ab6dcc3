"""Every setting we honour, declared once: type, default, scopes, category, our description.

Names, categories, scopes, kinds and defaults are CloudStack's (clients and scripts set them by name).
A default is the value a fresh CloudStack install runs with, which is what resetConfiguration restores.
`dynamic` says whether this server applies a change at once (it reads the value on every use) or only
after a restart; where that differs from CloudStack, ours is what is reported, since it is what an
operator experiences. Group and subgroup are derived from the name (settings_groups) unless given.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from nimbostack.services.settings_groups import derive


class Scope(StrEnum):
    """Where a value may be set; the value is the lower-case name listConfigurations reports."""

    GLOBAL = "global"
    ZONE = "zone"
    CLUSTER = "cluster"
    STORAGE_POOL = "storagepool"
    DOMAIN = "domain"
    ACCOUNT = "account"
    IMAGE_STORE = "imagestore"

    @property
    def enum_name(self) -> str:
        """The enum name CloudStack's resetConfiguration reports: Domain, Account, StoragePool..."""
        return _TITLES[self]


_TITLES = {
    Scope.GLOBAL: "Global",
    Scope.ZONE: "Zone",
    Scope.CLUSTER: "Cluster",
    Scope.STORAGE_POOL: "StoragePool",
    Scope.DOMAIN: "Domain",
    Scope.ACCOUNT: "Account",
    Scope.IMAGE_STORE: "ImageStore",
}


class SettingType(StrEnum):
    """The Java type of the value: it decides validation and the error text for a bad value."""

    STRING = "String"
    BOOLEAN = "Boolean"
    INTEGER = "Integer"
    LONG = "Long"
    FLOAT = "Float"


class Kind(StrEnum):
    """How a text value is edited in the UI; reported as the setting's `type` when set."""

    CSV = "CSV"
    ORDER = "Order"
    SELECT = "Select"


_SHOWN_TYPE = {
    SettingType.STRING: "String",
    SettingType.BOOLEAN: "Boolean",
    SettingType.INTEGER: "Number",
    SettingType.LONG: "Number",
    SettingType.FLOAT: "Decimal",
}


@dataclass(frozen=True)
class Setting:
    name: str
    type: SettingType
    default: str | None
    category: str
    description: str
    scopes: tuple[Scope, ...] = (Scope.GLOBAL,)
    dynamic: bool = True
    # The CloudStack component that declares the key (shown as `component`).
    component: str = "management-server"
    kind: Kind | None = None
    # For Select and Order kinds: the allowed values, comma-separated.
    options: str | None = None
    parent: str | None = None
    group: str | None = None
    subgroup: str | None = None
    secure: bool = False
    # updateConfiguration refuses to change it.
    restricted: bool = False
    # Only values above zero make sense.
    positive: bool = False
    # A share of something: only values from 0 to 1 make sense.
    fraction: bool = False

    @property
    def shown_type(self) -> str:
        if self.type is SettingType.STRING and self.kind is not None:
            return self.kind.value
        return _SHOWN_TYPE[self.type]

    @property
    def display_text(self) -> str:
        """The name with spaces for dots, first letter upper-case and the rest lower-case."""
        text = self.name.replace(".", " ")
        return text[:1].upper() + text[1:].lower()

    @property
    def placement(self) -> tuple[str, str]:
        """(group, subgroup) the setting is listed under."""
        if self.group is not None and self.subgroup is not None:
            return self.group, self.subgroup
        return derive(self.name)


def _s(name: str, type_: SettingType, default: str | None, category: str, description: str, **kw: object) -> Setting:
    return Setting(name, type_, default, category, description, **kw)  # type: ignore[arg-type]


B, I, S, L, F = (
    SettingType.BOOLEAN,
    SettingType.INTEGER,
    SettingType.STRING,
    SettingType.LONG,
    SettingType.FLOAT,
)
DOMAIN = (Scope.GLOBAL, Scope.DOMAIN)
ACCOUNT = (Scope.GLOBAL, Scope.DOMAIN, Scope.ACCOUNT)
RESTART = " Takes effect after the management server restarts."
ADVANCED = "Advanced"
AUTHENTICATORS = "PBKDF2,SHA256SALT,MD5,LDAP,SAML2,PLAINTEXT,OAUTH2"
ENCODERS = "PBKDF2,SHA256SALT,MD5,LDAP,SAML2,PLAINTEXT"
POLICY = {"scopes": DOMAIN, "component": "PasswordPolicyImpl"}
API_SERVER = "ApiServer"


def _ldap(name: str, type_: SettingType, default: str | None, description: str, secret: bool = False) -> Setting:
    """LdapConfiguration's keys: all can be set per domain, and a domain's value wins over the global one.
    Secrets are in CloudStack's Secure category, and masked when listed."""
    category = "Secure" if secret else ADVANCED
    return _s(name, type_, default, category, description, scopes=DOMAIN, component="LdapConfiguration", secure=secret)


SETTINGS: tuple[Setting, ...] = (
    _s("default.page.size", L, "500", ADVANCED, "Largest page a list command answers; -1 removes the cap."),
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
        ADVANCED,
        "Minutes a finished async job stays queryable before it is purged.",
        component="AsyncJobManager",
    ),
    _s(
        "job.cancel.threshold.minutes",
        L,
        "60",
        ADVANCED,
        "Minutes a job may stay in progress before it is cancelled.",
        component="AsyncJobManager",
    ),
    _s(
        "incorrect.login.attempts.allowed",
        I,
        "5",
        ADVANCED,
        "Wrong passwords in a row after which a user (not a root admin) is disabled; 0 or less never disables.",
    ),
    _s(
        "password.policy.minimum.special.characters",
        I,
        "0",
        ADVANCED,
        "Fewest characters that are neither letters nor digits a new password must have; 0 for no minimum.",
        **POLICY,
    ),
    _s(
        "password.policy.minimum.length",
        I,
        "0",
        ADVANCED,
        "Shortest new password accepted; 0 for any length.",
        **POLICY,
    ),
    _s(
        "password.policy.minimum.uppercase.letters",
        I,
        "0",
        ADVANCED,
        "Fewest upper-case letters (A-Z) a new password must have; 0 for no minimum.",
        **POLICY,
    ),
    _s(
        "password.policy.minimum.lowercase.letters",
        I,
        "0",
        ADVANCED,
        "Fewest lower-case letters (a-z) a new password must have; 0 for no minimum.",
        **POLICY,
    ),
    _s(
        "password.policy.minimum.digits",
        I,
        "0",
        ADVANCED,
        "Fewest digits (0-9) a new password must have; 0 for no minimum.",
        **POLICY,
    ),
    _s(
        "password.policy.allowPasswordToContainUsername",
        B,
        "true",
        ADVANCED,
        "Whether a new password may contain the user's login name.",
        **POLICY,
    ),
    _s(
        "password.policy.regex",
        S,
        ".+",
        ADVANCED,
        "Regular expression every new password must match as a whole.",
        **POLICY,
    ),
    _s(
        "user.authenticators.order",
        S,
        AUTHENTICATORS,
        ADVANCED,
        "Order in which password checkers are tried at login.",
        component="ExtensionRegistry",
        kind=Kind.ORDER,
        options=AUTHENTICATORS,
    ),
    _s(
        "user.authenticators.exclude",
        S,
        "PLAINTEXT,oauth2",
        ADVANCED,
        "Password checkers left out of the login chain.",
        component="ExtensionRegistry",
        kind=Kind.CSV,
    ),
    _s(
        "user.password.encoders.order",
        S,
        ENCODERS,
        ADVANCED,
        "Order of password encoders; the first one not excluded hashes new passwords.",
        component="ExtensionRegistry",
        kind=Kind.ORDER,
        options=ENCODERS,
    ),
    _s(
        "user.password.encoders.exclude",
        S,
        "MD5,LDAP,PLAINTEXT",
        ADVANCED,
        "Encoders never used to hash new passwords.",
        component="ExtensionRegistry",
        kind=Kind.CSV,
    ),
    _s(
        "integration.api.port",
        I,
        "0",
        ADVANCED,
        "Port of the unauthenticated integration API, on loopback only; 0 or less turns it off." + RESTART,
        dynamic=False,
        component=API_SERVER,
    ),
    _s(
        "api.sessionkey.check.locations",
        S,
        "CookieAndParameter",
        ADVANCED,
        "Where a request of a login session must carry its sessionkey: in the cookie and as a parameter "
        "(CookieAndParameter), either one (CookieOrParameter), or as a parameter (ParameterOnly).",
        component=API_SERVER,
        kind=Kind.SELECT,
        options="CookieOrParameter,ParameterOnly,CookieAndParameter",
    ),
    _s(
        "api.sessionkey.cookie.samesite",
        S,
        "Lax",
        ADVANCED,
        "SameSite attribute of the sessionkey cookie set at login: Lax, Strict, NoneAndSecure (SameSite=None "
        "with Secure) or Null (no attribute).",
        component=API_SERVER,
        kind=Kind.SELECT,
        options="Lax,Strict,NoneAndSecure,Null",
    ),
    # A servlet setting in CloudStack (not in its configuration table); we keep it with the others.
    _s(
        "session.timeout",
        I,
        "1800",
        ADVANCED,
        "Seconds of inactivity after which a login session ends.",
        positive=True,
    ),
    _s(
        "enforce.post.requests.and.timestamps",
        B,
        "false",
        ADVANCED,
        "Require API-key requests to be signed with version 3 and to expire at most 15 minutes ahead.",
        component=API_SERVER,
    ),
    _s(
        "api.key.access",
        B,
        "true",
        "System",
        "Whether API keys work, for users and accounts that do not decide it themselves. Root admins only.",
        scopes=DOMAIN,
        component="AccountManager",
    ),
    _s(
        "json.content.type",
        S,
        "application/json; charset=UTF-8",
        ADVANCED,
        "Content-Type of JSON answers. Kept for compatibility: this server always answers "
        "application/json; charset=UTF-8.",
        dynamic=False,
        component=API_SERVER,
    ),
    # Fresh installs run the dynamic role checker, the only one this server has, so it cannot be changed.
    _s(
        "dynamic.apichecker.enabled",
        B,
        "true",
        ADVANCED,
        "API access is checked with the rules of each role; this server has no other checker.",
        component="RoleService",
        restricted=True,
    ),
    _s(
        "allow.user.view.all.domain.accounts",
        B,
        "false",
        ADVANCED,
        "Let users list every account of their domain, not only their own.",
        scopes=DOMAIN,
        component="QueryService",
    ),
    _s(
        "event.purge.delay",
        I,
        "15",
        ADVANCED,
        "Days events are kept before they are purged; 0 keeps them forever.",
    ),
    _s(
        "event.purge.interval",
        I,
        "86400",
        ADVANCED,
        "Seconds between two runs of the event purge.",
        parent="event.purge.delay",
    ),
    _s(
        "expunge.delay",
        I,
        "86400",
        ADVANCED,
        "Seconds a destroyed instance waits before it is expunged." + RESTART,
        dynamic=False,
        component="UserVmManager",
    ),
    _ldap("ldap.basedn", S, None, "Entry under which directory users and groups are searched."),
    _ldap(
        "ldap.bind.principal",
        S,
        None,
        "DN to bind as for searches; anonymous when it and the password are unset.",
        secret=True,
    ),
    _ldap("ldap.bind.password", S, None, "Password of ldap.bind.principal.", secret=True),
    _ldap("ldap.email.attribute", S, "mail", "Directory attribute holding a user's e-mail address."),
    _ldap("ldap.firstname.attribute", S, "givenname", "Directory attribute holding a user's first name."),
    _ldap("ldap.lastname.attribute", S, "sn", "Directory attribute holding a user's last name."),
    _ldap(
        "ldap.username.attribute",
        S,
        "uid",
        "Directory attribute matched against the login name (sAMAccountName when ldap.provider is microsoftad "
        "and this is left unset).",
    ),
    _ldap(
        "ldap.user.object",
        S,
        "inetOrgPerson",
        "Object class of user entries (user when ldap.provider is microsoftad and this is left unset).",
    ),
    _ldap(
        "ldap.search.group.principle",
        S,
        None,
        "DN of a group that users must be members of to be found; unset finds every user.",
    ),
    _ldap("ldap.group.object", S, "groupOfUniqueNames", "Object class of group entries."),
    _ldap("ldap.group.user.uniquemember", S, "uniquemember", "Group attribute listing the DNs of its members."),
    _ldap(
        "ldap.user.memberof.attribute",
        S,
        "memberof",
        "User attribute listing the DNs of the groups the user belongs to.",
    ),
    _ldap(
        "ldap.truststore",
        S,
        None,
        "PEM file with the CA certificates that LDAP servers are checked against. When set, connections use "
        "LDAPS (or StartTLS, see ldap.starttls.enable). CloudStack reads a Java truststore here; this server "
        "reads PEM.",
    ),
    _ldap(
        "ldap.truststore.password",
        S,
        None,
        "Password of a Java truststore; kept for compatibility, a PEM file needs none.",
        secret=True,
    ),
    _ldap(
        "ldap.starttls.enable",
        B,
        "false",
        "Connect with plain LDAP and switch to TLS with StartTLS before binding, checking the server against "
        "ldap.truststore (or the system CAs). An addition of this server; CloudStack has no such key.",
    ),
    _ldap(
        "ldap.read.timeout",
        L,
        "1000",
        "Milliseconds to wait for an LDAP server to connect or answer before the next server is tried.",
    ),
    _ldap("ldap.request.page.size", I, "1000", "Entries asked for per page when listing directory users."),
    _ldap(
        "ldap.provider",
        S,
        "openldap",
        "Kind of directory: openldap, or microsoftad for Active Directory (account-disabled flag, nested "
        "groups, AD attribute names by default). Other values mean openldap.",
    ),
    _ldap(
        "ldap.nested.groups.enable",
        B,
        "true",
        "With microsoftad, membership tests include nested groups (matching rule 1.2.840.113556.1.4.1941).",
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
    # CloudStack keeps these two per zone and per pool (a pool's own value wins). Nothing places volumes
    # yet; placement (issue #5) refuses a pool past either share when it reserves space for a volume.
    _s(
        "pool.storage.capacity.disablethreshold",
        F,
        "0.85",
        "Alert",
        "Share (0 to 1) of a primary storage pool's real size in use above which no new volume is placed on it.",
        scopes=(Scope.GLOBAL, Scope.ZONE, Scope.STORAGE_POOL),
        component="CapacityManager",
        fraction=True,
    ),
    _s(
        "pool.storage.allocated.capacity.disablethreshold",
        F,
        "0.85",
        "Alert",
        "Share (0 to 1) of a primary storage pool's overprovisioned size allocated to volumes above which no new "
        "volume is placed on it.",
        scopes=(Scope.GLOBAL, Scope.ZONE, Scope.STORAGE_POOL),
        component="CapacityManager",
        fraction=True,
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
