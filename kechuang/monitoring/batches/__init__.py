"""The life of an import batch: stage a file for preview, commit it in one transaction,
roll it back; each step leaves an operation-log row, and a commit or rollback of annual
figures recomputes that year's monitoring.

Committing the same file twice changes nothing. A batch staged without "update existing"
refuses, at commit as at preview, to overwrite a period that holds different figures.
"""

from kechuang.monitoring.batches.committing import (
    CommitRefused,
    commit,
    commit_and_recompute,
    recompute_after,
)
from kechuang.monitoring.batches.staging import (
    archive,
    discard,
    layout_for,
    layout_of,
    log_staged,
    stage,
)
from kechuang.monitoring.batches.undoing import later_batch, rollback, rollback_and_recompute

__all__ = [
    "CommitRefused",
    "archive",
    "commit",
    "commit_and_recompute",
    "discard",
    "later_batch",
    "layout_for",
    "layout_of",
    "log_staged",
    "recompute_after",
    "rollback",
    "rollback_and_recompute",
    "stage",
]
