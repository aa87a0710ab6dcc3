"""The groups and subgroups settings are shown under (listConfigurationGroups), and how a setting gets one.

The table is CloudStack's seed (names, descriptions, precedence and matching keywords are facts clients
and the UI rely on). A setting's group is derived from its name the way CloudStack's upgrade does it: the
first dotted word that names a subgroup or matches one of its keywords picks that subgroup.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Subgroup:
    name: str
    precedence: int
    keywords: tuple[str, ...] = ()

    def has_keyword(self, word: str) -> bool:
        return any(word.lower() == k.lower() for k in self.keywords)

    def has_keyword_prefix(self, word: str) -> bool:
        return any(word.lower().startswith(k.lower()) for k in self.keywords)


@dataclass(frozen=True)
class Group:
    name: str
    description: str
    precedence: int
    subgroups: tuple[Subgroup, ...]


def _sub(name: str, precedence: int, *keywords: str) -> Subgroup:
    return Subgroup(name, precedence, keywords)


MISCELLANEOUS, OTHERS = "Miscellaneous", "Others"

GROUPS: tuple[Group, ...] = (
    Group(
        MISCELLANEOUS,
        "Miscellaneous configuration",
        999,
        (
            _sub(OTHERS, 999),
            _sub("Backup & Recovery", 1, "backup", "recovery", "veeam"),
            _sub("Certificate Authority", 2, "CA"),
            _sub("Quota", 3),
            _sub("Cloudian", 4),
            _sub("DRS", 4, "drs"),
        ),
    ),
    Group(
        "Access",
        "Identity and Access management configuration",
        1,
        (
            _sub("Account", 1),
            _sub("Domain", 2),
            _sub("Project", 3),
            _sub("LDAP", 4),
            _sub("SAML", 5, "saml2"),
        ),
    ),
    Group(
        "Compute",
        "Compute configuration",
        2,
        (
            _sub("Virtual Machine", 1, "vm", "instance", "cpu", "ssh", "affinity"),
            _sub("Kubernetes", 2, "kubernetes"),
            _sub("High Availability", 3, "ha"),
        ),
    ),
    Group(
        "Storage",
        "Storage configuration",
        3,
        (
            _sub("Images", 1, "template", "iso"),
            _sub("Volume", 2, "disk", "diskoffering"),
            _sub("Snapshot", 3),
            _sub("VM Snapshot", 4, "vmsnapshot"),
        ),
    ),
    Group(
        "Network",
        "Network configuration",
        4,
        (
            _sub("Network", 1, "firewall", "vlan", "dns", "globodns", "ipaddress", "cidr"),
            _sub("DHCP", 2, "externaldhcp"),
            _sub("VPC", 3),
            _sub("LoadBalancer", 4, "lb", "gslb"),
        ),
    ),
    Group(
        "Hypervisor",
        "Hypervisor specific configuration",
        5,
        (
            _sub("Hypervisor", 1, "host"),
            _sub("KVM", 2, "libvirt"),
            _sub("VMware", 3, "vcenter"),
            _sub("XenServer", 4, "xen", "xapi", "XCP"),
            _sub("OVM", 5, "ovm3"),
            _sub("Baremetal", 6),
        ),
    ),
    Group(
        "Management Server",
        "Management Server configuration",
        6,
        (
            _sub("API", 1),
            _sub("Alerts", 2, "alert"),
            _sub("Events", 3, "event"),
            _sub("Security", 4, "secure", "password", "authenticators"),
            _sub("Usage", 5),
            _sub("Limits", 6, "capacity", "delay", "interval", "workers"),
            _sub("Jobs", 7, "job"),
            _sub("Agent", 8),
        ),
    ),
    Group(
        "System VMs",
        "System VMs related configuration",
        7,
        (
            _sub("ConsoleProxyVM", 1, "cpvm", "consoleproxy", "novnc"),
            _sub("SecStorageVM", 2, "ssvm", "secondary"),
            _sub("VirtualRouter", 3, "vr", "router", "vrouter"),
            _sub("Diagnostics", 4),
        ),
    ),
    Group(
        "Infrastructure",
        "Infrastructure configuration",
        8,
        (
            _sub("Primary Storage", 1, "storage", "pool", "primary"),
            _sub("Secondary Storage", 2, "image", "secstorage"),
        ),
    ),
)


def find_group(name: str) -> Group | None:
    """Group names compare case-insensitively, as the database collation makes them in CloudStack."""
    return next((g for g in GROUPS if g.name.lower() == name.lower()), None)


def find_subgroup(name: str) -> tuple[Group, Subgroup] | None:
    for group in GROUPS:
        for sub in group.subgroups:
            if sub.name.lower() == name.lower():
                return group, sub
    return None


def derive(setting_name: str) -> tuple[str, str]:
    """(group, subgroup) for a setting name; Miscellaneous / Others when no word matches.

    Word by word: a subgroup named like the word wins, then one with the word as a keyword, then one
    with a keyword the word starts with (so "events" finds "event").
    """
    for word in setting_name.split("."):
        found = find_subgroup(word)
        for test in (Subgroup.has_keyword, Subgroup.has_keyword_prefix):
            if found is not None:
                break
            found = next(((g, s) for g in GROUPS for s in g.subgroups if test(s, word)), None)
        if found is not None:
            return found[0].name, found[1].name
    return MISCELLANEOUS, OTHERS
