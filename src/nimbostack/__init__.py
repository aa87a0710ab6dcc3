"""nimbostack: a cloud management server that speaks the Apache CloudStack API."""

__version__ = "0.1.0"
# The CloudStack release whose API we follow; clients read it from XML envelopes and listCapabilities.
CLOUDSTACK_VERSION = "4.20.1.0"
