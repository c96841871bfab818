"""Sending to real receivers on 127.0.0.1, and the settings of the targets: every line says what
answered, and neither the webhook URL nor the SMTP password ever appears in one."""

import json

import pytest
from receivers import SmtpReceiver, WebhookReceiver, free_port

from nbzbx_dagster.notify.targets import SMTP_PASSWORD_ENV, send
from nbzbx_dagster.settings import SettingsError, load_settings
from nbzbx_dagster.settings.notify import NotifyTarget

SECRET = "T000/B000/SECRETxyz"
PASSWORD = "pa55-w0rd-SECRET"


def hook(name: str = "ops") -> NotifyTarget:
    return NotifyTarget.model_validate(
        {"name": name, "webhook": {"url_env": "NBZBX_WEBHOOK_OPS"}, "events": ["drift"]}
    )


def mail(port: int, user: str | None = None, to: tuple[str, ...] = ("a@x.org", "b@x.org")):
    email = {"host": "127.0.0.1", "port": port, "from": "nbzbx@x.org", "to": list(to)}
    if user:
        email["user"] = user
    return NotifyTarget.model_validate({"name": "mail", "email": email, "events": ["drift"]})


def test_a_webhook_gets_one_json_post_with_text(webhook: WebhookReceiver) -> None:
    delivery = send(hook(), "nbzbx: hello", {"NBZBX_WEBHOOK_OPS": webhook.url(SECRET)})
    assert (delivery.ok, delivery.line) == (True, "webhook answered 200")
    assert [(p.path, p.body) for p in webhook.posts] == [
        (f"/hooks/{SECRET}", {"text": "nbzbx: hello"})
    ]


def test_a_webhook_answering_500_fails_without_its_url(webhook: WebhookReceiver) -> None:
    webhook.status = 500
    delivery = send(hook(), "x", {"NBZBX_WEBHOOK_OPS": webhook.url(SECRET)})
    assert not delivery.ok
    assert delivery.line.startswith("webhook answered 500")
    assert SECRET not in delivery.line and str(webhook.port) not in delivery.line


def test_a_webhook_that_is_down_fails_in_words_without_its_url() -> None:
    url = f"http://127.0.0.1:{free_port()}/hooks/{SECRET}"
    delivery = send(hook(), "x", {"NBZBX_WEBHOOK_OPS": url})
    assert (delivery.ok, delivery.line) == (False, "webhook: Connection refused")


def test_a_webhook_whose_variable_is_unset_or_not_a_url_says_which() -> None:
    assert send(hook(), "x", {}).line == "webhook: NBZBX_WEBHOOK_OPS is not set"
    line = send(hook(), "x", {"NBZBX_WEBHOOK_OPS": "hooks.example/" + SECRET}).line
    assert line == "webhook: NBZBX_WEBHOOK_OPS is not an http:// or https:// URL"


def test_a_mail_reaches_every_recipient(smtp: SmtpReceiver) -> None:
    delivery = send(mail(smtp.port), "nbzbx: 2 host configs drifted on zbx70\nmore", {})
    assert delivery.ok
    assert delivery.line == f"SMTP 127.0.0.1:{smtp.port} accepted for 2 recipients"
    [received] = smtp.mails
    assert received.recipients == ["a@x.org", "b@x.org"]
    assert received.sender == "nbzbx@x.org"
    assert received.subject == "nbzbx: 2 host configs drifted on zbx70"
    assert "more" in received.body


def test_smtp_login_takes_the_password_from_the_environment_only() -> None:
    receiver = SmtpReceiver(user="nbzbx", password=PASSWORD)
    receiver.start()
    try:
        good = send(mail(receiver.port, user="nbzbx"), "x", {SMTP_PASSWORD_ENV: PASSWORD})
        wrong = send(mail(receiver.port, user="nbzbx"), "x", {SMTP_PASSWORD_ENV: PASSWORD + "!"})
        unset = send(mail(receiver.port, user="nbzbx"), "x", {})
    finally:
        receiver.stop()
    assert good.ok and len(receiver.mails) == 1
    assert not wrong.ok and wrong.line.startswith(f"SMTP 127.0.0.1:{receiver.port} answered 535")
    assert unset.line.endswith("NBZBX_SMTP_PASSWORD is not set (user nbzbx)")
    for line in (good.line, wrong.line, unset.line):
        assert PASSWORD not in line


