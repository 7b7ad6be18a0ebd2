import django_filters

from kechuang.accounts.choices import OrgKind
from kechuang.accounts.models import Organisation, User
from kechuang.core.filters import KeywordFilterSet
from kechuang.core.models import LoginLog, OperationLog


class OrganisationFilterSet(KeywordFilterSet):
    spelled_name = None
    kind = django_filters.ChoiceFilter(label="类型", choices=OrgKind.choices)

    class Meta:
        model = Organisation
        fields = ["q", "kind", "is_active"]


class UserFilterSet(KeywordFilterSet):
    search_fields = ("username", "display_name", "organisation__name")
    spelled_name = None

    class Meta:
        model = User
        fields = ["q", "is_active"]


class OperationLogFilterSet(KeywordFilterSet):
    search_fields = ("target", "summary", "user__username")
    spelled_name = None
    action = django_filters.ChoiceFilter(label="操作", choices=OperationLog.Action.choices)

    class Meta:
        model = OperationLog
        fields = ["q", "action", "success"]


class LoginLogFilterSet(KeywordFilterSet):
    search_fields = ("username", "ip_address")
    spelled_name = None
    event = django_filters.ChoiceFilter(label="事件", choices=LoginLog.Event.choices)

    class Meta:
        model = LoginLog
        fields = ["q", "event"]
