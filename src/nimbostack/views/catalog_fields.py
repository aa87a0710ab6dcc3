"""listApis response fields of offerings, OS types and categories, templates, ISOs and their permissions.

Each declaration names exactly the keys its views in views/catalog.py can put in an answer, typed as
CloudStack's response class types them (see views/field_types.py).
"""

from __future__ import annotations

from nimbostack.views.field_types import (
    BOOLEAN,
    DATE,
    INT,
    INTEGER,
    LIST,
    LONG,
    MAP,
    SET,
    STRING,
    Fields,
    field,
    only,
)

_HAS_ANNOTATIONS = field("hasannotations", BOOLEAN, "Whether an admin left notes on the object")
_LIMITS: Fields = (
    field("domainid", STRING, "IDs of the domains the offering is limited to, comma-separated"),
    field("domain", STRING, "Names of the domains the offering is limited to, comma-separated"),
    field("zoneid", STRING, "IDs of the zones the offering is limited to, comma-separated"),
    field("zone", STRING, "Names of the zones the offering is limited to, comma-separated"),
)
_IOPS: Fields = (
    field("iscustomizediops", BOOLEAN, "Whether the user chooses the IOPS"),
    field("miniops", LONG, "Least IOPS of a disk"),
    field("maxiops", LONG, "Most IOPS of a disk"),
)

SERVICE_OFFERING: Fields = (
    field("id", STRING, "ID of the offering"),
    field("name", STRING, "Name of the offering"),
    field("displaytext", STRING, "Description shown to users"),
    field("cpunumber", INTEGER, "Number of CPU cores"),
    field("cpuspeed", INTEGER, "Speed of one core in MHz"),
    field("memory", INTEGER, "Memory in MB"),
    field("created", DATE, "When the offering was created"),
    field("storagetype", STRING, "shared or local storage for the root disk"),
    field("provisioningtype", STRING, "How root disks are provisioned: thin, sparse or fat"),
    field("offerha", BOOLEAN, "Whether instances are restarted elsewhere when their host fails"),
    field("limitcpuuse", BOOLEAN, "Whether CPU use is capped at the offered speed"),
    field("isvolatile", BOOLEAN, "Whether the root disk is replaced at every reboot"),
    field("issystem", BOOLEAN, "Whether the offering is for system VMs"),
    field("defaultuse", BOOLEAN, "Whether it is the default offering for its kind of system VM"),
    field("iscustomized", BOOLEAN, "Whether the user chooses CPU and memory"),
    field("cacheMode", STRING, "Disk cache mode: none, writeback or writethrough"),
    field("rootdisksize", LONG, "Root disk size in GB; 0 for the template's size"),
    field("hosttags", STRING, "Host tag instances must run on"),
    field("storagetags", STRING, "Storage tags the root disk must be placed on, comma-separated"),
    field("networkrate", INTEGER, "Network rate in megabits per second"),
    field("systemvmtype", STRING, "Kind of system VM: domainrouter, consoleproxy or secondarystoragevm"),
    *_LIMITS,
    *_IOPS,
    field("diskofferingid", STRING, "ID of the disk offering used for the root disk"),
    field("diskofferingname", STRING, "Name of the disk offering used for the root disk"),
    field("diskofferingdisplaytext", STRING, "Description of the disk offering used for the root disk"),
    field("diskofferingstrictness", BOOLEAN, "Whether the root disk offering cannot be changed"),
    field("dynamicscalingenabled", BOOLEAN, "Whether running instances may be scaled"),
    field("encryptroot", BOOLEAN, "Whether root disks are encrypted"),
    field("purgeresources", BOOLEAN, "Whether resources are purged when instances are expunged"),
    _HAS_ANNOTATIONS,
    field("state", STRING, "Active or Inactive"),
    field("serviceofferingdetails", MAP, "Details stored with the offering"),
)

DISK_OFFERING: Fields = (
    field("id", STRING, "ID of the offering"),
    field("name", STRING, "Name of the offering"),
    field("displaytext", STRING, "Description shown to users"),
    field("disksize", LONG, "Size of the disk in GB; 0 when the user chooses it"),
    field("created", DATE, "When the offering was created"),
    field("iscustomized", BOOLEAN, "Whether the user chooses the size"),
    field("storagetype", STRING, "shared or local storage"),
    field("provisioningtype", STRING, "How disks are provisioned: thin, sparse or fat"),
    field("cacheMode", STRING, "Disk cache mode: none, writeback or writethrough"),
    field("displayoffering", BOOLEAN, "Whether users see the offering"),
    field("tags", STRING, "Storage tags disks must be placed on, comma-separated"),
    *_IOPS,
    *_LIMITS,
    field("disksizestrictness", BOOLEAN, "Whether disks of the offering cannot be resized"),
    field("encrypt", BOOLEAN, "Whether disks are encrypted"),
    _HAS_ANNOTATIONS,
    field("state", STRING, "Active or Inactive"),
    field("details", MAP, "Details stored with the offering"),
)

