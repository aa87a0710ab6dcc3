"""What a domain configured for LDAP: its `ldap.*` settings and its servers, read in one go."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from nimbostack.db.models import Domain, LdapConfiguration
from nimbostack.services import settings
from nimbostack.services.settings_catalog import BY_NAME, SETTINGS

# CloudStack's hard-wired attributes: the common name, and Active Directory's account flags.
COMMON_NAME = "cn"
ACCOUNT_CONTROL = "userAccountControl"
# userAccountControl bit ACCOUNTDISABLE.
AD_DISABLED_BIT = 0x2
# LDAP_MATCHING_RULE_IN_CHAIN: Active Directory follows nested groups when a filter uses it.
AD_IN_CHAIN = "memberOf:1.2.840.113556.1.4.1941:"
AD_MEMBER_OF = "memberOf"


class Provider(StrEnum):
    OPENLDAP = "openldap"
    MICROSOFT_AD = "microsoftad"

    @classmethod
    def parse(cls, text: str | None) -> Provider:
        """Case-insensitive; anything unknown is openldap, as in CloudStack."""
        value = (text or "").strip().lower()
        return cls.MICROSOFT_AD if value == cls.MICROSOFT_AD.value else cls.OPENLDAP


# With microsoftad, settings nobody set take Active Directory's names instead of the openldap defaults,
# so that pointing a domain at AD needs only ldap.provider (an explicit value still wins).
AD_DEFAULTS = {
    "ldap.username.attribute": "sAMAccountName",
    "ldap.user.object": "user",
    "ldap.user.memberof.attribute": AD_MEMBER_OF,
}

_LDAP_SETTINGS = tuple(s for s in SETTINGS if s.name.startswith("ldap."))
# The same settings without defaults, so a read tells "set somewhere" apart from "left at the default".
_UNDEFAULTED = tuple(replace(s, default=None) for s in _LDAP_SETTINGS)


@dataclass(frozen=True)
class LdapOptions:
    """The effective `ldap.*` values for one domain (a domain's own value, else the global one)."""

    domain_id: int | None
    base_dn: str | None
    bind_principal: str | None
    bind_password: str | None
    username_attribute: str
    email_attribute: str
    firstname_attribute: str
    lastname_attribute: str
    user_object: str
    search_group: str | None
    group_object: str
    group_member_attribute: str
    memberof_attribute: str
    truststore: str | None
    starttls: bool
    timeout_ms: int
    page_size: int
    provider: Provider
    nested_groups: bool

    @property
    def is_ad(self) -> bool:
        return self.provider is Provider.MICROSOFT_AD

    @property
    def membership_filter_attribute(self) -> str:
        """The left side of a `(<attr>=<group DN>)` membership test."""
        if self.is_ad:
            return AD_IN_CHAIN if self.nested_groups else AD_MEMBER_OF
        return self.memberof_attribute

    @property
    def use_ldaps(self) -> bool:
        """A truststore means TLS; it is LDAPS unless StartTLS was asked for."""
        return bool(self.truststore) and not self.starttls

    @property
    def use_tls(self) -> bool:
        return bool(self.truststore) or self.starttls

    @property
    def timeout_seconds(self) -> float:
        return max(self.timeout_ms, 1) / 1000.0

    @property
    def receive_timeout_seconds(self) -> int:
        """ldap3 sets the socket's receive timeout in whole seconds: the setting rounded up."""
        return max(1, math.ceil(self.timeout_ms / 1000))

    def returned_attributes(self) -> list[str]:
        names = [
            self.username_attribute,
            self.email_attribute,
            self.firstname_attribute,
            self.lastname_attribute,
            COMMON_NAME,
            AD_MEMBER_OF if self.is_ad else self.memberof_attribute,
        ]
        if self.is_ad:
            names.append(ACCOUNT_CONTROL)
        return list(dict.fromkeys(names))


def options_for(db: Session, domain: Domain | None) -> LdapOptions:
    """The options in force for `domain`, or the global ones for None."""
    place = settings.Place(domain_id=domain.id) if domain is not None else None
    stored = settings.values_at(db, _UNDEFAULTED, place)
    provider = Provider.parse(stored["ldap.provider"] or BY_NAME["ldap.provider"].default)

    def text(name: str) -> str | None:
        value = stored[name]
        if value is None and provider is Provider.MICROSOFT_AD:
            value = AD_DEFAULTS.get(name)
        return value if value is not None else BY_NAME[name].default

    def word(name: str) -> str:
        return (text(name) or "").strip()

    def number(name: str) -> int:
        try:
            return int(str(text(name)).strip())
        except ValueError:
            return int(str(BY_NAME[name].default))

    return LdapOptions(
        domain_id=domain.id if domain is not None else None,
        base_dn=text("ldap.basedn"),
        bind_principal=text("ldap.bind.principal"),
        bind_password=text("ldap.bind.password"),
        username_attribute=word("ldap.username.attribute"),
        email_attribute=word("ldap.email.attribute"),
        firstname_attribute=word("ldap.firstname.attribute"),
        lastname_attribute=word("ldap.lastname.attribute"),
        user_object=word("ldap.user.object"),
        search_group=text("ldap.search.group.principle"),
        group_object=word("ldap.group.object"),
        group_member_attribute=word("ldap.group.user.uniquemember"),
        memberof_attribute=word("ldap.user.memberof.attribute"),
        truststore=text("ldap.truststore"),
        starttls=word("ldap.starttls.enable").lower() == "true",
        timeout_ms=number("ldap.read.timeout"),
        page_size=number("ldap.request.page.size"),
        provider=provider,
        nested_groups=word("ldap.nested.groups.enable").lower() == "true",
    )


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int


def servers_for(db: Session, domain_id: int | None) -> list[Endpoint]:
    """A domain's own servers in the order they were added; the global ones when it has none."""
    rows = _servers(db, domain_id)
    if not rows and domain_id is not None:
        rows = _servers(db, None)
    return [Endpoint(row.hostname, row.port) for row in rows]


def _servers(db: Session, domain_id: int | None) -> list[LdapConfiguration]:
    owner = LdapConfiguration.domain_id.is_(None) if domain_id is None else LdapConfiguration.domain_id == domain_id
    return list(db.scalars(select(LdapConfiguration).where(owner).order_by(LdapConfiguration.id)))
