"""updateTemplate/updateIso and the launch permissions of templates and ISOs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.api.errors import invalid_value
from nimbostack.db.models import Account, OsType, Template, TemplatePermission
from nimbostack.services import events, settings
from nimbostack.services.template_checks import FORMATS
from nimbostack.services.templates import check_launch, check_modify, kind_of, owner_domain


@dataclass
class TemplateChanges:
    """updateTemplate / updateIso fields; None leaves a value unchanged."""

    name: str | None = None
    display_text: str | None = None
    format: str | None = None
    os_type: OsType | None = None
    password_enabled: bool | None = None
    sshkey_enabled: bool | None = None
    dynamically_scalable: bool | None = None
    bootable: bool | None = None
    requires_hvm: bool | None = None
    sort_key: int | None = None
    details: dict[str, str] | None = None
    cleanup_details: bool = False


def update(db: Session, caller: Caller, template: Template, changes: TemplateChanges, now: datetime) -> Template:
    check_modify(db, caller, template)
    if changes.name is not None:
        template.name = changes.name
    if changes.display_text is not None:
        template.display_text = changes.display_text
    if changes.format is not None:
        template.format = _format(changes.format)
    if changes.os_type is not None:
        template.os_type_id = changes.os_type.id
    for attr in ("password_enabled", "sshkey_enabled", "bootable", "requires_hvm", "sort_key"):
        value = getattr(changes, attr)
        if value is not None:
            setattr(template, attr, value)
    if changes.dynamically_scalable is not None:
        template.is_dynamically_scalable = changes.dynamically_scalable
    if changes.cleanup_details:
        template.details = None
    elif changes.details:
        template.details = json.dumps(changes.details)
    db.flush()
    events.record(
        db,
        caller,
        "ISO.UPDATE" if template.format == "ISO" else "TEMPLATE.UPDATE",
        f"Successfully updated {kind_of(template)} {template.name}",
        now,
        resource_type="Iso" if template.format == "ISO" else "Template",
        resource_uuid=template.uuid,
        resource_name=template.name,
        account_id=template.account_id,
        domain_id=template.domain_id,
    )
    return template


def _format(value: str) -> str:
    # updateTemplate reports a bad format as an invalid value (registerTemplate as an illegal argument).
    if value.strip().upper() not in FORMATS:
        raise invalid_value(f"Image format: {value} is incorrect. Supported formats are {', '.join(FORMATS)}")
    return value.strip().upper()


@dataclass
class PermissionChanges:
    is_public: bool | None = None
    is_featured: bool | None = None
    is_extractable: bool | None = None
    accounts: list[str] | None = None
    operation: str | None = None


def update_permissions(db: Session, caller: Caller, template: Template, changes: PermissionChanges) -> None:
    media = "iso" if template.format == "ISO" else "template"
    check_modify(db, caller, template)
    if template.removed is not None:
        raise invalid_value(f"unable to update permissions for {media} with id {template.uuid} as it is removed ")
    is_admin = caller.is_root_admin or caller.is_domain_admin or caller.is_system
    allow_public = settings.get_bool(db, "allow.public.user.templates", account_id=template.account_id)
    if not is_admin and not allow_public and changes.is_public:
        raise invalid_value(f"Only private {media}s can be created.")
    operation = (changes.operation or "").lower()
    if changes.accounts is not None and operation not in ("add", "remove", "reset"):
        raise invalid_value(
            "Invalid operation on accounts, the operation must be either 'add' or 'remove' in order to modify launch "
            f"permissions.  Given operation is: '{changes.operation}'"
        )
    if caller.account_id != template.account_id and not is_admin:
        raise invalid_value(
            f"Unable to grant permission to account {caller.account_name} as it is neither admin nor owner or the "
            f"{media}"
        )
    if changes.is_public is not None:
        template.is_public = changes.is_public
    if changes.is_featured is not None:
        template.is_featured = changes.is_featured
    if changes.is_extractable is not None:
        template.is_extractable = changes.is_extractable
    if operation in ("add", "remove") and changes.accounts is None:
        raise invalid_value(f"Operation {changes.operation} requires accounts or projectIds to be passed in")
    if operation == "add":
        _grant(db, template, changes.accounts or [])
    elif operation == "remove":
        ids = [a.id for a in _accounts_in_owner_domain(db, template, changes.accounts or [])]
        db.execute(
            delete(TemplatePermission).where(
                TemplatePermission.template_id == template.id, TemplatePermission.account_id.in_(ids)
            )
        )
    elif operation == "reset":
        template.is_public = False
        template.is_featured = False
        db.execute(delete(TemplatePermission).where(TemplatePermission.template_id == template.id))
    db.flush()


def _accounts_in_owner_domain(db: Session, template: Template, names: list[str]) -> list[Account]:
    """Permissions are granted within the owner's domain only, as in CloudStack."""
    return list(
        db.scalars(
            select(Account).where(
                Account.domain_id == template.domain_id, Account.name.in_(names), Account.removed.is_(None)
            )
        ).unique()
    )


def _grant(db: Session, template: Template, names: list[str]) -> None:
    found = {a.name: a for a in _accounts_in_owner_domain(db, template, names)}
    for name in names:
        account = found.get(name)
        if account is None:
            domain = owner_domain(db, template)
            raise invalid_value(
                f"Unable to grant a launch permission to account {name} in domain id={domain.uuid if domain else ''}, "
                "account not found.  No permissions updated, please verify the account names and retry."
            )
        if account.id == template.account_id:
            continue  # the owner may always launch its own template
        exists = db.scalar(
            select(TemplatePermission.id).where(
                TemplatePermission.template_id == template.id, TemplatePermission.account_id == account.id
            )
        )
        if exists is None:
            db.add(TemplatePermission(template_id=template.id, account_id=account.id))


def permitted_names(db: Session, caller: Caller, template: Template) -> list[str]:
    """Accounts that may launch a template: those it was shared with, plus the owner of a private one."""
    if not template.is_public:
        domain = owner_domain(db, template)
        admin_over = caller.is_domain_admin and domain is not None and domain.path.startswith(caller.domain_path)
        if not admin_over:
            check_launch(db, caller, template)
    names = list(
        db.scalars(
            select(Account.name)
            .join(TemplatePermission, TemplatePermission.account_id == Account.id)
            .where(TemplatePermission.template_id == template.id)
            .order_by(TemplatePermission.id)
        )
    )
    if not template.is_public:
        owner = db.get(Account, template.account_id)
        if owner is not None:
            names.append(owner.name)
    return names