OS_TYPE: Fields = (
    field("id", STRING, "ID of the OS type"),
    field("name", STRING, "Name of the OS type"),
    field("description", STRING, "Name of the OS type (older field)"),
    field("oscategoryid", STRING, "ID of the OS category"),
    field("oscategoryname", STRING, "Name of the OS category"),
    field("isuserdefined", BOOLEAN, "Whether an admin added the OS type"),
    field("fordisplay", BOOLEAN, "Whether users see the OS type"),
)

OS_CATEGORY: Fields = (
    field("id", STRING, "ID of the OS category"),
    field("name", STRING, "Name of the OS category"),
    field("isfeatured", BOOLEAN, "Whether the category is featured"),
    field("created", DATE, "When the category was created"),
)

# Templates and ISOs share CloudStack's TemplateResponse; each of our views fills its own part of it.
_IMAGE: Fields = (
    field("id", STRING, "ID of the image"),
    field("name", STRING, "Name of the image"),
    field("displaytext", STRING, "Description shown to users"),
    field("ispublic", BOOLEAN, "Whether every account may use the image"),
    field("created", DATE, "When the image was registered in the zone"),
    field("isready", BOOLEAN, "Whether the image is ready to use in the zone"),
    field("passwordenabled", BOOLEAN, "Whether instances get a generated password"),
    field("format", "imageformat", "Image format, such as QCOW2, VHD or ISO"),
    field("bootable", BOOLEAN, "Whether instances can boot from the image"),
    field("isfeatured", BOOLEAN, "Whether the image is featured"),
    field("crossZones", BOOLEAN, "Whether the image is in every zone"),
    field("ostypeid", STRING, "ID of the image's OS type"),
    field("ostypename", STRING, "Name of the image's OS type"),
    field("account", STRING, "Account that owns the image"),
    field("zoneid", STRING, "ID of the zone this entry describes"),
    field("zonename", STRING, "Name of the zone this entry describes"),
    field("status", STRING, "Download progress or state in the zone; owners and admins only"),
    field("size", LONG, "Size of the image in bytes"),
    field("physicalsize", LONG, "Bytes the image takes on the image store"),
    field("templatetype", STRING, "USER, BUILTIN, SYSTEM, ROUTING or PERHOST"),
    field("hypervisor", STRING, "Hypervisor the image is for"),
    field("domain", STRING, "Name of the owner's domain"),
    field("domainid", STRING, "ID of the owner's domain"),
    field("isextractable", BOOLEAN, "Whether the image may be downloaded"),
    field("checksum", STRING, "Checksum of the image"),
    field("details", MAP, "Details stored with the image"),
    field(
        "downloaddetails",
        LIST,
        "Download state on each image store",
        field("downloadState", STRING, "State of the download"),
        field("datastore", STRING, "Name of the image store"),
        field("downloadPercent", STRING, "Percent downloaded"),
    ),
    field("bits", INT, "32 or 64"),
    field("sshkeyenabled", BOOLEAN, "Whether instances get an SSH key"),
    field("isdynamicallyscalable", BOOLEAN, "Whether instances from the image may be scaled while running"),
    field("directdownload", BOOLEAN, "Whether the image goes straight to primary storage"),
    field("deployasis", BOOLEAN, "Whether the image is deployed as it is (VMware)"),
    field("requireshvm", BOOLEAN, "Whether the image needs hardware virtualisation"),
    field("templatetag", STRING, "Tag of the template"),
    field("arch", STRING, "CPU architecture of the image"),
    _HAS_ANNOTATIONS,
    field("url", STRING, "Where the image was downloaded from; owners and admins only"),
    field("tags", SET, "Resource tags on the image"),
)

# template_view, plus `bootable` from template_update_view (updateTemplate's shorter answer).
TEMPLATE: Fields = _IMAGE
# iso_view, plus format, sshkeyenabled, requireshvm and details from template_update_view (updateIso); an ISO
# has no hypervisor.
ISO: Fields = only(
    _IMAGE,
    {f.name for f in _IMAGE}
    - {"physicalsize", "templatetype", "downloaddetails", "deployasis", "templatetag", "hypervisor"},
)

TEMPLATE_PERMISSION: Fields = (
    field("id", STRING, "ID of the template or ISO"),
    field("ispublic", BOOLEAN, "Whether every account may use it"),
    field("domainid", STRING, "ID of the owner's domain; admins only"),
    field("account", LIST, "Names of the accounts it is shared with"),
)

CATALOG_SHAPES: dict[str, Fields] = {
    "serviceoffering": SERVICE_OFFERING,
    "diskoffering": DISK_OFFERING,
    "ostype": OS_TYPE,
    "oscategory": OS_CATEGORY,
    "template": TEMPLATE,
    "iso": ISO,
    "templatepermission": TEMPLATE_PERMISSION,
}
