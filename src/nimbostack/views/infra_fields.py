"""listApis response fields of the infrastructure objects (views/infra.py, views/hosts.py, commands/capacity.py).

Each declaration names exactly the keys its view can put in an answer, typed as CloudStack's response class
types them (see views/field_types.py); tests/test_discovery_e2e.py compares them with real answers.
"""

from __future__ import annotations

from nimbostack.views.field_types import (
    BOOLEAN,
    DATE,
    DOUBLE,
    INTEGER,
    LIST,
    LONG,
    MAP,
    SET,
    SHORT,
    STRING,
    Fields,
    field,
    only,
)

_ZONE_NAMES: Fields = (
    field("zoneid", STRING, "ID of the zone"),
    field("zonename", STRING, "Name of the zone"),
)
_POD_NAMES: Fields = (
    field("podid", STRING, "ID of the pod"),
    field("podname", STRING, "Name of the pod"),
)
_CLUSTER_NAMES: Fields = (
    field("clusterid", STRING, "ID of the cluster"),
    field("clustername", STRING, "Name of the cluster"),
)
_HAS_ANNOTATIONS = field("hasannotations", BOOLEAN, "Whether an admin left notes on the object")

# listCapacity, and the figures listPods and listClusters add with showcapacities.
CAPACITY: Fields = (
    field("type", SHORT, "Capacity type: 0 memory, 1 CPU, 2 storage, 3 allocated storage, and so on"),
    field("name", STRING, "Name of the capacity type, such as MEMORY"),
    *_ZONE_NAMES,
    *_POD_NAMES,
    *_CLUSTER_NAMES,
    field("capacitytotal", LONG, "Total capacity, overprovisioning included"),
    field("capacityused", LONG, "Capacity in use"),
    field("capacityallocated", LONG, "Capacity handed out to instances and volumes"),
    field("percentused", STRING, "Share of the total in use, in percent"),
)

# The zone's own figures, as listZones showcapacities=true adds them.
_ZONE_CAPACITY = only(CAPACITY, {"type", "name", "zoneid", "zonename", "capacityused", "capacitytotal", "percentused"})
# A pod's figures are summed over the pod, so they name no cluster.
_POD_CAPACITY = only(CAPACITY, {f.name for f in CAPACITY} - {"clusterid", "clustername"})

# zone_view's `zonetoken` is always empty here, so it never reaches an answer and is not declared.
ZONE: Fields = (
    field("id", STRING, "ID of the zone"),
    field("name", STRING, "Name of the zone"),
    field("description", STRING, "What the zone is for"),
    field("networktype", STRING, "Basic or Advanced"),
    field("allocationstate", STRING, "Enabled or Disabled for new resources"),
    field("securitygroupsenabled", BOOLEAN, "Whether guests are isolated by security groups"),
    field("localstorageenabled", BOOLEAN, "Whether offerings may use hosts' local disks"),
    field("dhcpprovider", STRING, "Provider that serves DHCP in the zone"),
    field("domain", STRING, "DNS suffix of the zone's guest networks"),
    field("domainid", STRING, "ID of the domain the zone is dedicated to"),
    field("domainname", STRING, "Name of the domain the zone is dedicated to"),
    field("type", STRING, "Core or Edge"),
    field("tags", SET, "Resource tags on the zone"),
    field("dns1", STRING, "First DNS server for guests"),
    field("dns2", STRING, "Second DNS server for guests"),
    field("internaldns1", STRING, "First DNS server for system VMs; root admins only"),
    field("internaldns2", STRING, "Second DNS server for system VMs; root admins only"),
    field("ip6dns1", STRING, "First IPv6 DNS server for guests"),
    field("ip6dns2", STRING, "Second IPv6 DNS server for guests"),
    field("guestcidraddress", STRING, "Default CIDR of guest networks; root admins only"),
    field("capacity", LIST, "Capacity figures of the zone, with showcapacities", *_ZONE_CAPACITY),
)

PHYSICAL_NETWORK: Fields = (
    field("id", STRING, "ID of the physical network"),
    field("name", STRING, "Name of the physical network"),
    *_ZONE_NAMES,
    field("state", STRING, "Enabled or Disabled"),
    field("broadcastdomainrange", STRING, "Reach of the broadcast domain: ZONE or POD"),
    field("isolationmethods", STRING, "How guest networks are kept apart, comma-separated"),
    field("vlan", STRING, "VLAN ranges for guest networks, such as 100-199"),
    field("networkspeed", STRING, "Speed of the physical network"),
    field("tags", STRING, "Tags of the physical network, comma-separated"),
    field("domainid", STRING, "ID of the domain that owns the physical network"),
)

