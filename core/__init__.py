"""Switchboard core: scope graph, workforce model, row security, identity, audit, plugin host."""
