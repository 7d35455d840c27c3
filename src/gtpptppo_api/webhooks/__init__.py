"""Webhooks: apps of task forces and centres told of events in their jurisdiction.

Other domains call ``webhooks.events.emit`` in the transaction of the change; see
``events.py`` for the catalogue and the call.
"""
