"""The plugin host: discovers, enables and replaces plugins, and calls their hooks.

Plugins are found through the ``switchboard.plugins`` entry-point group; core
registers its own contributions through the same group under the name ``core``.
Configuration (``SWITCHBOARD_PLUGINS``, ``SWITCHBOARD_PLUGINS_DISABLED``) narrows
the set. Two entry points with one name: the one outside the ``switchboard``
distribution wins, which is how a partner replaces a built-in module.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import pluggy

from . import hookspecs
from .config import Settings
from .errors import ConfigurationError

GROUP = "switchboard.plugins"
CORE = "core"
BUILTIN_DIST = "switchboard"


@dataclass(frozen=True)
class PluginInfo:
    """What ``switchboard plugins list`` shows for one plugin."""

    name: str
    module: str
    distribution: str
    version: str
    builtin: bool
    enabled: bool
    replaces: str | None = None


def _dist(ep: EntryPoint) -> tuple[str, str]:
    dist = getattr(ep, "dist", None)
    return (dist.metadata["Name"], dist.version) if dist is not None else ("?", "?")


class PluginHost:
    """One pluggy manager with the enabled plugins registered under their names.

    ``builtin_only`` ignores plugins of other distributions (the committed SDL
    snapshots describe what Switchboard itself ships).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        entry_points_enabled: bool = True,
        builtin_only: bool = False,
        extra: Iterable[tuple[str, Any]] = (),
    ) -> None:
        self.settings = settings
        self.pm = pluggy.PluginManager("switchboard")
        self.pm.add_hookspecs(hookspecs)
        self.infos: list[PluginInfo] = []
        candidates: dict[str, tuple[Any, PluginInfo]] = {}
        if entry_points_enabled:
            for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
                dist, version = _dist(ep)
                builtin = dist.lower() == BUILTIN_DIST
                if builtin_only and not builtin:
                    continue
                info = PluginInfo(ep.name, ep.value, dist, version, builtin, True)
                previous = candidates.get(ep.name)
                if previous is not None:
                    if not builtin:  # a partner's module replaces the built-in one
                        self.infos.append(_disabled(previous[1]))
                        candidates[ep.name] = (ep, _replacing(info))
                    else:
                        self.infos.append(_disabled(info))
                        candidates[ep.name] = (previous[0], _replacing(previous[1]))
                    continue
                candidates[ep.name] = (ep, info)
        else:
            candidates[CORE] = (
                "switchboard.core.plugin",
                PluginInfo(CORE, "switchboard.core.plugin", BUILTIN_DIST, "", True, True),
            )
        for name, plugin in extra:
            module = getattr(plugin, "__name__", repr(plugin))
            info = PluginInfo(name, module, "(registered)", "", False, True)
            if name in candidates:
                self.infos.append(_disabled(candidates[name][1]))
                info = _replacing(info)
            candidates[name] = (plugin, info)
        if CORE not in candidates:
            raise ConfigurationError("the core plugin is not installed: reinstall switchboard")
        for name, (target, info) in candidates.items():
            if not self._wanted(name):
                self.infos.append(_disabled(info))
                continue
            self.pm.register(_load(target), name=name)
            self.infos.append(info)
        self._check_requirements()
        self.pm.check_pending()
        self.infos.sort(key=lambda i: (i.name, not i.enabled))

    def _wanted(self, name: str) -> bool:
        if name == CORE:
            return True
        if name in self.settings.plugins_disabled:
            return False
        return not self.settings.plugins_enabled or name in self.settings.plugins_enabled

    def _check_requirements(self) -> None:
        names = set(self.names())
        for name in names:
            for required in getattr(self.pm.get_plugin(name), "requires", ()):
                if required not in names:
                    raise ConfigurationError(f"plugin {name!r} requires plugin {required!r}, which is not enabled")

    @property
    def hook(self):
        """The pluggy hook relay (``host.hook.switchboard_permissions()``)."""
        return self.pm.hook

    def names(self) -> list[str]:
        """Names of the enabled plugins, core first."""
        names = [name for name, _ in self.pm.list_name_plugin()]
        return sorted(names, key=lambda n: (n != CORE, n))

    def collect(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a hook on every plugin; return ``(plugin name, result)`` for non-None results."""
        results = []
        for impl in getattr(self.pm.hook, hook_name).get_hookimpls():  # registration order
            value = impl.function(*[kwargs[arg] for arg in impl.argnames])
            if value is not None:
                results.append((impl.plugin_name, value))
        return results

    def call_each(self, hook_name: str, **kwargs: Any) -> list[tuple[str, BaseException]]:
        """Call a hook on every plugin, each isolated from the others' failures.

        Returns ``(plugin name, exception)`` for those that raised (for notifications,
        such as audit sinks, where one broken receiver must not starve the rest).
        """
        failures = []
        for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
            try:
                impl.function(*[kwargs[arg] for arg in impl.argnames])
            except Exception as exc:  # noqa: BLE001 (reported to the caller)
                failures.append((impl.plugin_name, exc))
        return failures

    def flat(self, hook_name: str, **kwargs: Any) -> list[Any]:
        """Call a list-returning hook on every plugin; concatenate the lists."""
        out: list[Any] = []
        for _, value in self.collect(hook_name, **kwargs):
            out.extend(value)
        return out


def _disabled(info: PluginInfo) -> PluginInfo:
    return PluginInfo(**{**info.__dict__, "enabled": False})


def _replacing(info: PluginInfo) -> PluginInfo:
    return PluginInfo(**{**info.__dict__, "replaces": info.name})


def _load(target: Any) -> Any:
    if isinstance(target, EntryPoint):
        return target.load()
    if isinstance(target, str):
        return importlib.import_module(target)
    return target
