"""``dramatiq workers.run``: the broker and every job actor (``gtpptppo worker`` runs this).

Importing it sets up the broker named by ``GTPPTPPO_BROKER_URL`` and declares one actor per
job kind: those of every ``gtpptppo_api.<domain>.tasks`` module and of the modules listed in
``GTPPTPPO_EXTRA_ACTOR_MODULES``. Each worker process also runs the reconciler that re-sends
jobs whose message was lost (see ``gtpptppo_api.jobs``).
"""

from __future__ import annotations

import dramatiq

from gtpptppo_api.jobs import broker as jobs_broker
from gtpptppo_api.kit import tracing
from gtpptppo_api.observability import logs
from gtpptppo_api.settings import get_settings

settings = get_settings()
# `gtpptppo worker` runs Dramatiq with --skip-logging: each process logs as configured, to
# the standard error Dramatiq collects from it.
logs.configure(settings)
tracing.start()
broker: dramatiq.Broker = jobs_broker.start(settings, worker=False).broker
if settings.worker_metrics_port is not None:
    # After `gtpptppo worker` has set up the multiprocess folder and the port it serves.
    from dramatiq.middleware.prometheus import Prometheus

    broker.add_middleware(Prometheus())

__all__ = ["broker"]
