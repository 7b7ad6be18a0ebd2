"""Enterprise R&D monitoring: the 研发50强 / 负增长 / 零研发 lists, 五个全覆盖 coverage of
above-designated-size (规上) enterprises, 分类提级 innovation classes, the tiered cultivation
ladder (微成长、小升高、高壮大) and the alerts the bureau follows up.

`compute(facts, year, rules)` returns a `MonitoringResult`. The modules, in the order a run
goes through them:

- `facts`: the input schema (one row per enterprise and year, documented there), its
  validation, and the enterprise × year panel the rules are numpy expressions over;
- `conditions`: rule conditions as data (`Condition` / `AllOf` / `AnyOf`) and their
  evaluation;
- `rules`: `MonitoringRules`, every threshold as versioned data, with the defaults;
- `keys`: the keys and labels of classes, tiers, alerts and lists a result speaks;
- `lists`: 研发50强, 负增长, 零研发 and 五个全覆盖;
- `tiers`: 分类提级 classes and the cultivation ladder;
- `alerts`: the alerts of the year;
- `compute`: one run, step by step, and its result.

The names below are the engine's public surface: `from kechuang.engines import monitoring`
and `monitoring.X` are all that callers need.
"""

from kechuang.engines.monitoring.compute import MonitoringResult, compute
from kechuang.engines.monitoring.conditions import (
    COMPARISONS,
    OPS_BY_KIND,
    AllOf,
    AnyOf,
    Condition,
    Expr,
    expr_from_dict,
    expr_to_dict,
)
from kechuang.engines.monitoring.facts import (
    DERIVED_FIELDS,
    FACT_COLUMNS,
    FIELD_LABELS,
    RULE_FIELDS,
    validate_facts,
)
from kechuang.engines.monitoring.keys import (
    ALERT_HNTE_EXPIRING,
    ALERT_KINDS,
    ALERT_LEFT_ABOVE_SCALE,
    ALERT_RD_DROP,
    ALERT_ZERO_RD_STREAK,
    CLASS_ACTIVE,
    CLASS_LABELS,
    CLASS_LACKING,
    CLASS_PASSIVE,
    CLASS_UNKNOWN,
    LIST_COLUMNS,
    LIST_COVERAGE,
    LIST_DECLINE,
    LIST_KEYS,
    LIST_TOP_INTENSITY,
    LIST_TOP_SPEND,
    LIST_ZERO_RD,
    TIER_ABSENT,
    TIER_ABSENT_LABEL,
    TIER_NONE,
    TIER_NONE_LABEL,
)
from kechuang.engines.monitoring.rules import (
    DEFAULT_CLASSES,
    DEFAULT_COVERAGE_ITEMS,
    DEFAULT_INTENSITY_MIN_REVENUE,
    DEFAULT_INTENSITY_SECTIONS,
    DEFAULT_TIERS,
    MAX_COVERAGE_ITEMS,
    ClassRule,
    CoverageItem,
    MonitoringRules,
    TierRule,
    active_class,
)

__all__ = [
    "ALERT_HNTE_EXPIRING",
    "ALERT_KINDS",
    "ALERT_LEFT_ABOVE_SCALE",
    "ALERT_RD_DROP",
    "ALERT_ZERO_RD_STREAK",
    "CLASS_ACTIVE",
    "CLASS_LABELS",
    "CLASS_LACKING",
    "CLASS_PASSIVE",
    "CLASS_UNKNOWN",
    "COMPARISONS",
    "DEFAULT_CLASSES",
    "DEFAULT_COVERAGE_ITEMS",
    "DEFAULT_INTENSITY_MIN_REVENUE",
    "DEFAULT_INTENSITY_SECTIONS",
    "DEFAULT_TIERS",
    "DERIVED_FIELDS",
    "FACT_COLUMNS",
    "FIELD_LABELS",
    "LIST_COLUMNS",
    "LIST_COVERAGE",
    "LIST_DECLINE",
    "LIST_KEYS",
    "LIST_TOP_INTENSITY",
    "LIST_TOP_SPEND",
    "LIST_ZERO_RD",
    "MAX_COVERAGE_ITEMS",
    "OPS_BY_KIND",
    "RULE_FIELDS",
    "TIER_ABSENT",
    "TIER_ABSENT_LABEL",
    "TIER_NONE",
    "TIER_NONE_LABEL",
    "AllOf",
    "AnyOf",
    "ClassRule",
    "Condition",
    "CoverageItem",
    "Expr",
    "MonitoringResult",
    "MonitoringRules",
    "TierRule",
    "active_class",
    "compute",
    "expr_from_dict",
    "expr_to_dict",
    "validate_facts",
]
