"""What registerTemplate and registerIso check before anything is stored: hypervisor, format, URL."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from nimbostack.api.errors import ApiError, ErrorCode, invalid_value
from nimbostack.hypervisor import KNOWN

# Templates name any hypervisor CloudStack knows, or "Any"; External has no templates of its own.
HYPERVISORS = (*(name for name in KNOWN if name != "External"), "Any")
# ImageFormat names, in enum order.
FORMATS = ("QCOW2", "RAW", "VHD", "VHDX", "ISO", "OVA", "BAREMETAL", "VMDK", "VDI", "TAR", "ZIP", "DIR")
_COMPRESSED = ("", ".zip", ".bz2", ".gz")


def _extensions(*bases: str, metalink: bool = False) -> tuple[str, ...]:
    found = tuple(f".{base}{suffix}" for base in bases for suffix in _COMPRESSED)
    return found + ((".metalink",) if metalink else ())


# The file names each format may be downloaded from (UriUtils' table).
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "vhd": _extensions("vhd"),
    "vhdx": _extensions("vhdx"),
    "qcow2": _extensions("qcow2", "img", metalink=True),
    "ova": _extensions("ova", metalink=True),
    "tar": _extensions("tar"),
    "raw": _extensions("img", "raw"),
    "vmdk": _extensions("vmdk"),
    "iso": _extensions("iso", metalink=True),
}


def illegal_argument(text: str) -> ApiError:
    """CloudStack's IllegalArgumentException: 431 without a specific cserrorcode."""
    return ApiError(ErrorCode.PARAM_ERROR, text)


def hypervisor(value: str | None) -> str | None:
    """The canonical hypervisor name, or None when it names none (HypervisorType.None)."""
    if value is None:
        return None
    for known in HYPERVISORS:
        if known.lower() == value.strip().lower():
            return known
    return None


def require_hypervisor(value: str) -> str:
    found = hypervisor(value)
    if found is None:
        raise invalid_value(
            f"Hypervisor Type: {value} is invalid. Supported Hypervisor types are: {', '.join(HYPERVISORS)}"
        )
    return found


def image_format(value: str) -> str:
    if value.strip().upper() not in FORMATS:
        raise illegal_argument(f"Image format: {value} is incorrect. Supported formats are {', '.join(FORMATS)}")
    return value.strip().upper()


def check_url(url: str, fmt: str, direct_download: bool = False) -> None:
    """Only http(s) URLs to a public host, ending in a file name that fits the format."""
    if "file://" in url.lower():
        raise invalid_value("File:// type urls are currently unsupported")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise illegal_argument(f"Invalid URL: {url}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise illegal_argument(f"Unsupported scheme for url: {url}")
    host = parts.hostname
    if not host:
        raise illegal_argument(f"Unable to resolve {host}")
    # Names are not resolved here (the simulated image store never connects); literal addresses are checked.
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        if address.is_unspecified or address.is_link_local or address.is_loopback or address.is_multicast:
            raise illegal_argument("Illegal host specified in url")
        if address.version == 6 and not direct_download:
            raise illegal_argument(f"IPV6 addresses not supported ({address})")
    _check_extension(fmt.lower(), parts.path)


def _check_extension(fmt: str, path: str) -> None:
    allowed = EXTENSIONS.get(fmt)
    if allowed is None:
        return
    lower = path.lower()
    if lower.endswith(allowed):
        return
    if not any(lower.endswith(ext) for exts in EXTENSIONS.values() for ext in exts):
        raise illegal_argument(f"Please specify a valid {fmt}")
    raise illegal_argument(f"Please specify a valid URL. URL:{path} is an invalid for the format {fmt}")
