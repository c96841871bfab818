"""The ``notify`` setting: where operators are told what changed, and which events they hear of.

A target is an e-mail relay or an incoming webhook. Secrets are never settings: the SMTP password
comes from ``NBZBX_SMTP_PASSWORD`` and a webhook's URL (which carries its secret) from the
environment variable the target names, so neither reaches the settings file, the state store or
``nbzbx settings show``.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NotifyEvent = Literal["run_failed", "dead_run", "drift", "blocked", "applied"]
TARGET_NAME = r"^[a-z][a-z0-9_-]{0,31}$"
WEBHOOK_ENV = r"^NBZBX_WEBHOOK_[A-Z0-9_]+$"
"""Only these variables may hold a webhook URL: a target naming another (a token's) would POST
to it."""
ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")


class EmailTarget(BaseModel):
    """An SMTP relay; the password (when ``user`` is set) is ``NBZBX_SMTP_PASSWORD``."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        validate_by_name=True,
        serialize_by_alias=True,
    )

    host: str = Field(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9_.:\[\]-]+$")
    """The SMTP server's name or address."""
    port: int = Field(25, ge=1, le=65535, strict=True)
    starttls: bool = Field(False, strict=True)
    """Upgrade the connection with STARTTLS (verified against the system's CAs) before sending."""
    sender: str = Field(alias="from")
    """The From address."""
    to: list[str] = Field(min_length=1)
    """The recipients' addresses."""
    user: str | None = Field(None, min_length=1)
    """SMTP login user; unset: no login."""

    @field_validator("sender", "to")
    @classmethod
    def _addresses(cls, value: str | list[str]) -> str | list[str]:
        for address in [value] if isinstance(value, str) else value:
            if not ADDRESS.match(address):
                raise ValueError(f"{address!r} is not an e-mail address")
        return value


class WebhookTarget(BaseModel):
    """An incoming webhook (Slack, Mattermost, Microsoft Teams): a JSON POST with ``text``."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    url_env: str
    """The environment variable holding the URL, ``NBZBX_WEBHOOK_<NAME>``."""

    @field_validator("url_env")
    @classmethod
    def _env_name(cls, value: str) -> str:
        # the message never repeats the value: a URL put here by mistake is a secret
        if not re.fullmatch(WEBHOOK_ENV, value):
            raise ValueError(
                "the name of an environment variable NBZBX_WEBHOOK_<NAME> (A-Z, 0-9, _) "
                "holding the URL, not the URL"
            )
        return value


class NotifyTarget(BaseModel):
    """One target: its name, the events it hears of, and either ``email`` or ``webhook``."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    name: str = Field(pattern=TARGET_NAME)
    """Lower-case letters, digits, _ and -; names the target in lines and ``--target``."""
    events: list[NotifyEvent] = Field(min_length=1)
    email: EmailTarget | None = None
    webhook: WebhookTarget | None = None

    @field_validator("events")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _one_kind(self) -> NotifyTarget:
        if (self.email is None) == (self.webhook is None):
            raise ValueError(f"target {self.name}: give exactly one of email or webhook")
        return self

    @property
    def kind(self) -> str:
        return "email" if self.email is not None else "webhook"
