"""``gtpptppo`` whose API process kills itself (SIGKILL) right after a request's transaction
commits and before its job messages are sent: the crash the job outbox is there for.

``python -m tests.scaleout.dies_after_commit serve --port N`` (the same CLI otherwise).
"""

from __future__ import annotations

import os
import signal

from gtpptppo_api import cli
from gtpptppo_api.jobs import broker


async def _die_instead_of_sending(jobs: list[tuple[int, str]]) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


# dispatch_after_commit() calls broker.send() once the request's commit has returned.
broker.send = _die_instead_of_sending

if __name__ == "__main__":
    raise SystemExit(cli.main())
