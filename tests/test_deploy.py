"""compose.yaml and the Dockerfile agree with the code: every GTPPTPPO_ variable they set
is a setting (or its _FILE variant), every command is one the CLI parses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from gtpptppo_api.cli import build_parser
from gtpptppo_api.settings import ENV_PREFIX, FILE_SUFFIX, Settings

ROOT = Path(__file__).parents[1]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(key): str(value) for key, value in env.items()}


def test_every_gtpptppo_variable_of_compose_is_a_setting():
    """A misspelt variable would be ignored silently (extra="ignore"): none is."""
    fields = {name.upper() for name in Settings.model_fields}
    seen = set()
    for name, service in compose()["services"].items():
        for variable in environment(service):
            if not variable.startswith(ENV_PREFIX):
                continue
            seen.add(variable)
            setting = variable.removeprefix(ENV_PREFIX).removesuffix(FILE_SUFFIX)
            assert setting in fields, f"{name}: {variable} is no setting"
    # the deployment sets its secrets from files and points at its broker
    assert {"GTPPTPPO_ENCRYPTION_KEY_FILE", "GTPPTPPO_BROKER_URL"} <= seen


def test_every_gtpptppo_command_of_compose_is_one_the_cli_parses():
    """Each service's command parses with `gtpptppo`'s own parser (no SystemExit)."""
    parser = build_parser()
    commands = [
        service["command"]
        for service in compose()["services"].values()
        if service.get("command", [None])[0] == "gtpptppo"
    ]
    assert len(commands) == 5  # migrate, two APIs, two workers
    for command in commands:
        try:
            parser.parse_args(command[1:])
        except SystemExit as exc:
            pytest.fail(f"`{' '.join(command)}` is not a gtpptppo command: {exc}")


def test_two_apis_and_two_workers_with_their_health_checks():
    """The scale-out shape: two of each, the APIs checked by the image's HEALTHCHECK on
    /readyz, every secret mounted from a file."""
    services = compose()["services"]
    apis = [s for s in services.values() if s.get("command", [""])[1:2] == ["serve"]]
    workers = [s for s in services.values() if s.get("command", [""])[1:2] == ["worker"]]
    assert (len(apis), len(workers)) == (2, 2)
    assert all("healthcheck" in worker for worker in workers)
    assert "HEALTHCHECK" in (ROOT / "Dockerfile").read_text()
    assert "/readyz" in (ROOT / "Dockerfile").read_text()
    for variable, value in environment(apis[0]).items():
        if variable.endswith(FILE_SUFFIX):
            assert value.startswith("/run/secrets/")


def test_a_file_variant_reads_the_setting_and_both_at_once_are_refused(monkeypatch, tmp_path):
    """GTPPTPPO_X_FILE reads X from the file (trailing newline dropped); setting both X and
    X_FILE is an error naming them."""
    secret = tmp_path / "token"
    secret.write_text("file-token\n")
    monkeypatch.setenv("GTPPTPPO_METRICS_TOKEN_FILE", str(secret))
    token = Settings().metrics_token
    assert token is not None
    assert token.get_secret_value() == "file-token"
    monkeypatch.setenv("GTPPTPPO_METRICS_TOKEN", "other")
    with pytest.raises(ValueError, match="not both"):
        Settings()
    monkeypatch.delenv("GTPPTPPO_METRICS_TOKEN")
    monkeypatch.setenv("GTPPTPPO_METRICS_TOKEN_FILE", str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="cannot read"):
        Settings()
