"""LDAP servers known to the management server (ldap_configuration) and the links between CloudStack
domains or accounts and directory groups or OUs (ldap_trust_map)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from nimbostack.db.base import PK, Base, Identified

# ldap_trust_map.account_id of a link made by linkDomainToLdap (the whole domain, not one account).
DOMAIN_LEVEL = 0


class LdapConfiguration(Identified, Base):
    """One directory server, for one domain or (domain_id NULL) for every domain without its own."""

    __tablename__ = "ldap_configuration"
    __table_args__ = (
        UniqueConstraint("hostname", "port", "domain_key", name="uq_ldap_configuration_host_port_domain"),
    )

    hostname: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer)
    domain_id: Mapped[int | None] = mapped_column(ForeignKey("domain.id"), index=True)
    # domain_id, or 0 for a global server: NULLs never collide in a unique key, so the global
    # "one hostname:port once" rule needs a non-null column to hold on every database.
    domain_key: Mapped[int] = mapped_column(BigInteger, default=0)
    created: Mapped[datetime] = mapped_column(DateTime)


class LdapTrustMap(Base):
    """A directory GROUP or OU linked to a whole domain (account_id 0: users are imported at their first
    login) or to one account of it (users of that group land in that account at login).

    A domain has at most one domain-level link and an account at most one link; a group or OU is linked
    once per domain. The schema holds both rules, so two concurrent links cannot break them.
    """

    __tablename__ = "ldap_trust_map"
    __table_args__ = (
        UniqueConstraint("domain_id", "account_id", name="uq_ldap_trust_map_domain_account"),
        UniqueConstraint("domain_id", "name", name="uq_ldap_trust_map_domain_name"),
    )

    id: Mapped[int] = mapped_column(PK, primary_key=True, autoincrement=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("domain.id"))
    # GROUP or OU.
    type: Mapped[str] = mapped_column(String(10))
    # The group's or OU's DN.
    name: Mapped[str] = mapped_column(String(255))
    account_type: Mapped[int] = mapped_column(Integer)
    # No foreign key: DOMAIN_LEVEL (0) is not an account.
    account_id: Mapped[int] = mapped_column(BigInteger, default=DOMAIN_LEVEL)
