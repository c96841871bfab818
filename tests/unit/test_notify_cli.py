"""``nbzbx notify test`` against real receivers: one line per target saying what answered, a
non-zero exit when one did not, and no secret in the output."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from receivers import SmtpReceiver, WebhookReceiver, free_port

from nbzbx_dagster.cli.main import main

SECRET = "T000/B000/SECRETxyz"


@pytest.fixture
def targets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, smtp: SmtpReceiver) -> None:
    monkeypatch.setenv("NBZBX_DATABASE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    email = {"host": "127.0.0.1", "port": smtp.port, "from": "n@x.org", "to": ["a@x", "b@x"]}
    setting = [
        {"name": "ops", "webhook": {"url_env": "NBZBX_WEBHOOK_OPS"}, "events": ["drift"]},
        {"name": "mail", "email": email, "events": ["run_failed"]},
    ]
    monkeypatch.setenv("NBZBX_NOTIFY", json.dumps(setting))


def test_each_target_answers_in_one_line(
    targets: None, monkeypatch: pytest.MonkeyPatch, webhook: WebhookReceiver, smtp: SmtpReceiver
) -> None:
    monkeypatch.setenv("NBZBX_WEBHOOK_OPS", webhook.url(SECRET))
    result = CliRunner().invoke(main, ["notify", "test"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "ops: webhook answered 200",
        f"mail: SMTP 127.0.0.1:{smtp.port} accepted for 2 recipients",
    ]
    assert len(webhook.posts) == 1 and len(smtp.mails) == 1
    assert webhook.texts[0].startswith("nbzbx: test message from ")


def test_a_target_that_does_not_answer_fails_the_command_without_its_url(
    targets: None, monkeypatch: pytest.MonkeyPatch, smtp: SmtpReceiver
) -> None:
    monkeypatch.setenv("NBZBX_WEBHOOK_OPS", f"http://127.0.0.1:{free_port()}/hooks/{SECRET}")
    result = CliRunner().invoke(main, ["notify", "test"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == "ops: webhook: Connection refused"
    assert SECRET not in result.output
    assert len(smtp.mails) == 1  # the others are still tried


def test_target_picks_one_and_an_unknown_one_is_refused(targets: None, smtp: SmtpReceiver) -> None:
    only = CliRunner().invoke(main, ["notify", "test", "--target", "mail", "--json"])
    assert only.exit_code == 0, only.output
    assert [(r["target"], r["ok"]) for r in json.loads(only.output)] == [("mail", True)]
    unknown = CliRunner().invoke(main, ["notify", "test", "--target", "pager"])
    assert unknown.exit_code == 1
    assert "error: no notify target named 'pager'" in unknown.output
