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
from pluggy import HookCaller, HookRelay

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
        # pluggy calls the last registered first: registering in reverse makes its call
        # order the order of the names (partners' extra plugins last)
        for name, (target, info) in reversed(candidates.items()):
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
    def hook(self) -> HookRelay:
        """The pluggy hook relay: ``host.hook.switchboard_job_handlers()`` calls every implementation."""
        return self.pm.hook

    def names(self) -> list[str]:
        """Names of the enabled plugins, core first."""
        names = [name for name, _ in self.pm.list_name_plugin()]
        return sorted(names, key=lambda n: (n != CORE, n))

    def calls(self, caller: HookCaller) -> list[tuple[str, HookCaller]]:
        """Each implementation of ``caller`` as its own pluggy call, with its plugin's name.

        In pluggy's call order (``tryfirst`` first, then the plugins in the order of
        their names, ``trylast`` last). Each call still goes through pluggy (argument
        checks, monitoring). A wrapper is refused: here a contribution must have one owner.
        """
        impls = caller.get_hookimpls()
        wrappers = sorted(i.plugin_name for i in impls if i.hookwrapper or i.wrapper)
        if wrappers:
            raise ConfigurationError(f"{caller.name} is not wrappable: plugin(s) {', '.join(map(repr, wrappers))}"
                                     " implement it as a wrapper")
        return [(impl.plugin_name, self.pm.subset_hook_caller(
                    caller.name, remove_plugins=[i.plugin for i in impls if i is not impl]))
                for impl in reversed(impls)]  # get_hookimpls() lists them in reverse call order

    def owned(self, caller: HookCaller, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a hook; ``(plugin name, result)`` of each implementation that returned something.

        For contributions whose owner matters (duplicate fields, permission keys,
        constraint names, start-up problems); name the hook literally:
        ``host.owned(host.hook.switchboard_permission_declarations)``.
        """
        owned = []
        for name, call in self.calls(caller):
            for result in call(**kwargs):  # one implementation: at most one result
                owned.append((name, result))
        return owned

    def isolated(self, caller: HookCaller, **kwargs: Any) -> list[tuple[str, BaseException]]:
        """Call every implementation of a hook, each isolated from the others' failures.

        Returns ``(plugin name, exception)`` for those that raised (for notifications,
        such as audit sinks, where one broken receiver must not starve the rest).
        """
        failures = []
        for name, call in self.calls(caller):
            try:
                call(**kwargs)
            except Exception as exc:  # noqa: BLE001 (reported to the caller)
                failures.append((name, exc))
        return failures


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