def test_an_smtp_server_that_is_down_fails_in_one_line() -> None:
    port = free_port()
    delivery = send(mail(port), "x", {})
    assert (delivery.ok, delivery.line) == (False, f"SMTP 127.0.0.1:{port}: Connection refused")


def notify_env(targets: list[dict]) -> dict[str, str]:
    return {"NBZBX_NOTIFY": json.dumps(targets)}


def test_the_setting_comes_from_nbzbx_notify_as_json() -> None:
    settings = load_settings(
        env=notify_env(
            [
                {
                    "name": "ops",
                    "webhook": {"url_env": "NBZBX_WEBHOOK_OPS"},
                    "events": ["run_failed", "drift"],
                },
                {
                    "name": "mail",
                    "email": {"host": "smtp.x.org", "from": "n@x.org", "to": ["o@x.org"]},
                    "events": ["blocked"],
                },
            ]
        )
    )
    assert [(t.name, t.kind, t.events) for t in settings.notify] == [
        ("ops", "webhook", ["run_failed", "drift"]),
        ("mail", "email", ["blocked"]),
    ]
    assert settings.notify[1].email is not None and settings.notify[1].email.port == 25
    dumped = settings.model_dump(mode="json")["notify"][1]["email"]
    assert dumped["from"] == "n@x.org"  # shown as it is written


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (
            {"name": "ops", "webhook": {"url_env": "NBZBX_WEBHOOK_OPS"}, "events": ["drifts"]},
            "notify[0].events[0]: input should be 'run_failed', 'dead_run', 'drift', 'blocked'"
            " or 'applied'",
        ),
        (
            {"name": "ops", "webhook": {"url_env": "NBZBX_NETBOX_TOKEN"}, "events": ["drift"]},
            "notify[0].webhook.url_env: the name of an environment variable NBZBX_WEBHOOK_<NAME>",
        ),
        (
            {"name": "ops", "events": ["drift"]},
            "target ops: give exactly one of email or webhook",
        ),
        (
            {
                "name": "ops",
                "email": {"host": "h", "from": "n@x.org", "to": ["o@x.org"], "password": "p"},
                "events": ["drift"],
            },
            "notify[0].email.password: extra inputs are not permitted",
        ),
        (
            {
                "name": "ops",
                "email": {"host": "h", "from": "n@x.org", "to": []},
                "events": ["drift"],
            },
            "notify[0].email.to: list should have at least 1 item",
        ),
        (
            {"name": "Ops!", "webhook": {"url_env": "NBZBX_WEBHOOK_OPS"}, "events": ["drift"]},
            "notify[0].name: string should match pattern",
        ),
    ],
)
def test_invalid_targets_are_refused_in_one_line_naming_the_setting(
    target: dict, expected: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(env=notify_env([target]))
    message = str(caught.value)
    assert message.startswith("notify: this value is not allowed (")
    assert expected in message
    assert "\n" not in message and message.endswith("[from NBZBX_NOTIFY]")


def test_a_webhook_url_given_as_the_variable_is_never_repeated() -> None:
    url = "https://hooks.slack.com/services/" + SECRET
    target = {"name": "ops", "webhook": {"url_env": url}, "events": ["drift"]}
    for env in (notify_env([target]), {"NBZBX_NOTIFY": "[{" + url}):
        with pytest.raises(SettingsError) as caught:
            load_settings(env=env)
        assert SECRET not in str(caught.value)
        assert str(caught.value).startswith("notify: ")


def test_each_target_name_once() -> None:
    target = {"name": "ops", "webhook": {"url_env": "NBZBX_WEBHOOK_OPS"}, "events": ["drift"]}
    with pytest.raises(SettingsError, match=r"each target name once \(ops twice\)"):
        load_settings(env=notify_env([target, target]))
