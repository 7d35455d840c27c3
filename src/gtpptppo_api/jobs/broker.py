"""The broker, one actor per job kind, and the worker side: its engine and the reconciler.

``GTPPTPPO_BROKER_URL`` picks the broker: unset, a ``StubBroker`` with a ``dramatiq.Worker``
inside the API process (embedded mode); ``amqp://...``, ``RabbitmqBroker`` with publisher
confirms; ``redis://...``, ``RedisBroker``. One process has one runtime at a time
(Dramatiq's event loop thread for async actors is process-wide).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import threading
from collections.abc import Callable

import dramatiq
import structlog
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import AsyncIO, Middleware
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from gtpptppo_api.db import after_commit
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from gtpptppo_api.db.keystore import KeyStore
from gtpptppo_api.jobs import registry, runner, service
from gtpptppo_api.jobs.registry import JobSpec
from gtpptppo_api.jobs.runner import SessionFactory
from gtpptppo_api.kit import tracing
from gtpptppo_api.settings import Settings

logger = logging.getLogger(__name__)

EMBEDDED_WORKER_TIMEOUT_MS = 200
# Dramatiq's own time limit on a run, past the one ``runner.perform`` keeps.
TIME_LIMIT_BACKSTOP_SECONDS = 30


def create_broker(settings: Settings) -> dramatiq.Broker:
    """The broker named by ``settings.broker_url`` (a StubBroker when it is unset)."""
    url = settings.broker_url
    broker: dramatiq.Broker
    if not url:
        broker = StubBroker()
    elif url.startswith(("amqp://", "amqps://")):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        broker = RabbitmqBroker(url=url, confirm_delivery=True)
    elif url.startswith(("redis://", "rediss://", "unix://")):
        from dramatiq.brokers.redis import RedisBroker

        broker = RedisBroker(url=url, namespace=settings.broker_namespace)  # type: ignore[no-untyped-call]
    else:
        raise ValueError(f"GTPPTPPO_BROKER_URL must be amqp://... or redis://...: {url!r}")
    broker.add_middleware(AsyncIO())
    return broker


class Runtime:
    """This process's broker and actors; with a worker, its engine and reconciler too."""

    def __init__(self, settings: Settings, broker: dramatiq.Broker) -> None:
        self.settings = settings
        self.broker = broker
        self.embedded = isinstance(broker, StubBroker)
        self.worker: dramatiq.Worker | None = None
        # Set once the worker's start-up reconcile pass has run.
        self.reconciled = threading.Event()
        self._engine: AsyncEngine | None = None
        self._sessionmaker: async_sessionmaker[AsyncSession] | None = None
        self._listener: Callable[[JobSpec], None] = self.declare
        broker.add_middleware(_JobsMiddleware(self))
        for spec in registry.specs():
            self.declare(spec)
        registry.on_register(self._listener)

    @property
    def renews_leases(self) -> bool:
        """PostgreSQL: a running job's lease is renewed (``runner.lease_kept``). SQLite: the
        job's transaction holds the write lock from its first statement, so its lease cannot
        be renewed, and no other worker can claim the job until that transaction ends."""
        return not self.settings.is_sqlite

    def queue_name(self, queue: str) -> str:
        return f"{self.settings.broker_namespace}.{queue}"

    def declare(self, spec: JobSpec) -> None:
        """Declare the actor of a job kind: it runs the job whose id its message carries."""
        if spec.kind in self.broker.actors:
            return
        settings = self.settings

        async def run_job(job_id: int) -> None:
            # Every log line of the run names the job (and its trace, when tracing is on).
            with (
                structlog.contextvars.bound_contextvars(job_id=job_id, job_kind=spec.kind),
                tracing.job_span(spec.kind, job_id),
            ):
                await runner.perform(
                    job_id,
                    sessions=self.sessions,
                    lease_seconds=settings.job_lease_seconds,
                    renew=self.renews_leases,
                    time_limit=settings.job_time_limit_seconds,
                )

        run_job.__name__ = run_job.__qualname__ = spec.kind.replace(".", "_")
        dramatiq.Actor[[int], None](
            run_job,
            broker=self.broker,
            actor_name=spec.kind,
            queue_name=self.queue_name(spec.queue),
            priority=0,
            options={
                "max_retries": spec.max_attempts - 1,
                "min_backoff": settings.job_min_backoff_ms,
                "max_backoff": max(
                    settings.job_min_backoff_ms, int(settings.job_resend_after_seconds * 1000)
                ),
                # A backstop: ``perform`` stops a run at its limit; past this too, the
                # worker thread stops waiting for it (``gtpptppo worker`` processes).
                "time_limit": int(
                    (settings.job_time_limit_seconds + TIME_LIMIT_BACKSTOP_SECONDS) * 1000
                ),
            },
        )

    def sessions(self) -> AsyncSession:
        """A session of the worker's own engine, made on first use in the worker's loop."""
        if self._sessionmaker is None:
            self._engine = create_engine(
                self.settings.database_url,
                echo=self.settings.sql_echo,
                pool_size=self.settings.database_pool_size,
            )
            tracing.trace_engine(self._engine, tracing.start())
            self._sessionmaker = create_sessionmaker(self._engine)
        return self._sessionmaker()

    async def dispose_engine(self) -> None:
        engine, self._engine, self._sessionmaker = self._engine, None, None
        if engine is not None:
            await engine.dispose()
        # the key store's engine of this loop too (jobs read and delete data keys)
        await KeyStore.for_url(self.settings.key_store).dispose()

    def send_now(self, jobs: list[tuple[int, str]]) -> None:
        """Send one message per job (blocking: RabbitMQ waits for the publisher confirm)."""
        for job_id, kind in jobs:
            if kind not in self.broker.actors:
                logger.error("job %s: no handler registered for kind %r here", job_id, kind)
                continue
            self.broker.get_actor(kind).send(job_id)

    async def reconcile_once(
        self, *, startup: bool = False, sessions: SessionFactory | None = None
    ) -> int:
        """Re-send jobs whose message may be lost; fail those out of attempts. Return sent count.

        At start-up in embedded mode the in-memory broker is new, so every pending job's
        message is gone: they are all sent at once.
        """
        now = utcnow()
        resend_after = 0.0 if startup and self.embedded else self.settings.job_resend_after_seconds
        kinds = sorted(self.broker.actors)
        async with (sessions or self.sessions)() as session:
            failed = await service.fail_exhausted(session, now)
            due = await service.due_for_sending(session, now, resend_after, kinds)
            await session.commit()
        if failed:
            logger.warning(
                "reconciler: %s job(s) failed: lease expired on the last attempt", failed
            )
        if due:
            logger.info("reconciler: re-sending %s job(s)", len(due))
            await asyncio.to_thread(self.send_now, due)
        return len(due)

    async def reconcile_forever(self) -> None:
        """At start-up and every ``job_reconcile_seconds``: ``reconcile_once``."""
        startup = True
        while True:
            try:
                await self.reconcile_once(startup=startup)
                startup = False
                self.reconciled.set()
            except Exception:
                logger.exception("reconciler: pass failed; trying again")
            await asyncio.sleep(self.settings.job_reconcile_seconds)

    def start_worker(self, *, threads: int | None = None) -> dramatiq.Worker:
        """Run a worker in this process (embedded mode, tests)."""
        worker = dramatiq.Worker(
            self.broker,
            worker_threads=threads or self.settings.worker_threads,
            worker_timeout=EMBEDDED_WORKER_TIMEOUT_MS,
        )
        worker.start()
        self.worker = worker
        return worker

    def close(self) -> None:
        """Stop the worker (waiting for running jobs) and close the broker (blocking)."""
        registry.remove_listener(self._listener)
        if self.worker is not None:
            self.worker.stop()
            self.worker = None
        self.broker.close()


