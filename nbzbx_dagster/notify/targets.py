"""Sending one message to one target, and saying in one line what answered.

Secrets stay out of every line: the SMTP password (``NBZBX_SMTP_PASSWORD``) and the webhook URL
(read from the variable the target names) are never part of a returned line, and the errors of
``requests`` and ``smtplib``, which may quote them, are reworded and scrubbed."""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage

import requests

from nbzbx_dagster.settings.notify import EmailTarget, NotifyTarget, WebhookTarget

SMTP_PASSWORD_ENV = "NBZBX_SMTP_PASSWORD"
TIMEOUT_S = 10.0
SUBJECT_CHARS = 120


@dataclass(frozen=True)
class Delivery:
    """How one send went: ``line`` says what answered, or why nothing did."""

    ok: bool
    line: str


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every secret replaced, and on one line."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return " ".join(text.split())


def send(
    target: NotifyTarget,
    text: str,
    env: Mapping[str, str] = os.environ,
    timeout: float = TIMEOUT_S,
) -> Delivery:
    """Send ``text`` to ``target``; never raises for the target's failure."""
    if target.email is not None:
        return send_email(target.email, text, env, timeout)
    if target.webhook is not None:
        return send_webhook(target.webhook, text, env, timeout)
    return Delivery(False, "neither email nor webhook")  # the settings refuse it


def _connect_reason(exc: BaseException) -> str:
    """The operating system's reason behind a connection error (refused, unreachable, name
    unknown), found in its chain of causes; never the URL."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and current.strerror:
            return current.strerror
        todo += [current.__cause__, current.__context__]
        todo += [a for a in current.args if isinstance(a, BaseException)]
        todo.append(getattr(current, "reason", None))
    return "could not connect"


def send_webhook(
    webhook: WebhookTarget, text: str, env: Mapping[str, str], timeout: float
) -> Delivery:
    """A JSON POST of ``{"text": ...}``, the shape Slack, Mattermost and Teams webhooks take."""
    url = env.get(webhook.url_env, "").strip()
    if not url:
        return Delivery(False, f"webhook: {webhook.url_env} is not set")
    if not url.startswith(("http://", "https://")):
        return Delivery(False, f"webhook: {webhook.url_env} is not an http:// or https:// URL")
    try:
        response = requests.post(url, json={"text": text}, timeout=timeout)
    except requests.exceptions.SSLError:
        return Delivery(False, "webhook: TLS failed (certificate not verified)")
    except requests.exceptions.Timeout:
        return Delivery(False, f"webhook: no answer within {timeout:g} s")
    except requests.exceptions.ConnectionError as exc:
        return Delivery(False, f"webhook: {scrub(_connect_reason(exc), [url])}")
    except requests.exceptions.RequestException as exc:
        return Delivery(False, f"webhook: {type(exc).__name__}")
    if response.status_code >= 300:
        body = scrub(response.text[:100], [url])
        return Delivery(False, f"webhook answered {response.status_code}: {body}".rstrip(": "))
    return Delivery(True, f"webhook answered {response.status_code}")


def send_email(email: EmailTarget, text: str, env: Mapping[str, str], timeout: float) -> Delivery:
    """One mail to every recipient; the first line of ``text`` is its subject."""
    where = f"SMTP {email.host}:{email.port}"
    password = env.get(SMTP_PASSWORD_ENV) if email.user else None
    if email.user and not password:
        return Delivery(False, f"{where}: {SMTP_PASSWORD_ENV} is not set (user {email.user})")
    message = EmailMessage()
    subject = text.splitlines()[0] if text else "nbzbx"
    message["Subject"] = subject[:SUBJECT_CHARS]
    message["From"] = email.sender
    message["To"] = ", ".join(email.to)
    message.set_content(text)
    try:
        with smtplib.SMTP(email.host, email.port, timeout=timeout) as smtp:
            if email.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if email.user and password:
                smtp.login(email.user, password)
            refused = smtp.send_message(message)
    except smtplib.SMTPResponseException as exc:
        error = exc.smtp_error
        answer = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
        return Delivery(False, scrub(f"{where} answered {exc.smtp_code} {answer}", [password]))
    except smtplib.SMTPRecipientsRefused as exc:
        return Delivery(False, f"{where} refused every recipient ({len(exc.recipients)})")
    except TimeoutError:
        return Delivery(False, f"{where}: no answer within {timeout:g} s")
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        return Delivery(False, scrub(f"{where}: {reason}", [password]))
    accepted = len(email.to) - len(refused)
    line = f"{where} accepted for {accepted} recipient{'s' if accepted != 1 else ''}"
    if refused:
        line += f", refused {', '.join(sorted(refused))}"
    return Delivery(True, line)
