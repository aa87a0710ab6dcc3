"""Thin command handlers, one module per family. Importing this package registers every command."""

from nimbostack.commands import (  # noqa: F401
    accounts,
    capacity,
    clusters,
    discovery,
    disk_offerings,
    domains,
    hosts,
    isos,
    jobs,
    network_providers,
    offerings,
    ostypes,
    physical_networks,
    pods,
    simulator,
    storage,
    templates,
    users,
    vlans,
    zones,
)
