"""``[tool.hermetic]`` in ``pyproject.toml``: default fields and named profiles.

Read by the pytest plugin for the session policy, and by the launcher
(through ``main()``, run with hermetic's own interpreter) when a command
line asks for a file.  Policies are keyword dictionaries for
``hermetic_blocker``; the C core validates them.

    [tool.hermetic]
    block_network = true
    allow_domains = ["pypi.org"]

    [tool.hermetic.profiles.ci]
    block_subprocess = true
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Iterable
from typing import Any

from hermetic import _core

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9 and 3.10 only
    import tomli as tomllib

FIELDS = {name: kind for name, _cli, kind in _core.FIELDS}
Policy = dict[str, Any]


class ConfigError(Exception):
    """A bad file, key or value: one line that names the file and the key,
    and a hint when there is something to say about the fix."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def wrap(self, prefix: str) -> ConfigError:
        """The same error with prefix before the message."""
        return ConfigError(f"{prefix}{self}", self.hint)

    def full(self) -> str:
        """The message, and the hint on a second line."""
        return f"{self}\nhint: {self.hint}" if self.hint else str(self)


# The core speaks Python (True, str); a file is TOML (true, string).
TOML_TYPES = {
    "str": "a string",
    "int": "an integer",
    "float": "a float",
    "bool": "a boolean",
    "list": "an array",
    "dict": "a table",
    "datetime": "a date-time",
    "date": "a date",
    "time": "a time",
}


def _toml_words(message: str) -> str:
    """A type error of the core in TOML's words: 'must be true or false'."""
    message = message.replace("True, False or", "true, false or")
    message = message.replace("True or False", "true or false")
    message = message.replace("a list of str", "an array of strings")
    message = message.replace("items must be str", "items must be strings")
    message = message.replace("a str or", "a string or")
    message = message.replace("expected str, bytes or os.PathLike object", "expected a string")
    return re.sub(r"not (\w+)$", lambda m: "not " + TOML_TYPES.get(m[1], m[1]), message)


def _type_hint(message: str) -> str | None:
    """How to write the value the core asked for, in TOML."""
    key = message.split(" ", 1)[0].rstrip(":")
    kind = FIELDS.get(key)
    if kind == "bool":
        return f"write {key} = true"
    if kind == "list":
        return f'write {key} = ["..."], an array of strings'
    if kind == "level":
        return f'write {key} = true or {key} = "strict"'
    if kind == "path":
        return f'write {key} = "a/directory"'
    if key == "profile":
        return 'write profile = "name" or profile = ["a", "b"]'
    return None


class Config:
    """The ``[tool.hermetic]`` table of one file."""

    def __init__(
        self, path: str, defaults: Policy, profiles: dict[str, Policy], present: bool = True
    ) -> None:
        self.path = path
        self.defaults = defaults
        self.profiles = profiles
        self.present = present  # the file has a [tool.hermetic] table

    def policy(self, names: Iterable[str] = ()) -> Policy:
        """The defaults merged with the named profiles (built-in or custom)."""
        try:
            policy = self._expand(self.defaults, [])
            for name in names:
                policy = merge(policy, self._profile(name, []))
        except ConfigError as exc:
            raise exc.wrap(f"{self.path}: ") from None
        return policy

    def _expand(self, fields: Policy, seen: list[str]) -> Policy:
        """fields with the profiles it names merged in, without "profile"."""
        fields = dict(fields)
        policy: Policy = {}
        for name in _as_list(fields.pop("profile", [])):
            policy = merge(policy, self._profile(name, seen))
        return merge(policy, fields)

    def _profile(self, name: str, seen: list[str]) -> Policy:
        if name in _core.PROFILES:
            return {"profile": [name]}
        if name not in self.profiles:
            have = ", ".join(sorted(self.profiles)) or "none"
            raise ConfigError(
                f"unknown profile '{name}' (profiles here: {have})",
                f"built-in profiles: {', '.join(_built_profiles())}; "
                "custom ones are [tool.hermetic.profiles.NAME] tables",
            )
        if name in seen:
            raise ConfigError(f"[tool.hermetic.profiles.{name}] includes itself")
        return self._expand(self.profiles[name], [*seen, name])


def _built_profiles() -> list[str]:
    """The built-in profiles this version can run (none needing a missing guard)."""
    names = []
    for name in _core.PROFILES:
        try:
            _core.Policy(profile=name)
        except ValueError:
            continue
        names.append(name)
    return names


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    kind = TOML_TYPES.get(type(value).__name__, type(value).__name__)
    raise ConfigError(f"expected a string or an array of strings, not {kind}")