TRAFFIC_TYPE: Fields = (
    field("id", STRING, "ID of the traffic type"),
    field("traffictype", STRING, "Guest, Management, Public or Storage"),
    field("physicalnetworkid", STRING, "ID of the physical network carrying the traffic"),
    field("xennetworklabel", STRING, "Network label on XenServer hosts"),
    field("kvmnetworklabel", STRING, "Network label on KVM hosts"),
    field("vmwarenetworklabel", STRING, "Network label on VMware hosts"),
    field("hypervnetworklabel", STRING, "Network label on Hyper-V hosts"),
    field("ovm3networklabel", STRING, "Network label on OVM3 hosts"),
)

NETWORK_SERVICE_PROVIDER: Fields = (
    field("id", STRING, "ID of the provider"),
    field("name", STRING, "Name of the provider, such as VirtualRouter"),
    field("physicalnetworkid", STRING, "ID of the physical network the provider serves"),
    field("destinationphysicalnetworkid", STRING, "ID of the physical network traffic is bridged to"),
    field("state", STRING, "Enabled, Disabled or Shutdown"),
    field("servicelist", LIST, "Services the provider offers"),
    field("canenableindividualservice", BOOLEAN, "Whether its services can be turned on one by one"),
)

# Virtual router and internal load balancer elements answer the same three fields.
ELEMENT: Fields = (
    field("id", STRING, "ID of the element"),
    field("nspid", STRING, "ID of the network service provider the element belongs to"),
    field("enabled", BOOLEAN, "Whether the element is enabled"),
)

VLAN_IP_RANGE: Fields = (
    field("id", STRING, "ID of the IP range"),
    field("forvirtualnetwork", BOOLEAN, "true for public addresses, false for direct (shared) guest addresses"),
    field("zoneid", STRING, "ID of the zone of the range"),
    field("vlan", STRING, "VLAN of the range, such as vlan://100 or vlan://untagged"),
    field("gateway", STRING, "Gateway of the range"),
    field("netmask", STRING, "Netmask of the range"),
    field("cidr", STRING, "Subnet of the range in CIDR form"),
    field("startip", STRING, "First IPv4 address of the range"),
    field("endip", STRING, "Last IPv4 address of the range"),
    field("ip6gateway", STRING, "IPv6 gateway of the range"),
    field("ip6cidr", STRING, "IPv6 subnet of the range"),
    field("startipv6", STRING, "First IPv6 address of the range"),
    field("endipv6", STRING, "Last IPv6 address of the range"),
    *_POD_NAMES,
    field("physicalnetworkid", STRING, "ID of the physical network of the range"),
    field("forsystemvms", BOOLEAN, "Whether the range is kept for system VMs"),
    field("description", STRING, "What the range is for"),
    field("account", STRING, "Account the range is dedicated to"),
    field("domainid", STRING, "ID of the domain the range is dedicated to"),
    field("domain", STRING, "Name of the domain the range is dedicated to"),
    field("domainpath", STRING, "Path of the domain the range is dedicated to"),
)

POD: Fields = (
    field("id", STRING, "ID of the pod"),
    field("name", STRING, "Name of the pod"),
    *_ZONE_NAMES,
    field("gateway", STRING, "Gateway of the pod's management network"),
    field("netmask", STRING, "Netmask of the pod's management network"),
    field("startip", LIST, "First address of each management range (older form of ipranges)"),
    field("endip", LIST, "Last address of each management range (older form of ipranges)"),
    field("forsystemvms", LIST, "For each range, 1 when kept for system VMs (older form of ipranges)"),
    field("vlanid", LIST, "VLAN of each range (older form of ipranges)"),
    field(
        "ipranges",
        LIST,
        "Management address ranges of the pod",
        field("startip", STRING, "First address of the range"),
        field("endip", STRING, "Last address of the range"),
        field("gateway", STRING, "Gateway of the range"),
        field("cidr", STRING, "Subnet of the range"),
        field("forsystemvms", STRING, "1 when the range is kept for system VMs, else 0"),
        field("vlanid", STRING, "VLAN of the range"),
    ),
    field("allocationstate", STRING, "Enabled or Disabled for new resources"),
    _HAS_ANNOTATIONS,
    field("capacity", LIST, "Capacity figures of the pod, with showcapacities", *_POD_CAPACITY),
)

