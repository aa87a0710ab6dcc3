"""One error type for the whole API, carrying CloudStack's error codes.

Every failure a client can see is an ApiError: the HTTP status equals `code`, `cs_code` is the
CSExceptionErrorCode CloudStack reports for the underlying exception kind.
"""

from __future__ import annotations

from enum import IntEnum


class ErrorCode(IntEnum):
    """ApiErrorCode: the HTTP status of an error answer and its `errorcode` field."""

    BAD_REQUEST = 400
    UNAUTHORIZED = 401
    METHOD_NOT_ALLOWED = 405
    API_LIMIT_EXCEED = 429
    MALFORMED_PARAMETER_ERROR = 430
    PARAM_ERROR = 431
    UNSUPPORTED_ACTION_ERROR = 432
    UNAUTHORIZED2FA = 511
    INTERNAL_ERROR = 530
    ACCOUNT_ERROR = 531
    ACCOUNT_RESOURCE_LIMIT_ERROR = 532
    INSUFFICIENT_CAPACITY_ERROR = 533
    RESOURCE_UNAVAILABLE_ERROR = 534
    RESOURCE_ALLOCATION_ERROR = 535
    RESOURCE_IN_USE_ERROR = 536
    NETWORK_RULE_CONFLICT_ERROR = 537


class CsErrorCode(IntEnum):
    """CSExceptionErrorCode values for the exception kinds we raise."""

    CLOUD_RUNTIME = 4250
    ACCOUNT_LIMIT = 4280
    CLOUD_AUTHENTICATION = 4290
    CONCURRENT_OPERATION = 4300
    INSUFFICIENT_ADDRESS_CAPACITY = 4320
    INSUFFICIENT_CAPACITY = 4325
    INVALID_PARAMETER_VALUE = 4350
    NETWORK_RULE_CONFLICT = 4360
    PERMISSION_DENIED = 4365
    RESOURCE_ALLOCATION = 4370
    RESOURCE_IN_USE = 4375
    RESOURCE_UNAVAILABLE = 4380
    REQUEST_LIMIT = 4545
    UNAVAILABLE_COMMAND = 4555
    SERVER_API = 9999


GENERIC_INTERNAL_TEXT = "Internal error executing command, please contact your system administrator"
BAD_CREDENTIALS_TEXT = "unable to verify user credentials and/or request signature"
BAD_SESSION_TEXT = "unable to verify user credentials"


class ApiError(Exception):
    """An answer in CloudStack's error envelope.

    `cs_code` None means a servlet-level error, whose body carries no `cserrorcode`.
    """

    def __init__(
        self,
        code: ErrorCode,
        text: str,
        cs_code: CsErrorCode | None = CsErrorCode.SERVER_API,
        uuids: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(text)
        self.code = code
        self.text = text
        self.cs_code = cs_code
        self.uuids = uuids or []


def invalid_value(text: str) -> ApiError:
    """A value the service layer refuses (InvalidParameterValueException)."""
    return ApiError(ErrorCode.PARAM_ERROR, text, CsErrorCode.INVALID_PARAMETER_VALUE)


def permission_denied(text: str) -> ApiError:
    """The caller may not touch the object (PermissionDeniedException)."""
    return ApiError(ErrorCode.ACCOUNT_ERROR, text, CsErrorCode.PERMISSION_DENIED)


def in_use(text: str) -> ApiError:
    """The object is still referenced (ResourceInUseException)."""
    return ApiError(ErrorCode.RESOURCE_IN_USE_ERROR, text, CsErrorCode.RESOURCE_IN_USE)


def internal(text: str) -> ApiError:
    """A failure with a text safe to show (CloudRuntimeException)."""
    return ApiError(ErrorCode.INTERNAL_ERROR, text, CsErrorCode.CLOUD_RUNTIME)


def unauthorized(text: str = BAD_CREDENTIALS_TEXT) -> ApiError:
    """Authentication failed; servlet-level, so no cserrorcode."""
    return ApiError(ErrorCode.UNAUTHORIZED, text, None)
