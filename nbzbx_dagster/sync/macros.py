"""User macros from NetBox: what a host config asks for, how it compares, what the plan writes.

A host config's macros come from its ``zabbix_macros`` custom field, a JSON object of macro
name to value: a text value (``"public"``) or a secret one read from the environment
(``{"secret_env": "NBZBX_MACRO_DB_PASSWORD"}``). Only variables named ``NBZBX_MACRO_*`` may be
named, so a NetBox edit cannot copy the project's own credentials into Zabbix.

The project manages only the macros it wrote: they carry its mark in their description
(:func:`macro_mark`). A macro made by hand stays, in strict mode too; one of the same name as a
wanted macro is taken over (its value set, the mark added) and the plan says so. A secret
macro's value is never read back by Zabbix, so it is compared by name and type only, written
when it is missing, and never stored, shown or logged: the plan holds the variable's name and
the apply reads the value on its way to Zabbix.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

MACRO_NAME = re.compile(r"^\{\$[A-Z0-9_.]+(:.*)?\}$", re.DOTALL)
SECRET_ENV = re.compile(r"^NBZBX_MACRO_[A-Z0-9_]+$")
SECRET_SHOWN = "(secret)"
VAULT_SHOWN = "(vault secret)"


class MacroError(ValueError):
    """A macro that cannot be written: a bad name or value, or a missing secret."""


def macro_mark(tag_prefix: str) -> str:
    """The description of the macros the project manages (the prefix tells deployments apart)."""
    return f"Managed by nbzbx from NetBox ({tag_prefix})"


def desired_macros(value: Any, environ: Mapping[str, str] | None = None) -> list[dict[str, str]]:
    """The macros a ``zabbix_macros`` value asks for, sorted by name: ``{macro, type, value}``
    for text, ``{macro, type: "secret", secret_env}`` for a secret (whose variable must be set).
    Raises MacroError naming the macro."""
    if value in (None, "", {}):
        return []
    if not isinstance(value, dict):
        raise MacroError(f"zabbix_macros must be a JSON object of macro to value, not {value!r}")
    environ = os.environ if environ is None else environ
    out = []
    for name, raw in sorted(value.items()):
        if not MACRO_NAME.match(name):
            raise MacroError(
                f"zabbix_macros: {name!r} is not a Zabbix user macro name: {{$NAME}} or "
                "{$NAME:context}, NAME in capitals, digits, '_' and '.'"
            )
        if isinstance(raw, dict) and set(raw) == {"secret_env"}:
            env = str(raw["secret_env"])
            if not SECRET_ENV.match(env):
                raise MacroError(
                    f"zabbix_macros: {name}: secret_env must name a variable NBZBX_MACRO_*, "
                    f"not {env!r}"
                )
            secret_value(name, env, environ)  # checked now: the status says what is missing
            out.append({"macro": name, "type": "secret", "secret_env": env})
        elif isinstance(raw, str | int | float) and not isinstance(raw, bool):
            out.append({"macro": name, "type": "text", "value": str(raw)})
        else:
            raise MacroError(
                f'zabbix_macros: {name}: a value is text or {{"secret_env": "NBZBX_MACRO_…"}}, '
                f"not {raw!r}"
            )
    return out


def shown(macro: Mapping[str, Any]) -> str:
    """A macro's value as people read it: a text value quoted, a secret never."""
    kind = macro.get("type")
    if kind == "text":
        return repr(macro.get("value", ""))
    return VAULT_SHOWN if kind == "vault" else SECRET_SHOWN


def _by_name(
    actual: Sequence[Mapping[str, Any]], mark: str
) -> tuple[dict[str, Mapping[str, Any]], set[str]]:
    """A host's macros by name, and the names of those the project wrote (its mark)."""
    have = {m["macro"]: m for m in actual}
    return have, {name for name, m in have.items() if m.get("description") == mark}


def compare_macros(
    desired: Sequence[Mapping[str, Any]], actual: Sequence[Mapping[str, Any]], mark: str
) -> tuple[dict[str, Any] | None, list[str]]:
    """The difference (``{netbox, zabbix, by_hand}``: name to shown value, and the hand-made
    macros of a wanted name), or None; and the hand-made macros nobody asks for, which stay."""
    want = {m["macro"]: shown(m) for m in desired}
    have, mine = _by_name(actual, mark)
    ours = {name: shown(have[name]) for name in mine}
    by_hand = sorted(name for name in want if name in have and name not in ours)
    kept = sorted(name for name in have if name not in ours and name not in want)
    zabbix = {**ours, **{name: shown(have[name]) for name in by_hand}}
    if want == ours and not by_hand:
        return None, kept
    return {"netbox": want, "zabbix": zabbix, "by_hand": by_hand}, kept


def macro_writes(
    hostid: str,
    desired: Sequence[Mapping[str, Any]],
    actual: Sequence[Mapping[str, Any]],
    mark: str,
) -> dict[str, list[Any]]:
    """``macros_create``/``macros_update`` (with the mark, a secret by its variable) and
    ``macros_delete`` (ids of the project's macros no longer wanted), the empty ones left out."""
    have, ours = _by_name(actual, mark)
    create, update = [], []
    for macro in desired:
        spec = {**macro, "description": mark}
        found = have.get(macro["macro"])
        if found is None:
            create.append({**spec, "hostid": hostid})
        elif found["macro"] not in ours or shown(found) != shown(macro):
            update.append({**spec, "hostmacroid": found["hostmacroid"]})
    wanted = {m["macro"] for m in desired}
    delete = sorted(have[name]["hostmacroid"] for name in ours - wanted)
    writes = {"macros_create": create, "macros_update": update, "macros_delete": delete}
    return {kind: items for kind, items in writes.items() if items}


def with_secret_values(
    macros: Sequence[Mapping[str, Any]], environ: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The macros as Zabbix takes them: a secret's value read from its variable now, on its way
    to Zabbix (MacroError, naming the variable, when it is gone)."""
    environ = os.environ if environ is None else environ
    out = []
    for macro in macros:
        one = {k: v for k, v in macro.items() if k != "secret_env"}
        if "secret_env" in macro:
            one["value"] = secret_value(macro["macro"], macro["secret_env"], environ)
        out.append(one)
    return out


def secret_value(name: str, env: str, environ: Mapping[str, str]) -> str:
    """The secret macro ``name``'s value from its variable ``env``; MacroError when unset."""
    value = environ.get(env)
    if not value:
        raise MacroError(f"macro {name}: the environment variable {env} is not set")
    return value
