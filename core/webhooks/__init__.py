"""Webhooks for partners: endpoints a tenant registers, an outbox written with each change,
and deliveries the worker signs, sends and retries.

A module announces its event types through ``switchboard_webhook_event_types`` and writes
an event with :func:`switchboard.core.webhooks.events.emit` in the transaction that makes
the change; the event fans out to the endpoints that want it there and then, and
:class:`switchboard.core.webhooks.dispatcher.Dispatcher` delivers it.
"""