CLUSTER: Fields = (
    field("id", STRING, "ID of the cluster"),
    field("name", STRING, "Name of the cluster"),
    *_ZONE_NAMES,
    *_POD_NAMES,
    field("hypervisortype", STRING, "Hypervisor of the cluster's hosts"),
    field("clustertype", STRING, "CloudManaged or ExternalManaged"),
    field("allocationstate", STRING, "Enabled or Disabled for new resources"),
    field("managedstate", STRING, "Managed or Unmanaged"),
    field("arch", STRING, "CPU architecture of the cluster's hosts"),
    field("cpuovercommitratio", STRING, "CPU overprovisioning factor of the cluster"),
    field("memoryovercommitratio", STRING, "Memory overprovisioning factor of the cluster"),
    field("resourcedetails", MAP, "Settings stored with the cluster"),
    _HAS_ANNOTATIONS,
    field("capacity", LIST, "Capacity figures of the cluster, with showcapacities", *CAPACITY),
)

HOST: Fields = (
    field("id", STRING, "ID of the host"),
    field("name", STRING, "Name of the host"),
    field("state", "status", "Connection state: Up, Down, Alert, Disconnected..."),
    field("resourcestate", STRING, "Enabled, Disabled, Maintenance, PrepareForMaintenance..."),
    field("type", "type", "Kind of host, such as Routing"),
    field("ipaddress", STRING, "Management address of the host"),
    *_ZONE_NAMES,
    *_POD_NAMES,
    *_CLUSTER_NAMES,
    field("clustertype", STRING, "Type of the host's cluster"),
    field("hypervisor", "hypervisortype", "Hypervisor the host runs"),
    field("hypervisorversion", STRING, "Version of the hypervisor"),
    field("version", STRING, "Version of the agent on the host"),
    field("arch", STRING, "CPU architecture of the host"),
    field("capabilities", STRING, "What the host's CPU supports, comma-separated"),
    field("cpusockets", INTEGER, "Number of CPU sockets"),
    field("cpunumber", INTEGER, "Number of CPU cores"),
    field("cpuspeed", LONG, "Speed of one core in MHz"),
    field("cpuallocated", STRING, "Share of CPU handed out to instances, in percent"),
    field("cpuallocatedvalue", LONG, "CPU handed out to instances, in MHz"),
    field("cpuallocatedpercentage", STRING, "Share of CPU handed out to instances, in percent"),
    field("cpuallocatedwithoverprovisioning", STRING, "Share of overprovisioned CPU handed out, in percent"),
    field("cpuwithoverprovisioning", STRING, "CPU in MHz after the overprovisioning factor"),
    field("cpuused", STRING, "Share of CPU in use, in percent"),
    field("cpuloadaverage", DOUBLE, "Average CPU load of the host"),
    field("memorytotal", LONG, "Memory of the host in bytes"),
    field("memorywithoverprovisioning", STRING, "Memory in bytes after the overprovisioning factor"),
    field("memoryallocated", LONG, "Memory handed out to instances, in bytes"),
    field("memoryallocatedbytes", LONG, "Memory handed out to instances, in bytes"),
    field("memoryallocatedpercentage", STRING, "Share of memory handed out to instances, in percent"),
    field("memoryused", LONG, "Memory in use, in bytes"),
    field("networkkbsread", LONG, "Network traffic received, in KB"),
    field("networkkbswrite", LONG, "Network traffic sent, in KB"),
    field("hosttags", STRING, "Tags of the host, comma-separated"),
    field("explicithosttags", STRING, "Tags set on the host itself, comma-separated"),
    field("istagarule", BOOLEAN, "Whether the host tag is a rule rather than a plain tag"),
    field("hahost", BOOLEAN, "Whether the host is kept for instances restarted by HA"),
    field(
        "hostha",
        "hostharesponse",
        "High-availability state of the host",
        field("haenable", BOOLEAN, "Whether HA is on for the host"),
        field("hastate", "hastate", "HA state of the host"),
    ),
    field(
        "outofbandmanagement",
        "outofbandmanagementresponse",
        "Out-of-band management of the host",
        field("enabled", BOOLEAN, "Whether out-of-band management is on for the host"),
        field("powerstate", "powerstate", "Power state the management interface reports"),
    ),
    field("islocalstorageactive", BOOLEAN, "Whether the host's local storage is in use"),
    field("encryptionsupported", BOOLEAN, "Whether the host can encrypt volumes"),
    field("instanceconversionsupported", BOOLEAN, "Whether the host can convert imported instances"),
    field("ueficapability", BOOLEAN, "Whether the host can boot instances with UEFI"),
    _HAS_ANNOTATIONS,
    field("events", STRING, "Events the host accepts in its state, separated by semicolons"),
    field("lastpinged", DATE, "When the host last answered"),
    field("managementserverid", STRING, "ID of the management server that manages the host"),
    field("managementservername", STRING, "Name of the management server that manages the host"),
    field("created", DATE, "When the host was added"),
    field("removed", DATE, "When the host was removed"),
)

