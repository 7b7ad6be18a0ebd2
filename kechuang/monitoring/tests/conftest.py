import pytest

from kechuang.monitoring import validation


@pytest.fixture(params=["by_code", "whole_register"])
def lookups(request, monkeypatch):
    """Short files look enterprises and stored figures up by code; long ones read them all."""
    if request.param == "whole_register":
        monkeypatch.setattr(validation, "IN_LIST_LIMIT", 0)
