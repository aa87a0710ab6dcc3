"""All tables; importing this package registers every model on Base.metadata."""

from nimbostack.db.models.catalog import (
    DiskOffering,
    OsCategory,
    OsType,
    ServiceOffering,
    Template,
    TemplatePermission,
    TemplateZone,
)
from nimbostack.db.models.identity import Account, AccountDetail, Domain, Role, RolePermission, User
from nimbostack.db.models.infra import (
    Cluster,
    Host,
    ImageStore,
    NetworkServiceProvider,
    PhysicalNetwork,
    Pod,
    SimulatorFault,
    StoragePool,
    TrafficType,
    VirtualRouterElement,
    VlanIpRange,
    Zone,
)
from nimbostack.db.models.ldap import LdapConfiguration, LdapTrustMap
from nimbostack.db.models.simulator import SimulatorHost, SimulatorVm, SimulatorVolume
from nimbostack.db.models.system import ApiSession, AsyncJob, ConfigValue, Event, ManagementServer

__all__ = [
    "Account",
    "AccountDetail",
    "ApiSession",
    "AsyncJob",
    "Cluster",
    "ConfigValue",
    "DiskOffering",
    "Domain",
    "Event",
    "LdapConfiguration",
    "LdapTrustMap",
    "Host",
    "ImageStore",
    "ManagementServer",
    "NetworkServiceProvider",
    "OsCategory",
    "OsType",
    "PhysicalNetwork",
    "Pod",
    "Role",
    "RolePermission",
    "ServiceOffering",
    "SimulatorFault",
    "SimulatorHost",
    "SimulatorVm",
    "SimulatorVolume",
    "StoragePool",
    "Template",
    "TemplatePermission",
    "TemplateZone",
    "TrafficType",
    "User",
    "VirtualRouterElement",
    "VlanIpRange",
    "Zone",
]
