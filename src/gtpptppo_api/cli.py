"""The ``gtpptppo`` command: serve, worker, migrate, token, cells, keys, backup, restore,
import, openapi."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import shutil
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gtpptppo_api.auth.models import Role
from gtpptppo_api.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from gtpptppo_api.audit.models import AuditEvent

DEFAULT_SPEC = Path("openapi/openapi.json")

# The collector's thresholds while `gtpptppo serve` serves (Python's default: 700, 10, 10).
GC_THRESHOLDS = (20_000, 10, 10)


def _migrate(_args: argparse.Namespace) -> int:
    from gtpptppo_api.db.migrate import upgrade

    upgrade(get_settings().database_url, key_store_url=get_settings().key_store)
    print("database migrated to the latest revision", file=sys.stderr)
    return 0


@contextmanager
def serving_collector() -> Iterator[None]:
    """The garbage collector tuned for serving, the process's thresholds back after.

    Objects alive while a request is in flight (a push's items, its rows) otherwise go
    through the young generations into the old one within a few requests, and each process
    paused for a full collection every ~3 s under load (15-25 ms of CPU each, every request
    in flight waiting). What requests leave behind is freed by reference counting; only
    cycles wait longer. A setting of the serving process, not of the app.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from gtpptppo_api.app import create_app
    from gtpptppo_api.backup.lock import hold_serving
    from gtpptppo_api.db.migrate import upgrade
    from gtpptppo_api.observability import logs

    settings = get_settings()
    logs.configure(settings)
    # Embedded mode: a restore refuses the database while this process lives.
    held = hold_serving(settings.sqlite_path) if settings.sqlite_path else None
    upgrade(settings.database_url, key_store_url=settings.key_store)
    with serving_collector():
        uvicorn.run(
            create_app(settings),
            host=args.host,
            port=args.port,
            proxy_headers=True,
            log_config=None,  # logging is ours (logs.configure): JSON lines or console
            access_log=False,  # one line per request is ours, with the route and the caller
        )
    if held is not None:
        held.close()
    return 0


def _worker(args: argparse.Namespace) -> int:
    """Dramatiq worker processes (``dramatiq workers.run``), each with its reconciler."""
    settings = get_settings()
    if not settings.broker_url:
        print(
            "gtpptppo: GTPPTPPO_BROKER_URL is unset: in embedded mode `gtpptppo serve` runs "
            "the worker itself",
            file=sys.stderr,
        )
        return 2
    from gtpptppo_api.observability import logs

    metrics_dir = _worker_metrics_environment(settings)
    logs.configure(settings)
    from dramatiq.cli import main as dramatiq_main
    from dramatiq.cli import make_argument_parser

    # --skip-logging: each worker process logs as ``logs.configure`` says (workers.run).
    argv = ["workers.run:broker", "--skip-logging"]
    argv += ["--threads", str(args.threads or settings.worker_threads)]
    if args.processes:
        argv += ["--processes", str(args.processes)]
    parsed = make_argument_parser().parse_args(argv)  # type: ignore[no-untyped-call]
    from gtpptppo_api.jobs.broker import lower_priority

    # Below the API processes of the machine; the worker processes inherit it.
    lower_priority(settings.worker_niceness)
    try:
        result: int = dramatiq_main(parsed)  # type: ignore[no-untyped-call]
    finally:
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return result


def _worker_metrics_environment(settings: Any) -> str | None:
    """With ``GTPPTPPO_WORKER_METRICS_PORT``: Dramatiq's Prometheus middleware (added by
    ``workers.run``) serves the metrics of every worker process of this command on that
    port, from prometheus-client's multiprocess files in a folder of this run's own. Set
    before any worker process starts (and before prometheus-client is imported)."""
    if settings.worker_metrics_port is None:
        return None
    folder = tempfile.mkdtemp(prefix="gtpptppo-worker-metrics-")
    os.environ.update(
        {
            "dramatiq_prom_db": folder,
            "dramatiq_prom_host": settings.worker_metrics_host,
            "dramatiq_prom_port": str(settings.worker_metrics_port),
            "PROMETHEUS_MULTIPROC_DIR": folder,
        }
    )
    return folder


@asynccontextmanager
async def _transaction() -> AsyncIterator[AsyncSession]:
    """A session on the configured database, in one transaction committed at the end."""
    from gtpptppo_api.db.after_commit import dispatch_after_commit
    from gtpptppo_api.db.engine import create_engine, create_sessionmaker

    engine = create_engine(get_settings().database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            async with session.begin():
                yield session
            # what waits for the commit: an erasure's key deletion (privacy.erasure)
            await dispatch_after_commit(session)
    finally:
        await engine.dispose()


def _command_event(
    command: str, action: str, entity_type: str, entity_id: object, after: dict[str, Any]
) -> AuditEvent:
    """The audit event of a change made by ``gtpptppo <command>`` (no token: the machine)."""
    from gtpptppo_api.audit.models import AuditEvent

    return AuditEvent(
        actor_token_id=None,
        actor_name=f"gtpptppo {command}",
        actor_role="command_line",
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        after=after,
    )


async def _create_token(args: argparse.Namespace) -> str:
    from gtpptppo_api.auth.service import create_token

    async with _transaction() as session:
        token, clear = await create_token(
            session,
            name=args.name,
            role=Role(args.role),
            region_code=args.region,
            service_centre_id=args.centre,
        )
        after = {
            "name": token.name,
            "role": token.role.value,
            "region_code": token.region_code,
            "service_centre_id": token.service_centre_id,
        }
        session.add(_command_event("token create", "create", "api_token", token.id, after))
    return clear


def _token_create(args: argparse.Namespace) -> int:
    from gtpptppo_api.db.migrate import upgrade
    from gtpptppo_api.errors import AppError

    upgrade(get_settings().database_url, key_store_url=get_settings().key_store)
    try:
        clear = asyncio.run(_create_token(args))
    except AppError as error:
        print(f"gtpptppo: {error.detail}", file=sys.stderr)
        return 2
    print(clear)
    print("Keep this token now: only its hash is stored.", file=sys.stderr)
    return 0


async def _revoke_token(clear: str | None, token_id: int | None) -> None:
    from gtpptppo_api.auth.service import revoke_token

    async with _transaction() as session:
        token = await revoke_token(session, clear, token_id=token_id)
        after = {"name": token.name, "revoked_at": str(token.revoked_at)}
        session.add(_command_event("token revoke", "revoke", "api_token", token.id, after))


def _token_revoke(args: argparse.Namespace) -> int:
    from gtpptppo_api.errors import AppError

    if (args.token is None) == (args.id is None):
        print("gtpptppo: give the token (or -) or --id, one of them", file=sys.stderr)
        return 2
    from_stdin = args.token == "-"  # noqa: S105 - the stdin marker, not a secret
    clear = sys.stdin.readline().strip() if from_stdin else args.token
    try:
        asyncio.run(_revoke_token(clear, args.id))
    except AppError as error:
        print(f"gtpptppo: {error.detail}", file=sys.stderr)
        return 2
    print("token revoked", file=sys.stderr)
    return 0


TOKEN_COLUMNS = (
    "id", "name", "role", "region_code", "service_centre_id", "created_at", "revoked_at",
)  # fmt: skip


async def _tokens() -> list[dict[str, object]]:
    from gtpptppo_api.auth.service import list_tokens

    async with _transaction() as session:
        return [
            {column: getattr(token, column) for column in TOKEN_COLUMNS}
            | {"role": token.role.value}
            for token in await list_tokens(session)
        ]


def _token_list(args: argparse.Namespace) -> int:
    """Every token, one line each (tab-separated, or JSON lines); never a token or its hash."""
    from gtpptppo_api.db.migrate import upgrade

    upgrade(get_settings().database_url, key_store_url=get_settings().key_store)
    rows = asyncio.run(_tokens())
    if args.json:
        for row in rows:
            print(json.dumps(row, default=str))
        return 0
    print("\t".join(TOKEN_COLUMNS))
    for row in rows:
        print("\t".join("" if value is None else str(value) for value in row.values()))
    return 0


async def _cells(rebuild: bool) -> list[str]:
    """The cells that differ from the cases, as lines; rebuilt first with ``rebuild``."""
    from gtpptppo_api.cases import cells

    async with _transaction() as session:
        found = [
            (cell, basis, stored, counted)
            for basis in cells.BASES
            for cell, stored, counted in await cells.differences(session, basis)
        ]
        if rebuild:
            after = {"cells": await cells.rebuild(session), "corrected": len(found)}
            session.add(_command_event("cells rebuild", "rebuild", "victim_case_cell", "*", after))
    return [
        f"[{basis}] {region} {year} {age.value} {sex.value}: stored {stored[0]} cases "
        f"({stored[1]} single), counted {counted[0]} ({counted[1]} single); "
        f"record key sums {stored[2]}, {counted[2]}"
        for (region, year, age, sex), basis, stored, counted in found
    ]


def _cells_check(_args: argparse.Namespace) -> int:
    lines = asyncio.run(_cells(rebuild=False))
    for line in lines:
        print(line)
    if lines:
        print(
            f"gtpptppo: {len(lines)} statistics cells differ from the cases; "
            "`gtpptppo cells rebuild` counts them again",
            file=sys.stderr,
        )
        return 1
    print("every statistics cell matches the cases", file=sys.stderr)
    return 0


def _cells_rebuild(_args: argparse.Namespace) -> int:
    lines = asyncio.run(_cells(rebuild=True))
    for line in lines:
        print(line)
    print(f"statistics cells counted again from the cases; {len(lines)} corrected", file=sys.stderr)
    return 0


def _keys_new(_args: argparse.Namespace) -> int:
    """A random key for GTPPTPPO_BLIND_INDEX_KEY (or, after ``id:``, an encryption key)."""
    from gtpptppo_api.kit.crypto import new_key

    print(new_key())
    return 0


async def _reindex() -> dict[str, int]:
    from dataclasses import asdict

    from gtpptppo_api.cases.reindex import reindex
    from gtpptppo_api.kit.crypto import Keyring

    keyring = Keyring.from_settings(get_settings())
    async with _transaction() as session:
        after = asdict(await reindex(session, keyring))
        session.add(_command_event("keys reindex", "reindex", "victim_case", "*", after))
    return after


def _keys_reindex(_args: argparse.Namespace) -> int:
    from gtpptppo_api.db.migrate import upgrade
    from gtpptppo_api.kit.crypto import KeyConfigError

    upgrade(get_settings().database_url, key_store_url=get_settings().key_store)
    try:
        stats = asyncio.run(_reindex())
    except KeyConfigError as error:
        print(f"gtpptppo: {error}", file=sys.stderr)
        return 2
    print(
        f"blind indexes recomputed: {stats['cases']} cases read, {stats['changed']} changed, "
        f"{stats['newly_shared']} newly counted with another case of the same victim, "
        f"{stats['irregular']} NIKs not of 16 ASCII digits (indexed as stored), "
        f"{stats['replays_cleared']} idempotency replays cleared",
        file=sys.stderr,
    )
    return 0


async def _rewrap() -> dict[str, int]:
    from dataclasses import asdict

    from gtpptppo_api.cases.sealing import rewrap
    from gtpptppo_api.kit.crypto import Keyring

    keyring = Keyring.from_settings(get_settings())
    async with _transaction() as session:
        after = asdict(await rewrap(session, keyring))
        session.add(_command_event("keys rewrap", "rewrap", "victim_case", "*", after))
    return after


def _keys_rewrap(_args: argparse.Namespace) -> int:
    from gtpptppo_api.db.migrate import upgrade
    from gtpptppo_api.kit.crypto import KeyConfigError

    upgrade(get_settings().database_url, key_store_url=get_settings().key_store)
    try:
        stats = asyncio.run(_rewrap())
    except KeyConfigError as error:
        print(f"gtpptppo: {error}", file=sys.stderr)
        return 2
    print(
        f"data keys: {stats['rewrapped']} re-wrapped under the newest key in the key store; "
        f"{stats['cases']} cases sealed before per-case keys read, {stats['resealed']} sealed "
        "under a data key of their own",
        file=sys.stderr,
    )
    return 0


async def _sweep(minutes: float) -> dict[str, int]:
    from dataclasses import asdict
    from datetime import timedelta

    from gtpptppo_api.cases.sealing import sweep
    from gtpptppo_api.kit.crypto import Keyring

    keyring = Keyring.from_settings(get_settings())
    async with _transaction() as session:
        after = asdict(await sweep(session, keyring, timedelta(minutes=minutes)))
        session.add(_command_event("keys sweep", "swept", "data_key", "*", after))
    return after


def _keys_sweep(args: argparse.Namespace) -> int:
    from gtpptppo_api.db.migrate import upgrade
    from gtpptppo_api.kit.crypto import KeyConfigError

    upgrade(get_settings().database_url, key_store_url=get_settings().key_store)
    try:
        stats = asyncio.run(_sweep(args.older_than_minutes))
    except KeyConfigError as error:
        print(f"gtpptppo: {error}", file=sys.stderr)
        return 2
    print(
        f"key store: {stats['keys']} keys older than {args.older_than_minutes:g} minutes read, "
        f"{stats['removed']} that no case needs removed",
        file=sys.stderr,
    )
    return 0


async def _retention(apply: bool) -> tuple[dict[str, object], int]:
    from gtpptppo_api.db.keystore import KeyStore
    from gtpptppo_api.privacy import retention

    settings = get_settings()
    async with _transaction() as session:
        report, erased = await retention.run(
            session,
            settings.retention_years,
            dry_run=not apply,
            keys=KeyStore.for_url(settings.key_store),
        )
        event = _command_event(
            "retention", "erased" if apply else "dry_run", "victim_case", "*", report
        )
        session.add(event)
    return report, erased


def _retention_command(args: argparse.Namespace) -> int:
    """Erase (with --apply) or report what outlived the retention schedule."""
    import json

    report, erased = asyncio.run(_retention(args.apply))
    print(json.dumps(report, indent=2))
    done = f"{erased} cases erased" if args.apply else "dry run: nothing erased (--apply erases)"
    print(done, file=sys.stderr)
    return 0


def _backup(args: argparse.Namespace) -> int:
    from gtpptppo_api.backup.archive import BackupError, backup

    try:
        manifest = backup(get_settings(), Path(args.destination), keys=args.keys)
    except BackupError as error:
        print(f"gtpptppo: {error}", file=sys.stderr)
        return 2
    if args.keys:
        print(
            f"key store written to {args.destination}: keep it apart from the database's "
            "backups, and delete it after the key store's retention (docs/personal-data.md)",
            file=sys.stderr,
        )
        return 0
    held = "with its key file" if manifest["key_file"] else "without keys (set in the environment)"
    print(
        f"backup written to {args.destination} (revision {manifest['revision']}, {held}); "
        "keep it as secret as the keys",
        file=sys.stderr,
    )
    return 0


def _restore(args: argparse.Namespace) -> int:
    from gtpptppo_api.backup.archive import BackupError, restore
    from gtpptppo_api.backup.lock import ServiceRunning

    try:
        done = restore(get_settings(), Path(args.source), replace=args.replace, keys=args.keys)
    except (BackupError, ServiceRunning) as error:
        print(f"gtpptppo: {error}", file=sys.stderr)
        return 2
    if args.keys:
        # The erasures the database records since the archive was taken, applied again.
        stats = asyncio.run(_sweep(0))
        print(
            f"restored the key store {done.database} from the backup of {done.created_at}; "
            f"{stats['removed']} keys of cases erased or gone since removed again",
            file=sys.stderr,
        )
        return 0
    print(
        f"restored {done.database} from the backup of {done.created_at} (revision "
        f"{done.revision}); `gtpptppo serve` migrates it to this release's schema",
        file=sys.stderr,
    )
    return 0


def openapi_document() -> str:
    from gtpptppo_api.app import create_app

    return json.dumps(create_app().openapi(), indent=2, ensure_ascii=False) + "\n"


def _openapi(args: argparse.Namespace) -> int:
    document = openapi_document()
    path = Path(args.output)
    if args.check:
        if not path.exists() or path.read_text(encoding="utf-8") != document:
            print(f"{path} is stale: run `gtpptppo openapi` and commit it", file=sys.stderr)
            return 1
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(document, encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    from gtpptppo_api.imports.client import FAILED, run_import

    if not args.token:
        print("gtpptppo import: give --token or set GTPPTPPO_TOKEN", file=sys.stderr)
        return FAILED
    if not args.file.is_file():
        print(f"gtpptppo import: no file {args.file}", file=sys.stderr)
        return FAILED
    return run_import(args.file, args.centre, args.server, args.token, errors_to=args.errors)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gtpptppo", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="migrate, then serve the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(func=_serve)

    worker = commands.add_parser(
        "worker", help="run job worker processes (scale-out: needs GTPPTPPO_BROKER_URL)"
    )
    worker.add_argument("--processes", type=int, help="worker processes (default: one per CPU)")
    worker.add_argument("--threads", type=int, help="threads per process (GTPPTPPO_WORKER_THREADS)")
    worker.set_defaults(func=_worker)

    migrate = commands.add_parser("migrate", help="migrate the database to the latest revision")
    migrate.set_defaults(func=_migrate)

    token = commands.add_parser("token", help="API tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser("create", help="create a token; it is printed once")
    create.add_argument("--name", required=True, help="who or what uses the token")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--region", help="region code of the jurisdiction (e.g. 33 or 33.02)")
    create.add_argument("--centre", type=int, help="service centre id (service_centre role)")
    create.set_defaults(func=_token_create)
    revoke = token_commands.add_parser("revoke", help="revoke a token; it is refused from then on")
    revoke.add_argument("token", nargs="?", help="the token, or - to read it from standard input")
    revoke.add_argument("--id", type=int, help="the token's id instead (from `token list`)")
    revoke.set_defaults(func=_token_revoke)
    listing = token_commands.add_parser(
        "list", help="every token issued (id, name, role, scope, created, revoked); no secrets"
    )
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(func=_token_list)

    cells = commands.add_parser("cells", help="the statistics cells kept from the cases")
    cells_commands = cells.add_subparsers(dest="cells_command", required=True)
    check = cells_commands.add_parser(
        "check", help="compare the cells with a count of the cases; exit 1 if they differ"
    )
    check.set_defaults(func=_cells_check)
    rebuild = cells_commands.add_parser(
        "rebuild", help="count every cell again from the cases (prints what it corrected)"
    )
    rebuild.set_defaults(func=_cells_rebuild)

    keys = commands.add_parser("keys", help="the keys of personal data")
    keys_commands = keys.add_subparsers(dest="keys_command", required=True)
    key_new = keys_commands.add_parser("new", help="print a new random key (32 bytes, base64)")
    key_new.set_defaults(func=_keys_new)
    reindex = keys_commands.add_parser(
        "reindex",
        help="recompute every NIK blind index and victim key under GTPPTPPO_BLIND_INDEX_KEY "
        "(after setting or changing it, with the API and workers stopped); one transaction",
    )
    reindex.set_defaults(func=_keys_reindex)
    rewrap = keys_commands.add_parser(
        "rewrap",
        help="wrap every case's data key in the key store under the newest encryption key, "
        "and seal the cases stored before per-case keys under keys of their own (after adding "
        "a key, before removing the old one; and once after upgrading to per-case keys); page "
        "by page, safe to run again",
    )
    rewrap.set_defaults(func=_keys_rewrap)
    sweep = keys_commands.add_parser(
        "sweep",
        help="remove from the key store the data keys no case needs: of a push that failed "
        "after storing them, of a case erased whole, or left by an erasure interrupted after "
        "its commit (schedule it with the retention run)",
    )
    sweep.add_argument(
        "--older-than-minutes",
        type=float,
        default=60,
        help="only keys stored longer ago than this (default 60: a push in flight stores its "
        "keys before its cases commit)",
    )
    sweep.set_defaults(func=_keys_sweep)

    retention = commands.add_parser(
        "retention",
        help="report the cases whose personal data outlived GTPPTPPO_RETENTION_YEARS (a dry "
        "run, the default), or erase it with --apply; one transaction",
    )
    retention.add_argument("--apply", action="store_true", help="erase, not only report")
    retention.set_defaults(func=_retention_command)

    backup = commands.add_parser(
        "backup",
        help="embedded mode: copy the SQLite database (online, while serving) and its key "
        "file into one archive",
    )
    backup.add_argument("destination", help="the archive to write (.tar.gz, made 0600)")
    backup.add_argument(
        "--keys",
        action="store_true",
        help="archive the key store (the cases' wrapped data keys) instead, apart",
    )
    backup.set_defaults(func=_backup)
    restore = commands.add_parser(
        "restore",
        help="embedded mode: put a backup in place of the database (the service stopped; "
        "refused if the archive's keys are not the configured ones)",
    )
    restore.add_argument("source", help="an archive written by `gtpptppo backup`")
    restore.add_argument(
        "--replace", action="store_true", help="overwrite the database if one exists"
    )
    restore.add_argument(
        "--keys",
        action="store_true",
        help="restore an archive of the key store (then delete again the keys of the cases "
        "erased since)",
    )
    restore.set_defaults(func=_restore)

    upload = commands.add_parser(
        "import",
        help="upload a file of case records (.csv, .xlsx, .ndjson) to a server and follow its "
        "import; exit 0 if every row was stored, 1 if some were refused, 2 if it failed",
    )
    upload.add_argument("file", type=Path)
    upload.add_argument("--centre", type=int, required=True, help="the service centre's id")
    upload.add_argument(
        "--server",
        default=os.environ.get("GTPPTPPO_SERVER", "http://127.0.0.1:8000"),
        help="the API's address (GTPPTPPO_SERVER; default http://127.0.0.1:8000)",
    )
    upload.add_argument(
        "--token",
        default=os.environ.get("GTPPTPPO_TOKEN"),
        help="the centre's API token (GTPPTPPO_TOKEN)",
    )
    upload.add_argument(
        "--errors", type=Path, help="where to save the refused rows (default: beside the file)"
    )
    upload.set_defaults(func=_import)

    spec = commands.add_parser("openapi", help="write the OpenAPI document")
    spec.add_argument("--output", default=str(DEFAULT_SPEC))
    spec.add_argument("--check", action="store_true", help="fail if the file is stale")
    spec.set_defaults(func=_openapi)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
