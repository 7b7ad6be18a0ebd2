"""Account services: the standard roles and the creation of users and organisations."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from kechuang.accounts.choices import DataScope, OrgKind
from kechuang.accounts.models import Organisation, Role, User
from kechuang.registry.models import Enterprise, Institution, Region

REGISTRY_MODELS = (
    "enterprise",
    "qualification",
    "institution",
    "person",
    "industrychain",
    "chainlink",
    "scalerecord",
    "enterpriseformername",
)


def _perms(*codenames: str) -> list[str]:
    return list(codenames)


def _registry(*actions: str) -> list[str]:
    return [f"registry.{a}_{m}" for m in REGISTRY_MODELS for a in actions]


MONITORING_READ = [
    f"monitoring.view_{m}"
    for m in (
        "snapshotentry",
        "alert",
        "rdrecord",
        "financialrecord",
        "poolentry",
        "servicevisit",
        "importbatch",
        "ruleset",
        "snapshot",
    )
]
MONITORING_EXPORT = [
    f"monitoring.export_{m}"
    for m in ("snapshotentry", "alert", "rdrecord", "financialrecord", "poolentry", "servicevisit")
]
MONITORING_SERVICE = [
    "monitoring.add_poolentry",
    "monitoring.change_poolentry",
    "monitoring.add_servicevisit",
    "monitoring.change_servicevisit",
    "monitoring.change_alert",
]


ASSESSMENT_FACTS = (
    "intellectualproperty",
    "recognitionfigures",
    "enterpriseevent",
    "recognitionprofile",
)
ASSESSMENT_READ = [
    "assessment.view_assessmentresult",
    "assessment.view_assessmentrun",
    "assessment.view_recognitionrules",
    *(f"assessment.view_{m}" for m in ASSESSMENT_FACTS),
]
ASSESSMENT_READ += [
    "assessment.view_policy",
    "assessment.view_policyrun",
    "assessment.view_policyoutcome",
    "assessment.view_pointsscheme",
    "assessment.view_pointsrun",
    "assessment.view_pointsresult",
    "assessment.view_figureflag",
]
ASSESSMENT_EXPORT = [
    "assessment.export_assessmentresult",
    "assessment.export_intellectualproperty",
    "assessment.export_policyoutcome",
    "assessment.export_pointsresult",
]
ASSESSMENT_HANDLING = ["assessment.change_figureflag", "assessment.handle_figureflag"]
ASSESSMENT_BUREAU = [
    "assessment.run_assessment",
    "assessment.add_policy",
    "assessment.change_policy",
    "assessment.run_policy",
    "assessment.add_pointsscheme",
    "assessment.run_points",
]
ASSESSMENT_ENTRY = [f"assessment.{a}_{m}" for m in ASSESSMENT_FACTS for a in ("add", "change")]


INDICATORS_READ = _perms(
    "indicators.view_indicator",
    "indicators.view_indicatorvalue",
    "indicators.view_target",
    "indicators.view_indexframework",
)
INDICATORS_EXPORT = _perms("indicators.export_indicatorvalue", "indicators.export_target")
INDICATORS_BUREAU = _perms(
    "indicators.add_indicatorvalue",
    "indicators.change_indicatorvalue",
    "indicators.import_indicatorvalue",
    "indicators.refresh_indicatorvalue",
    "indicators.add_target",
    "indicators.change_target",
    "indicators.change_peerset",
    "indicators.add_indexframework",
    "indicators.add_indicator",
    "indicators.change_indicator",
)

TECHMARKET_MODELS = (
    "techresult",
    "resultpatent",
    "disclosure",
    "techdemand",
    "expertprofile",
    "match",
    "matchstep",
    "matchmakingevent",
    "eventparticipant",
    "eventpairing",
)
TECHMARKET_READ = [f"techmarket.view_{m}" for m in TECHMARKET_MODELS]
TECHMARKET_EXPORT = _perms(
    "techmarket.export_techresult",
    "techmarket.export_techdemand",
    "techmarket.export_expertprofile",
    "techmarket.export_match",
    "techmarket.export_matchmakingevent",
)
TECHMARKET_BUREAU = [
    f"techmarket.{action}_{m}" for m in TECHMARKET_MODELS for action in ("add", "change")
] + _perms(
    "techmarket.import_techresult",
    "techmarket.import_techdemand",
    "techmarket.import_expertprofile",
    "techmarket.view_confidential_techresult",
    "techmarket.match_techdemand",
    "techmarket.match_techresult",
)
TECHMARKET_TOWN = _perms(
    "techmarket.add_techdemand",
    "techmarket.change_techdemand",
    "techmarket.change_match",
    "techmarket.match_techdemand",
)
TECHMARKET_ENTERPRISE = _perms(
    "techmarket.view_techresult",
    "techmarket.view_resultpatent",
    "techmarket.view_techdemand",
    "techmarket.add_techdemand",
    "techmarket.change_techdemand",
    "techmarket.view_expertprofile",
    "techmarket.view_match",
    "techmarket.view_matchstep",
    "techmarket.change_match",
    "techmarket.view_disclosure",
    "techmarket.match_techdemand",
)
TECHMARKET_INSTITUTION = _perms(
    "techmarket.view_techresult",
    "techmarket.add_techresult",
    "techmarket.import_techresult",
    "techmarket.change_techresult",
    "techmarket.view_resultpatent",
    "techmarket.add_resultpatent",
    "techmarket.change_resultpatent",
    "techmarket.view_disclosure",
    "techmarket.change_disclosure",
    "techmarket.view_techdemand",
    "techmarket.view_expertprofile",
    "techmarket.add_expertprofile",
    "techmarket.change_expertprofile",
    "techmarket.view_match",
    "techmarket.view_matchstep",
    "techmarket.change_match",
)
TECHMARKET_BROKER = _perms(
    "techmarket.view_techresult",
    "techmarket.view_resultpatent",
    "techmarket.view_techdemand",
    "techmarket.view_expertprofile",
    "techmarket.view_match",
    "techmarket.view_matchstep",
    "techmarket.change_match",
    "techmarket.match_techdemand",
    "techmarket.broker_techdemand",
)

# name -> (description, data scope, permissions as "app_label.codename")
STANDARD_ROLES: dict[str, tuple[str, str, list[str]]] = {
    "系统管理员": (
        "科技局系统管理员：全部数据、全部操作、用户与组织管理",
        DataScope.ALL,
        ["*"],
    ),
    "县领导": (
        "县领导：全部数据只读，可导出",
        DataScope.ALL,
        _registry("view")
        + _perms(
            "registry.export_enterprise",
            "registry.export_qualification",
            "registry.export_institution",
            "registry.export_person",
            "registry.export_industrychain",
            "accounts.view_organisation",
        )
        + MONITORING_READ
        + MONITORING_EXPORT
        + ASSESSMENT_READ
        + ASSESSMENT_EXPORT
        + INDICATORS_READ
        + INDICATORS_EXPORT
        + TECHMARKET_READ
        + TECHMARKET_EXPORT,
    ),
    "科技局科员": (
        "科技局业务人员：本局及以下（全县）数据，维护、导入、导出",
        DataScope.ORG_AND_BELOW,
        _registry("view", "add", "change")
        + _perms(
            "registry.export_enterprise",
            "registry.import_enterprise",
            "registry.view_contact_enterprise",
            "registry.export_qualification",
            "registry.export_institution",
            "registry.import_institution",
            "registry.export_person",
            "registry.view_pii_person",
            "registry.export_industrychain",
            "accounts.view_organisation",
            "accounts.view_user",
            "core.view_operationlog",
            "monitoring.import_importbatch",
            "monitoring.add_importbatch",
            "monitoring.change_importbatch",
            "monitoring.add_ruleset",
            "monitoring.add_snapshot",
        )
        + MONITORING_READ
        + MONITORING_EXPORT
        + MONITORING_SERVICE
        + ASSESSMENT_READ
        + ASSESSMENT_EXPORT
        + ASSESSMENT_ENTRY
        + ASSESSMENT_HANDLING
        + ASSESSMENT_BUREAU
        + INDICATORS_READ
        + INDICATORS_EXPORT
        + INDICATORS_BUREAU
        + TECHMARKET_READ
        + TECHMARKET_EXPORT
        + TECHMARKET_BUREAU,
    ),
    "乡镇街道科员": (
        "乡镇街道：本乡镇街道数据，维护、导入、导出",
        DataScope.ORG_AND_BELOW,
        _registry("view", "add", "change")
        + _perms(
            "registry.export_enterprise",
            "registry.import_enterprise",
            "registry.view_contact_enterprise",
            "registry.export_qualification",
            "registry.export_institution",
            "registry.export_person",
            "monitoring.view_snapshotentry",
            "monitoring.view_alert",
            "monitoring.view_rdrecord",
            "monitoring.view_financialrecord",
            "monitoring.view_poolentry",
            "monitoring.view_servicevisit",
            "monitoring.export_snapshotentry",
            "monitoring.export_alert",
            "monitoring.export_poolentry",
            "monitoring.export_servicevisit",
        )
        + MONITORING_SERVICE
        + ASSESSMENT_READ
        + ASSESSMENT_EXPORT
        + ASSESSMENT_ENTRY
        + ASSESSMENT_HANDLING
        + INDICATORS_READ
        + INDICATORS_EXPORT
        + TECHMARKET_READ
        + TECHMARKET_EXPORT
        + TECHMARKET_TOWN,
    ),
    "企业填报员": (
        "企业：仅本企业数据",
        DataScope.ORG,
        _perms(
            "registry.view_enterprise",
            "registry.change_enterprise",
            "registry.view_contact_enterprise",
            "registry.view_qualification",
            "registry.view_chainlink",
            "registry.view_scalerecord",
            "registry.view_enterpriseformername",
            "registry.view_person",
            "registry.add_person",
            "registry.change_person",
            "registry.view_industrychain",
            "registry.export_enterprise",
            "monitoring.view_rdrecord",
            "monitoring.view_financialrecord",
            "assessment.view_assessmentresult",
            "assessment.view_intellectualproperty",
            "assessment.view_recognitionfigures",
            "assessment.view_enterpriseevent",
            "assessment.view_recognitionprofile",
            "assessment.view_policyoutcome",
            "assessment.view_pointsresult",
            "assessment.view_figureflag",
            "assessment.add_figureflag",
            *(
                f"assessment.{a}_{m}"
                for m in ("intellectualproperty", "recognitionfigures", "recognitionprofile")
                for a in ("add", "change")
            ),
        )
        + TECHMARKET_ENTERPRISE,
    ),
    "高校院所用户": (
        "高校院所：仅本机构及其人员数据",
        DataScope.ORG,
        _perms(
            "registry.view_institution",
            "registry.change_institution",
            "registry.view_person",
            "registry.add_person",
            "registry.change_person",
            "registry.view_pii_person",
            "registry.view_industrychain",
            "registry.export_person",
        )
        + TECHMARKET_INSTITUTION,
    ),
    "技术经纪人": (
        "技术经纪人、技术转移服务机构：浏览公开的成果、需求和专家，为公开需求匹配并跟进本人经手的对接",
        DataScope.SELF,
        TECHMARKET_BROKER,
    ),
}


def _resolve(codes: list[str], every: dict[str, Permission]) -> list[Permission]:
    if codes == ["*"]:
        return list(every.values())
    unknown = [code for code in codes if code not in every]
    if unknown:
        raise ValueError(f"standard roles name unknown permissions: {', '.join(unknown)}")
    return [every[code] for code in codes]


@transaction.atomic
def ensure_standard_roles() -> dict[str, Role]:
    """Create or refresh the standard roles; idempotent."""
    every = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    roles = {}
    for name, (description, scope, codes) in STANDARD_ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_resolve(codes, every))
        role, _ = Role.objects.update_or_create(
            group=group, defaults={"name": name, "description": description, "data_scope": scope}
        )
        roles[name] = role
    return roles


def organisation_for_enterprise(enterprise: Enterprise, parent: Organisation) -> Organisation:
    """The platform organisation of an enterprise, created when it first needs a user."""
    if enterprise.organisation_id:
        return enterprise.organisation
    org = Organisation.objects.create(
        name=enterprise.name, kind=OrgKind.ENTERPRISE, parent=parent, region=enterprise.town
    )
    enterprise.organisation = org
    enterprise.save(update_fields=["organisation"])
    return org


def organisation_for_institution(institution: Institution, parent: Organisation) -> Organisation:
    if institution.organisation_id:
        return institution.organisation
    org = Organisation.objects.create(
        name=institution.name, kind=OrgKind.INSTITUTION, parent=parent, region=institution.region
    )
    institution.organisation = org
    institution.save(update_fields=["organisation"])
    return org


def create_user(
    username: str,
    password: str,
    *,
    organisation: Organisation,
    roles: list[Role],
    display_name: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    user = User.objects.create_user(
        username=username,
        password=password,
        organisation=organisation,
        display_name=display_name,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    user.groups.set([role.group for role in roles])
    return user


def region_of(code: str) -> Region:
    return Region.objects.get(code=code)


def visible_users(viewer: User):
    """Users whose organisation lies in the viewer's data scope; none without view_user."""
    if not viewer.has_perm("accounts.view_user"):
        return User.objects.none()
    visible_orgs = Organisation.objects.restrict(viewer).values("pk")
    return (
        User.objects.filter(organisation__in=visible_orgs)
        .select_related("organisation")
        .prefetch_related("groups")
    )
