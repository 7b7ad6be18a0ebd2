from kechuang.conftest import SHARED_WORLD
from kechuang.core.masking import hidden_fields, mask, shown
from kechuang.registry.models import Enterprise, Person

pytestmark = SHARED_WORLD


def test_personal_fields_are_declared_by_their_models_and_shown_by_permission(world):
    person = world.own_person
    person.phone, person.id_number = "13812341234", "330624198001010013"
    assert hidden_fields(world.admin, Person) == ()
    assert shown(world.admin, person, "phone") == "13812341234"
    hidden = hidden_fields(world.enterprise, Person)
    assert hidden == ("phone", "id_number")
    assert shown(world.enterprise, person, "phone") == "138****1234"
    assert shown(world.enterprise, person, "id_number") == mask("330624198001010013")
    assert shown(world.enterprise, person, "name") == person.name  # not personal
    assert "contact_phone" in Enterprise.personal_fields