class _JobsMiddleware(Middleware):
    """Runs the reconciler on the worker's event loop and disposes of its engine at the end."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.reconciler: concurrent.futures.Future[None] | None = None

    def after_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        thread = get_event_loop_thread()
        assert thread is not None  # the AsyncIO middleware started it before this hook
        if self.runtime.embedded:
            # In the API process: the worker's threads (its event loop runs the jobs) yield
            # to the threads serving requests. `gtpptppo worker` lowers its whole process.
            threads = [thread, *worker.consumers.values(), *worker.workers]
            lower_priority(self.runtime.settings.worker_niceness, threads)
        self.reconciler = asyncio.run_coroutine_threadsafe(
            self.runtime.reconcile_forever(), thread.loop
        )

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        if self.reconciler is not None:
            self.reconciler.cancel()
            self.reconciler = None

    def after_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        thread = get_event_loop_thread()
        if thread is not None and thread.loop.is_running():
            future = asyncio.run_coroutine_threadsafe(self.runtime.dispose_engine(), thread.loop)
            future.result(timeout=30)


def lower_priority(niceness: int, threads: list[threading.Thread] | None = None) -> None:
    """Run below the API in the machine's scheduling: ``niceness`` more (Unix nice) for
    ``threads`` (Linux schedules threads one by one), or for this process and what it
    starts. Where the platform has no such thing, or refuses, it is left as it is."""
    if niceness <= 0 or not hasattr(os, "setpriority"):
        return
    try:
        if threads is None:
            os.nice(niceness)
            return
        for thread in threads:
            if thread.native_id is not None:
                now = os.getpriority(os.PRIO_PROCESS, thread.native_id)
                os.setpriority(os.PRIO_PROCESS, thread.native_id, min(now + niceness, 19))
    except OSError as exc:  # not permitted, or a thread that has ended
        logger.info("worker priority left as it is: %s", exc)


_runtime: Runtime | None = None


def current() -> Runtime | None:
    return _runtime


def start(settings: Settings, *, worker: bool | None = None) -> Runtime:
    """Set up this process's broker and actors; with ``worker`` (default: in embedded mode),
    also start a worker here. Blocking; call ``stop()`` at the end.
    """
    global _runtime
    if _runtime is not None:
        raise RuntimeError("the job runtime is already started in this process")
    registry.autodiscover(settings.extra_actor_modules)
    broker = create_broker(settings)
    dramatiq.set_broker(broker)
    runtime = Runtime(settings, broker)
    _runtime = runtime
    after_commit.set_sender(_send_committed)
    try:
        if worker if worker is not None else runtime.embedded:
            runtime.start_worker()
    except BaseException:
        stop()
        raise
    return runtime


def stop() -> None:
    """Stop the worker, if any, and close the broker (blocking)."""
    global _runtime
    runtime, _runtime = _runtime, None
    after_commit.set_sender(None)
    if runtime is not None:
        runtime.close()


async def _send_committed(jobs: list[tuple[int, str]]) -> None:
    """The sender of ``db.after_commit``: ``send``, looked up when called."""
    await send(jobs)


async def send(jobs: list[tuple[int, str]]) -> None:
    """Send the messages of committed jobs; failures are logged (the reconciler re-sends)."""
    runtime = _runtime
    if runtime is None:
        logger.debug("no broker in this process; the reconciler will send %s job(s)", len(jobs))
        return
    try:
        await asyncio.to_thread(runtime.send_now, jobs)
    except Exception:
        logger.warning(
            "could not send %s job(s); the reconciler will re-send", len(jobs), exc_info=True
        )