def merge(a: Policy, b: Policy) -> Policy:
    """a | b by union (SPEC section 2): booleans OR, lists concatenate."""
    out = dict(a)
    for key, value in b.items():
        if key not in out or value is None:
            out.setdefault(key, value)
        elif FIELDS.get(key) == "bool":
            out[key] = out[key] or value
        elif FIELDS.get(key) == "level":
            out[key] = "strict" if "strict" in (out[key], value) else out[key] or value
        elif key == "fs_root":
            if out[key] is not None and os.fspath(out[key]) != os.fspath(value):
                raise ConfigError(f"fs_root: two different roots: {out[key]} and {value}")
            out[key] = value
        else:
            out[key] = [*_as_list(out[key]), *_as_list(value)]
    return out


def check(policy: Policy, where: str) -> None:
    """Raises ConfigError unless the C core accepts policy.

    Custom profile names in "profile" are checked when they are expanded.
    """
    fields = dict(policy)
    for key in fields:
        if key not in FIELDS and key != "profile":
            near = difflib.get_close_matches(key, [*FIELDS, "profile"], n=1)
            hint = f"did you mean '{near[0]}'?" if near else "the keys: " + ", ".join(FIELDS)
            raise ConfigError(f"{where} unknown key '{key}'", hint)
    try:
        names = _as_list(fields.pop("profile", []))
        if not all(isinstance(name, str) for name in names):
            raise ConfigError("expected a string or an array of strings")
        _core.Policy(**fields, profile=[n for n in names if n in _core.PROFILES])
    except ConfigError as exc:
        raise ConfigError(f"{where} profile: {exc}", _type_hint("profile")) from None
    except TypeError as exc:
        raise ConfigError(f"{where} {_toml_words(str(exc))}", _type_hint(str(exc))) from None
    except ValueError as exc:
        hint = None
        if "not available" in str(exc):
            hint = "remove it: this version does not have that guard yet"
        elif "unknown profile" in str(exc):
            hint = f"built-in profiles: {', '.join(_built_profiles())}"
        raise ConfigError(f"{where} {exc}", hint) from None


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table")
    return value


def parse(text: str, path: str) -> Config:
    """The ``[tool.hermetic]`` table of a pyproject.toml's text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if not isinstance(data.get("tool", {}), dict):
        raise ConfigError(f"{path}: [tool] must be a table")
    if "hermetic" not in data.get("tool", {}):
        return Config(path, {}, {}, present=False)
    table = dict(_table(data["tool"]["hermetic"], f"{path}: [tool.hermetic]"))
    profiles = _table(table.pop("profiles", {}), f"{path}: [tool.hermetic.profiles]")
    check(table, f"{path}: [tool.hermetic]")
    for name, fields in profiles.items():
        where = f"{path}: [tool.hermetic.profiles.{name}]"
        if name in _core.PROFILES:
            raise ConfigError(f"{where} is a built-in profile; choose another name")
        check(_table(fields, where), where)
    config = Config(path, table, profiles)
    config.policy(profiles)  # unknown or circular inner profiles fail now
    return config


def load(path: str | os.PathLike[str], name: str | None = None) -> Config:
    """Reads and checks a pyproject.toml; ConfigError when it cannot.

    Messages call the file name, or path as given.
    """
    name = name or os.fspath(path)
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
        raise ConfigError(f"{name}: cannot read: {reason}") from None
    return parse(text, name)


def main(argv: list[str] | None = None) -> int:
    """``PATH [PROFILE...]``: prints the policy as a one-entry stack encoding.

    The launcher runs this with hermetic's interpreter and decodes the line
    with the same C code that reads HERMETIC_FLAGS_JSON.  An error is one
    line on stdout (and a second, ``hint: ...``, when the user can fix it)
    and status 1.  A file without [tool.hermetic] is an error when no
    profile is asked for: --config FILE then would do nothing.
    """
    path, *names = sys.argv[1:] if argv is None else argv
    try:
        config = load(path)
        if not config.present and not names:
            raise ConfigError(
                f"{path}: no [tool.hermetic] section",
                "add [tool.hermetic] to the file, or name another file",
            )
        policy = config.policy(names)
        print(_core.Policy(**policy).to_json())
    except ConfigError as exc:
        print(exc.full())
        return 1
    except (TypeError, ValueError) as exc:
        print(f"{path}: [tool.hermetic] {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
