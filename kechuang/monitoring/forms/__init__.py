from kechuang.monitoring.forms.alerts import AlertHandlingForm
from kechuang.monitoring.forms.intake import CommitForm, UploadForm
from kechuang.monitoring.forms.pool import PoolEntryForm, ServiceVisitForm
from kechuang.monitoring.forms.rules import RuleEditor

__all__ = [
    "AlertHandlingForm",
    "CommitForm",
    "PoolEntryForm",
    "RuleEditor",
    "ServiceVisitForm",
    "UploadForm",
]