STORAGE_POOL: Fields = (
    field("id", STRING, "ID of the storage pool"),
    field("name", STRING, "Name of the storage pool"),
    *_ZONE_NAMES,
    *_POD_NAMES,
    *_CLUSTER_NAMES,
    field("ipaddress", STRING, "Address of the storage server"),
    field("path", STRING, "Path of the pool on the storage server"),
    field("created", DATE, "When the pool was added"),
    field("type", STRING, "Kind of storage, such as NetworkFilesystem"),
    field("scope", STRING, "CLUSTER, ZONE or HOST"),
    field("state", "storagepoolstatus", "Up, Disabled, Maintenance, PrepareForMaintenance..."),
    field("provider", STRING, "Storage provider of the pool"),
    field("hypervisor", STRING, "Hypervisor a zone-wide pool serves"),
    field("disksizetotal", LONG, "Size of the pool in bytes"),
    field("disksizeallocated", LONG, "Bytes handed out to volumes"),
    field("disksizeused", LONG, "Bytes in use"),
    field("overprovisionfactor", STRING, "Storage overprovisioning factor of the pool"),
    field("capacityiops", LONG, "IOPS the pool can deliver"),
    field("tags", STRING, "Storage tags of the pool, comma-separated"),
    field("istagarule", BOOLEAN, "Whether the storage tag is a rule rather than a plain tag"),
    field("managed", BOOLEAN, "Whether the storage is managed by its provider"),
    field("storagecapabilities", MAP, "What the pool supports"),
    _HAS_ANNOTATIONS,
)

IMAGE_STORE: Fields = (
    field("id", STRING, "ID of the image store"),
    field("name", STRING, "Name of the image store"),
    *_ZONE_NAMES,
    field("url", STRING, "Where the store is"),
    field("protocol", STRING, "Protocol used to reach the store, such as nfs"),
    field("providername", STRING, "Provider of the store, such as NFS"),
    field("scope", "scopetype", "ZONE or REGION"),
    field("readonly", BOOLEAN, "Whether new images may no longer be written to the store"),
    field("disksizetotal", LONG, "Size of the store in bytes"),
    field("disksizeused", LONG, "Bytes in use"),
    _HAS_ANNOTATIONS,
)

HYPERVISOR: Fields = (field("name", STRING, "Name of the hypervisor"),)

HYPERVISOR_CAPABILITIES: Fields = (
    field("id", STRING, "ID of the capabilities entry"),
    field("hypervisor", STRING, "Hypervisor the entry describes"),
    field("hypervisorversion", STRING, "Hypervisor version the entry describes"),
    field("maxguestslimit", LONG, "Most guests a host should run"),
    field("maxdatavolumeslimit", INTEGER, "Most data volumes one instance can have"),
    field("maxhostspercluster", INTEGER, "Most hosts one cluster can have"),
    field("securitygroupenabled", BOOLEAN, "Whether security groups work with the hypervisor"),
    field("storagemotionenabled", BOOLEAN, "Whether volumes can move between pools while in use"),
    field("vmsnapshotenabled", BOOLEAN, "Whether instance snapshots work with the hypervisor"),
)

SIMULATOR_MOCK: Fields = (
    field("id", LONG, "ID of the fault"),
    # CloudStack answers the scope as numeric ids; we answer UUIDs, so these are strings here.
    field("zoneid", STRING, "Zone the fault is limited to"),
    field("podid", STRING, "Pod the fault is limited to"),
    field("clusterid", STRING, "Cluster the fault is limited to"),
    field("hostid", STRING, "Host the fault is limited to"),
    field("name", STRING, "Simulator operation the fault applies to"),
    field("vmname", STRING, "Instance the fault is limited to"),
    field("count", INTEGER, "Calls the fault still applies to; absent while it applies to all"),
)

# By response key (commands/*.py `key=`).
INFRA_SHAPES: dict[str, Fields] = {
    "zone": ZONE,
    "physicalnetwork": PHYSICAL_NETWORK,
    "traffictype": TRAFFIC_TYPE,
    "networkserviceprovider": NETWORK_SERVICE_PROVIDER,
    "virtualrouterelement": ELEMENT,
    "internalloadbalancerelement": ELEMENT,
    # createVlanIpRange answers under `vlan`, listVlanIpRanges under `vlaniprange`, as in CloudStack.
    "vlan": VLAN_IP_RANGE,
    "vlaniprange": VLAN_IP_RANGE,
    "pod": POD,
    "cluster": CLUSTER,
    "host": HOST,
    "storagepool": STORAGE_POOL,
    "imagestore": IMAGE_STORE,
    "capacity": CAPACITY,
    "hypervisor": HYPERVISOR,
    "hypervisorCapabilities": HYPERVISOR_CAPABILITIES,
    "simulatormock": SIMULATOR_MOCK,
}
