"""The plugin contract's rules: pluggy's call order, owners, typed permission and constraint declarations."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from switchboard.core.authz.permission import Permission
from switchboard.core.authz.policy import Policy, UnknownPermission
from switchboard.core.db.constraints import ConstraintError, ConstraintErrors
from switchboard.core.errors import AccessError, ConfigurationError
from switchboard.core.hookspecs import hookimpl
from switchboard.core.identity.caller import Caller, Grant
from switchboard.core.plugin_host import PluginHost
from switchboard.schema.compose import compose


class Early:
    @staticmethod
    @hookimpl(tryfirst=True)
    def switchboard_graphql_types():
        return ["early"]


class Plain:
    @staticmethod
    @hookimpl
    def switchboard_graphql_types():
        return ["plain"]


def host_with(settings, *plugins) -> PluginHost:
    return PluginHost(settings, entry_points_enabled=False, extra=list(plugins))


def test_contributions_come_in_pluggys_call_order(template):
    """``owned`` yields what ``pm.hook.x()`` returns, in the same order: tryfirst first, then by name."""
    host = host_with(template, ("aaa", Plain), ("zzz", Early))
    owned = host.owned(host.hook.switchboard_graphql_types)
    assert [name for name, _ in owned] == ["zzz", "core", "aaa"]
    assert [result for _, result in owned] == host.pm.hook.switchboard_graphql_types()


def test_without_hints_entry_point_plugins_are_called_in_the_order_of_their_names(template):
    host = PluginHost(template)
    owned = host.owned(host.hook.switchboard_migrations)
    names = [name for name, _ in owned]
    assert names == sorted(names) and {"billing", "core", "scheduling", "timekeeping"} <= set(names)
    assert [folder for _, folder in owned] == host.pm.hook.switchboard_migrations()


class Wrapper:
    @staticmethod
    @hookimpl(wrapper=True)
    def switchboard_graphql_query():
        return (yield)


def test_a_wrapper_is_refused_where_contributions_have_owners(template):
    host = host_with(template, ("wrapping", Wrapper))
    with pytest.raises(ConfigurationError, match="switchboard_graphql_query .*'wrapping'.* wrapper"):
        compose(host, template)


class Broken:
    @staticmethod
    @hookimpl(tryfirst=True)
    def switchboard_audit_sink(events):
        raise RuntimeError("receiver down")


class Receiver:
    received: list = []

    @staticmethod
    @hookimpl
    def switchboard_audit_sink(events):
        Receiver.received.append(events)


def test_one_broken_audit_sink_does_not_starve_the_others(template):
    host = host_with(template, ("broken", Broken), ("receiver", Receiver))
    Receiver.received.clear()
    failures = host.isolated(host.hook.switchboard_audit_sink, events=[{"id": 1}])
    assert [(name, str(exc)) for name, exc in failures] == [("broken", "receiver down")]
    assert Receiver.received == [[{"id": 1}]]


class ScopeAgain:
    @staticmethod
    @hookimpl
    def switchboard_permission_declarations():
        return [Permission("scope.read", "Read scope, again")]


def test_a_permission_key_declared_twice_fails_start_up(template):
    with pytest.raises(ConfigurationError, match="'scope.read' is declared by both 'core' and 'again'"):
        Policy.from_host(host_with(template, ("again", ScopeAgain)))


class Legacy:
    """A partner plugin still on the three deprecated dict hooks."""

    @staticmethod
    @hookimpl
    def switchboard_permissions():
        return {"legacy.thing.read": "Read things", "legacy.thing.sign": "Sign things"}

    @staticmethod
    @hookimpl
    def switchboard_default_grants():
        return {"supervisor": ["legacy.thing.read", "scope.read"], "finance": ["legacy.thing.sign"]}

    @staticmethod
    @hookimpl
    def switchboard_sensitive_permissions():
        return ["legacy.thing.sign"]


def test_the_deprecated_permission_hooks_warn_and_still_count(template):
    with pytest.warns(DeprecationWarning, match="switchboard_permission_declarations"):
        host = host_with(template, ("legacy", Legacy))
    policy = Policy.from_host(host)
    assert policy.permissions["legacy.thing.read"] == "Read things"
    assert {"legacy.thing.read", "scope.read"} <= policy.grants["supervisor"]
    assert "legacy.thing.sign" in policy.grants["finance"] and "legacy.thing.sign" in policy.sensitive


def caller(policy: Policy, role: str) -> Caller:
    return Caller(user_id=uuid4(), tenant_id=uuid4(), kind="staff", email="x@example.com", display_name="X",
                  locale="en", employee_id=None, token_id=uuid4(), token_kind="session", mfa_at=datetime.now(UTC),
                  grants=[Grant(role)], bound_client_id=None, policy=policy)


def test_checking_an_undeclared_permission_key_raises_at_once(template):
    """A typo in a key is a programming error, not a silent FORBIDDEN."""
    policy = Policy.from_host(host_with(template))
    agent = caller(policy, "agent")
    for check in (agent.require, agent.require_somewhere, agent.can, agent.can_somewhere):
        with pytest.raises(UnknownPermission, match="'scope.raed'"):
            check("scope.raed")
    assert agent.can("scope.read") and not agent.can("scope.client.manage")
    with pytest.raises(AccessError, match="FORBIDDEN"):  # a declared key the caller lacks: FORBIDDEN
        agent.require("scope.client.manage")


class OverlapAgain:
    @staticmethod
    @hookimpl
    def switchboard_constraint_errors():
        return [ConstraintError("assignment_no_overlap", "MY_OVERLAP", "validFrom")]


def test_a_constraint_name_declared_twice_fails_start_up(template):
    host = host_with(template, ("again", OverlapAgain))
    with pytest.raises(ConfigurationError, match="'assignment_no_overlap' is declared by both 'core' and 'again'"):
        ConstraintErrors(host.owned(host.hook.switchboard_constraint_errors))


def test_constraint_errors_belong_to_the_enabled_plugins(template):
    from dataclasses import replace

    every = PluginHost(template)
    without = PluginHost(replace(template, plugins_disabled=("billing",)))
    assert "invoice_immutable" in ConstraintErrors(every.owned(every.hook.switchboard_constraint_errors))
    narrowed = ConstraintErrors(without.owned(without.hook.switchboard_constraint_errors))
    assert "invoice_immutable" not in narrowed and "assignment_no_overlap" in narrowed
