"""Thin command handlers, one module per family. Importing this package registers every command."""

from nimbostack.commands import (  # noqa: F401
    accounts,
    discovery,
    domains,
    jobs,
    users,
    zones,
)
