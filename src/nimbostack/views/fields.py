"""Response field declarations for listApis: what each response object carries, with CloudStack's types.

Types are what CloudStack prints (views/field_types.py). The Go SDK and CloudMonkey generate their bindings
from these names and types, so they must match CloudStack's; descriptions are ours. Each declaration lists
exactly the keys our view for that object can emit (tests/test_discovery_e2e.py and
tests/test_discovery_infra_e2e.py compare them with real answers), and a command gets the declaration of
its response key unless it declares `response_fields` itself. Identity, jobs and discovery are declared
here; settings, events, infrastructure and the catalogue keep theirs in their own modules (views/config.py,
views/events.py, views/infra_fields.py, views/catalog_fields.py), and all are listed here under their keys.
"""

from __future__ import annotations

from nimbostack.api.registry import Command, Kind
from nimbostack.views.catalog_fields import CATALOG_SHAPES
from nimbostack.views.config import CONFIGURATION_FIELDS, CONFIGURATION_GROUP_FIELDS
from nimbostack.views.events import EVENT_FIELDS, EVENT_TYPE_FIELDS
from nimbostack.views.field_types import (
    BOOLEAN,
    DATE,
    INT,
    INTEGER,
    LIST,
    LONG,
    MAP,
    RESPONSE_OBJECT,
    SET,
    STRING,
    Fields,
)
from nimbostack.views.field_types import field as _f
from nimbostack.views.infra_fields import INFRA_SHAPES

_ROLE_OF_ACCOUNT: Fields = (
    _f("roleid", STRING, "ID of the account's role"),
    _f("roletype", STRING, "Type of the account's role: Admin, ResourceAdmin, DomainAdmin or User"),
    _f("rolename", STRING, "Name of the account's role"),
)

USER: Fields = (
    _f("id", STRING, "ID of the user"),
    _f("username", STRING, "Login name of the user"),
    _f("firstname", STRING, "First name of the user"),
    _f("lastname", STRING, "Last name of the user"),
    _f("email", STRING, "E-mail address of the user"),
    _f("created", DATE, "When the user was created"),
    _f("state", STRING, "State of the user: enabled, disabled or locked"),
    _f("account", STRING, "Name of the account the user belongs to"),
    _f("accounttype", INTEGER, "Type of the user's account: 0 user, 1 root admin, 2 domain admin"),
    _f("usersource", STRING, "Where the user authenticates, in lower case: native, ldap, saml2"),
    *_ROLE_OF_ACCOUNT,
    _f("domainid", STRING, "ID of the user's domain"),
    _f("domain", STRING, "Name of the user's domain"),
    _f("timezone", STRING, "Time zone of the user"),
    _f("apikey", STRING, "API key of the user"),
    _f("accountid", STRING, "ID of the account the user belongs to"),
    _f("iscallerchilddomain", BOOLEAN, "Whether the user is in a subdomain of the caller's domain"),
    _f("isdefault", BOOLEAN, "Whether the user was created with the cloud and cannot be removed"),
    _f("is2faenabled", BOOLEAN, "Whether the user has two-factor authentication turned on"),
    _f("is2famandated", BOOLEAN, "Whether two-factor authentication is required of the user"),
    # CloudStack's UserResponse holds this in its ApiKeyAccess enum, whose type name is what it prints.
    _f("apikeyaccess", "apikeyaccess", "Whether API keys of the user work: Enabled, Disabled or Inherit"),
)

ACCOUNT: Fields = (
    _f("id", STRING, "ID of the account"),
    _f("name", STRING, "Name of the account"),
    _f("accounttype", INTEGER, "Type of the account: 0 user, 1 root admin, 2 domain admin"),
    *_ROLE_OF_ACCOUNT,
    _f("domainid", STRING, "ID of the account's domain"),
    _f("domain", STRING, "Name of the account's domain"),
    _f("domainpath", STRING, "Path of the account's domain, such as ROOT/sales"),
    _f("state", STRING, "State of the account: enabled, disabled or locked"),
    _f("networkdomain", STRING, "DNS suffix of the account's networks"),
    _f("created", DATE, "When the account was created"),
    _f("isdefault", BOOLEAN, "Whether the account was created with the cloud and cannot be removed"),
    _f("iscleanuprequired", BOOLEAN, "Whether resources of the account still wait to be cleaned up"),
    _f("accountdetails", MAP, "Details stored with the account"),
    _f("groups", LIST, "Names of the groups the account is in"),
    _f("apikeyaccess", STRING, "Whether API keys of the account work: Enabled, Disabled or Inherit"),
    _f("user", LIST, "Users of the account", *USER),
)

