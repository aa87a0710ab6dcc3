"""All tables; importing this package registers every model on Base.metadata."""

from nimbostack.db.models.identity import Account, AccountDetail, Domain, Role, RolePermission, User
from nimbostack.db.models.ldap import LdapConfiguration, LdapTrustMap
from nimbostack.db.models.system import ApiSession, AsyncJob, ConfigValue, Event, ManagementServer

__all__ = [
    "Account",
    "AccountDetail",
    "ApiSession",
    "AsyncJob",
    "ConfigValue",
    "Domain",
    "Event",
    "LdapConfiguration",
    "LdapTrustMap",
    "ManagementServer",
    "Role",
    "RolePermission",
    "User",
]
