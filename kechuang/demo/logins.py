"""The demo accounts: one login per persona, and the list printed for people trying them.

`create_demo_users` gives each persona of the vocabulary the standard role and organisation it
stands for (the enterprise filer gets the organisation of its enterprise, the university user
that of its institute), all with DEMO_PASSWORD; `demo_logins` reads them back with their role
and data scope, for `kechuang demo` to print.

Why a module of its own: the command lists the logins without generating anything
(`--if-empty`), and who may log in is a matter of accounts, not of the county's data.
"""

from dataclasses import dataclass

from kechuang.accounts.choices import DataScope
from kechuang.accounts.models import Organisation, Role, User
from kechuang.accounts.services import (
    create_user,
    ensure_standard_roles,
    organisation_for_enterprise,
    organisation_for_institution,
)
from kechuang.demo import vocabulary as vocab
from kechuang.registry.models import Enterprise, Institution

DEMO_PASSWORD = "demo-pass-2026"


@dataclass(frozen=True)
class DemoLogin:
    """A demo account as printed for people trying the platform."""

    username: str
    password: str
    role: str
    scope: str
    display_name: str
    description: str  # what the role may do, from the standard roles


def _scope_text(role: Role, org: Organisation | None) -> str:
    if role.data_scope == DataScope.ALL:
        return "全县全部数据"
    if org is None or role.data_scope == DataScope.SELF:
        return "仅本人数据"
    if role.data_scope == DataScope.ORG_AND_BELOW:
        return f"{org.name}及下级"
    return f"仅本组织：{org.name}"


def demo_logins() -> list[DemoLogin]:
    """The demo accounts present in the database, in persona order, with role and scope."""
    users = User.objects.in_bulk([p.username for p in vocab.PERSONAS], field_name="username")
    found = []
    for persona in vocab.PERSONAS:
        user = users.get(persona.username)
        if user is None:
            continue
        roles = user.roles
        found.append(
            DemoLogin(
                username=user.username,
                password=DEMO_PASSWORD,
                role="、".join(r.name for r in roles),
                scope=_scope_text(roles[0], user.organisation) if roles else "",
                display_name=user.display_name,
                description="；".join(r.description for r in roles),
            )
        )
    return found


def create_demo_users(
    orgs: dict[str, Organisation],
    saved: dict[int, Enterprise],
    institutions: dict[str, Institution],
) -> int:
    """The standard roles and one login per persona, all with DEMO_PASSWORD."""
    roles = ensure_standard_roles()
    persona_enterprise = saved[vocab.PERSONA_ENTERPRISE_INDEX]
    for persona in vocab.PERSONAS:
        if persona.org == "enterprise":
            org = organisation_for_enterprise(persona_enterprise, orgs[persona_enterprise.town_id])
        elif persona.org == "institution":
            org = organisation_for_institution(
                institutions[vocab.PERSONA_INSTITUTION], orgs["bureau"]
            )
        elif persona.org == "broker":
            org = organisation_for_institution(
                institutions[vocab.PERSONA_BROKERAGE], orgs["bureau"]
            )
        else:
            org = orgs[persona.org]
        superuser = persona.role == "系统管理员"
        create_user(
            persona.username,
            DEMO_PASSWORD,
            organisation=org,
            roles=[roles[persona.role]],
            display_name=persona.display_name,
            is_staff=superuser,
            is_superuser=superuser,
        )
    return len(vocab.PERSONAS)
