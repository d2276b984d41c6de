"""`flask users ...` commands."""

from app.auth.models import Agent
from app.extensions import db


def test_create_reads_password_from_stdin(runner):
    result = runner.invoke(args=["users", "create", "marie", "--role", "manager", "--name", "Marie Curie"],
                           input="un-mot-de-passe-long\n")
    assert result.exit_code == 0, result.output
    agent = db.session.execute(db.select(Agent).where(Agent.login == "marie")).scalar_one()
    assert agent.role == "manager" and agent.name == "Marie Curie"


def test_unknown_role_is_a_one_line_error(runner):
    result = runner.invoke(args=["users", "create", "marie", "--role", "chef"], input="un-mot-de-passe-long\n")
    assert result.exit_code == 1
    assert "rôle inconnu" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_unknown_site_is_a_one_line_error(runner):
    result = runner.invoke(args=["users", "create", "marie", "--role", "counter_agent", "--site", "mairie-99"],
                           input="un-mot-de-passe-long\n")
    assert result.exit_code == 1
    assert "Site inconnu" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_short_password_is_refused(runner):
    result = runner.invoke(args=["users", "create", "marie", "--role", "admin"], input="court\n")
    assert result.exit_code == 1
    assert "au moins 10 caractères" in result.output


def test_list_deactivate_and_set_password(runner, make_agent):
    agent = make_agent("admin", login="aline")
    listing = runner.invoke(args=["users", "list"])
    assert "aline\tadmin" in listing.output
    assert runner.invoke(args=["users", "deactivate", "aline"]).exit_code == 0
    assert db.session.get(Agent, agent.id).active is False
    result = runner.invoke(args=["users", "set-password", "aline"], input="encore-un-mot-de-passe\n")
    assert result.exit_code == 0


def test_unknown_login_is_an_error(runner):
    result = runner.invoke(args=["users", "deactivate", "personne"])
    assert result.exit_code == 1 and "agent inconnu" in result.output
