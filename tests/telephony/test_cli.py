"""`flask --app app telephony extension`: an operator's phone extension, which `answeringNumber` names."""

from app.extensions import db


def test_extension_is_set_unique_and_removable(runner, make_agent):
    first, second = make_agent("operator_3975"), make_agent("operator_3975")
    assert runner.invoke(args=["telephony", "extension", first.login, "201"]).exit_code == 0
    taken = runner.invoke(args=["telephony", "extension", second.login, "201"])
    assert taken.exit_code != 0 and "déjà celui de" in taken.output
    assert runner.invoke(args=["telephony", "extension", first.login]).exit_code == 0
    db.session.refresh(first)
    assert first.extension is None
    unknown = runner.invoke(args=["telephony", "extension", "personne", "202"])
    assert unknown.exit_code != 0 and "Aucun agent" in unknown.output