DOMAIN: Fields = (
    _f("id", STRING, "ID of the domain"),
    _f("name", STRING, "Name of the domain"),
    _f("level", INTEGER, "Depth of the domain in the tree; ROOT is 0"),
    _f("parentdomainid", STRING, "ID of the parent domain"),
    _f("parentdomainname", STRING, "Name of the parent domain"),
    _f("haschild", BOOLEAN, "Whether the domain has subdomains"),
    _f("path", STRING, "Path of the domain, such as ROOT/sales/eu"),
    _f("state", STRING, "State of the domain"),
    _f("networkdomain", STRING, "DNS suffix of networks in the domain"),
    _f("created", DATE, "When the domain was created"),
)

ROLE: Fields = (
    _f("id", STRING, "ID of the role"),
    _f("name", STRING, "Name of the role"),
    _f("type", STRING, "Role type the role is based on: Admin, ResourceAdmin, DomainAdmin or User"),
    _f("description", STRING, "What the role is for"),
    _f("isdefault", BOOLEAN, "Whether the role is one of the built-in roles"),
    _f("ispublic", BOOLEAN, "Whether every account may see the role, not only root admins"),
    _f("state", STRING, "State of the role: enabled or disabled"),
)

ROLE_PERMISSION: Fields = (
    _f("id", STRING, "ID of the rule"),
    _f("roleid", STRING, "ID of the role the rule belongs to"),
    _f("rolename", STRING, "Name of the role the rule belongs to"),
    _f("rule", STRING, "API name or wildcard pattern the rule matches"),
    _f("permission", STRING, "allow or deny"),
    _f("description", STRING, "What the rule is for"),
)

ASYNC_JOB: Fields = (
    _f("accountid", STRING, "ID of the account that started the job"),
    _f("account", STRING, "Name of the account that started the job"),
    _f("domainid", STRING, "ID of the domain of that account"),
    _f("domainpath", STRING, "Path of the domain of that account"),
    _f("userid", STRING, "ID of the user that started the job"),
    _f("cmd", STRING, "The command the job runs"),
    _f("jobstatus", INTEGER, "0 pending, 1 succeeded, 2 failed"),
    _f("jobprocstatus", INTEGER, "Progress of a pending job"),
    _f("jobresultcode", INTEGER, "0 on success, else the error code"),
    _f("jobresulttype", STRING, "Format of the job result: object"),
    _f("jobresult", RESPONSE_OBJECT, "The finished job's answer, or its error"),
    _f("jobinstancetype", STRING, "Kind of object the job acts on"),
    _f("jobinstanceid", STRING, "ID of the object the job acts on"),
    _f("created", DATE, "When the job was created"),
    _f("completed", DATE, "When the job finished"),
    _f("jobid", STRING, "ID of the job"),
)

USER_KEYS: Fields = (
    _f("apikey", STRING, "API key of the user"),
    _f("secretkey", STRING, "Secret key of the user, for signing requests"),
    _f("apikeyaccess", BOOLEAN, "Whether API keys of the user work, when set for the user or its account"),
)

CAPABILITY: Fields = (
    _f("securitygroupsenabled", BOOLEAN, "Whether any zone uses security groups"),
    _f("dynamicrolesenabled", BOOLEAN, "Whether roles and their rules are kept in the database"),
    _f("cloudstackversion", STRING, "CloudStack version this server answers as"),
    _f("userpublictemplateenabled", BOOLEAN, "Whether users may make their templates public"),
    _f("supportELB", STRING, "Whether elastic load balancing is available, as text"),
    _f("projectinviterequired", BOOLEAN, "Whether adding an account to a project needs its consent"),
    _f("allowusercreateprojects", BOOLEAN, "Whether users may create projects"),
    _f("customdiskofferingminsize", LONG, "Smallest size in GB for a custom-size disk"),
    _f("customdiskofferingmaxsize", LONG, "Largest size in GB for a custom-size disk"),
    _f("regionsecondaryenabled", BOOLEAN, "Whether secondary storage is shared by the region"),
    _f("kvmsnapshotenabled", BOOLEAN, "Whether volume snapshots work on KVM"),
    _f("allowuserviewdestroyedvm", BOOLEAN, "Whether users see their destroyed instances"),
    _f("allowuserexpungerecovervm", BOOLEAN, "Whether users may expunge or recover instances"),
    _f("allowuserexpungerecovervolume", BOOLEAN, "Whether users may expunge or recover volumes"),
    _f("allowuserviewalldomainaccounts", BOOLEAN, "Whether users see every account of their domain"),
    _f("allowuserforcestopvm", BOOLEAN, "Whether users may force-stop instances"),
    _f("kubernetesserviceenabled", BOOLEAN, "Whether the Kubernetes service is on"),
    _f("kubernetesclusterexperimentalfeaturesenabled", BOOLEAN, "Whether experimental Kubernetes features are on"),
    _f("defaultuipagesize", LONG, "Page size the UI should use"),
    _f("dynamicscalingenabled", BOOLEAN, "Whether running instances may be scaled"),
)

