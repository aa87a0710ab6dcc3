"""The guest OS catalogue we ship: categories and OS types, named as CloudStack seeds them.

A selection, not CloudStack's full list of several hundred: the common current releases plus the
historical names that tools and the simulator's built-in template refer to. Categories follow the
4.20.1 clean-up (featured, with its sort order; Unix, Novel, None and Mac folded into Other).
"""

from __future__ import annotations

# (name, sort key); every category is featured.
OS_CATEGORIES: tuple[tuple[str, int], ...] = (
    ("Ubuntu", 1),
    ("Debian", 2),
    ("Fedora", 3),
    ("CentOS", 4),
    ("Rocky Linux", 5),
    ("Alma Linux", 6),
    ("Oracle", 7),
    ("RedHat", 8),
    ("SUSE", 9),
    ("Windows", 10),
    ("Other", 11),
)

# (category, description). "AlmaLinux" stays under CentOS: CloudStack's clean-up matched "Alma Linux" with a space.
OS_TYPES: tuple[tuple[str, str], ...] = (
    ("CentOS", "CentOS 5.3 (64-bit)"),
    ("CentOS", "CentOS 5.5 (64-bit)"),
    ("CentOS", "CentOS 5.6 (32-bit)"),
    ("CentOS", "CentOS 5.6 (64-bit)"),
    ("CentOS", "CentOS 6.0 (64-bit)"),
    ("CentOS", "CentOS 7"),
    ("CentOS", "CentOS 8"),
    ("CentOS", "CentOS Stream 9"),
    ("CentOS", "Other CentOS (64-bit)"),
    ("CentOS", "AlmaLinux 8"),
    ("CentOS", "AlmaLinux 9"),
    ("Debian", "Debian GNU/Linux 5.0 (32-bit)"),
    ("Debian", "Debian GNU/Linux 6(64-bit)"),
    ("Debian", "Debian GNU/Linux 10 (64-bit)"),
    ("Debian", "Debian GNU/Linux 11 (64-bit)"),
    ("Debian", "Debian GNU/Linux 12 (64-bit)"),
    ("Ubuntu", "Ubuntu 10.04 (64-bit)"),
    ("Ubuntu", "Other Ubuntu (64-bit)"),
    ("Ubuntu", "Ubuntu 18.04 LTS"),
    ("Ubuntu", "Ubuntu 20.04 LTS"),
    ("Ubuntu", "Ubuntu 22.04 LTS"),
    ("Ubuntu", "Ubuntu 24.04 LTS"),
    ("Fedora", "Fedora 13"),
    ("Rocky Linux", "Rocky Linux 8"),
    ("Rocky Linux", "Rocky Linux 9"),
    ("Oracle", "Oracle Enterprise Linux 5.5 (64-bit)"),
    ("Oracle", "Oracle Linux 8"),
    ("Oracle", "Oracle Linux 9"),
    ("RedHat", "Red Hat Enterprise Linux 5.5 (64-bit)"),
    ("RedHat", "Red Hat Enterprise Linux 6.0 (64-bit)"),
    ("RedHat", "Red Hat Enterprise Linux 8.0"),
    ("RedHat", "Red Hat Enterprise Linux 9.0"),
    ("SUSE", "SUSE Linux Enterprise Server 11 (64-bit)"),
    ("SUSE", "SUSE Linux Enterprise Server 15 (64-bit)"),
    ("Windows", "Windows 7 (64-bit)"),
    ("Windows", "Windows Server 2008 R2 (64-bit)"),
    ("Windows", "Windows 10 (64-bit)"),
    ("Windows", "Windows 11 (64-bit)"),
    ("Windows", "Windows Server 2016 (64-bit)"),
    ("Windows", "Windows Server 2019 (64-bit)"),
    ("Windows", "Windows Server 2022 (64-bit)"),
    ("Windows", "Windows Server 2025"),
    ("Windows", "Windows PV"),
    ("Other", "Other (32-bit)"),
    ("Other", "Other (64-bit)"),
    ("Other", "Other Linux (32-bit)"),
    ("Other", "Other Linux (64-bit)"),
    ("Other", "Other 2.6x Linux (64-bit)"),
    ("Other", "Other PV (32-bit)"),
    ("Other", "Other PV (64-bit)"),
    ("Other", "Generic Linux UEFI"),
    ("Other", "Generic Linux BIOS"),
    ("Other", "FreeBSD (64-bit)"),
    # The OS of non-bootable ISOs.
    ("Other", "None"),
)