API: Fields = (
    _f("name", STRING, "Name of the command"),
    _f("description", STRING, "What the command does"),
    _f("since", STRING, "Version that added the command"),
    _f("isasync", BOOLEAN, "Whether the command runs as an async job"),
    _f("related", STRING, "Other commands answering with the same kind of object, comma-separated"),
    _f(
        "params",
        SET,
        "Parameters the command takes",
        _f("name", STRING, "Name of the parameter"),
        _f("description", STRING, "What the parameter means"),
        _f("type", STRING, "Type of the parameter"),
        _f("length", INT, "Longest value accepted"),
        _f("required", BOOLEAN, "Whether the parameter must be given"),
        _f("since", STRING, "Version that added the parameter"),
        _f("related", STRING, "Commands that list the ids this parameter takes, comma-separated"),
    ),
    _f(
        "response",
        SET,
        "Fields of the command's answer",
        _f("name", STRING, "Name of the field"),
        _f("description", STRING, "What the field holds"),
        _f("type", STRING, "Type of the field"),
        _f("response", SET, "Fields of a nested object"),
    ),
)

SUCCESS: Fields = (
    _f("success", BOOLEAN, "Whether the operation succeeded"),
    _f("displaytext", STRING, "Any text about the outcome"),
)

LOGIN: Fields = (
    _f("username", STRING, "Login name of the user"),
    _f("userid", STRING, "ID of the user"),
    _f("domainid", STRING, "ID of the user's domain"),
    _f("timeout", INTEGER, "Seconds of inactivity before the session ends"),
    _f("account", STRING, "Name of the user's account"),
    _f("firstname", STRING, "First name of the user"),
    _f("lastname", STRING, "Last name of the user"),
    _f("type", STRING, "Type of the user's account, as text"),
    _f("timezone", STRING, "Time zone of the user"),
    _f("timezoneoffset", STRING, "Hours between the user's time zone and UTC"),
    _f("registered", STRING, "Whether the user is registered, as text"),
    _f("sessionkey", STRING, "Key to send with every call of this session"),
    _f("is2faenabled", STRING, "Whether two-factor authentication is on, as text"),
    _f("is2faverified", STRING, "Whether the second factor was checked, as text"),
    _f("issuerfor2fa", STRING, "Issuer name shown by authenticator apps"),
    _f("managementserverid", STRING, "ID of the management server that answered; root admins only"),
)

LOGOUT: Fields = (_f("description", STRING, "Outcome of the logout"),)

# Declarations by response key, and for flat answers by the name of the shape they share.
SHAPES: dict[str, Fields] = {
    "account": ACCOUNT,
    "user": USER,
    "domain": DOMAIN,
    "role": ROLE,
    "rolepermission": ROLE_PERMISSION,
    "asyncjobs": ASYNC_JOB,
    "userkeys": USER_KEYS,
    "configuration": CONFIGURATION_FIELDS,
    "configurationgroup": CONFIGURATION_GROUP_FIELDS,
    "event": EVENT_FIELDS,
    "eventtype": EVENT_TYPE_FIELDS,
    "capability": CAPABILITY,
    "api": API,
    "login": LOGIN,
    "logout": LOGOUT,
    **INFRA_SHAPES,
    **CATALOG_SHAPES,
}

# Flat answers carry an object's fields straight in the wrapper: the job record, login and logout.
FLAT_SHAPES: dict[str, str] = {"queryAsyncJobResult": "asyncjobs", "login": "login", "logout": "logout"}


def shape_name(cmd: Command) -> str | None:
    """Commands with the same shape answer the same kind of object; listApis relates them to each other.

    Success answers relate to nothing, as in CloudStack.
    """
    if cmd.kind is Kind.SUCCESS:
        return None
    if cmd.kind is Kind.FLAT:
        return FLAT_SHAPES.get(cmd.name)
    return cmd.key


def response_fields(cmd: Command) -> Fields:
    """A command's own declaration, else the one for its response object (empty when none exists)."""
    if cmd.response_fields:
        return cmd.response_fields
    if cmd.kind is Kind.SUCCESS:
        return SUCCESS
    name = shape_name(cmd)
    return SHAPES.get(name, ()) if name else ()
