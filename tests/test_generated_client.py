"""A client generated from the committed OpenAPI document has every operation, every JSON
request body and response, and names a person would write.

The regional app teams generate their clients from ``openapi/openapi.json`` with
``openapi-python-client``. This runs its command line on the committed document, as they
would, and fails when it drops an operation, omits a JSON response or body, gives up on a
schema, or names an operation after its path (``get_case_api_v1_cases_case_id_get``). What
it cannot generate and the document does not describe as JSON (PDF, SVG, Atom, NDJSON) is
the only warning allowed.

The generator lives in a venv of its own (``make install``: its pins would change the
project's), ``.venv/openapi-client``, or ``GTPPTPPO_OPENAPI_CLIENT`` names its executable.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[1]
COMMITTED = ROOT / "openapi" / "openapi.json"
GENERATOR = Path(
    os.environ.get(
        "GTPPTPPO_OPENAPI_CLIENT",
        ROOT / ".venv" / "openapi-client" / "bin" / "openapi-python-client",
    )
)
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# A name made from the path and method, as FastAPI's default operation ids are.
PATH_DERIVED = re.compile(r"api_v1|_(" + "|".join(METHODS) + r")$")
# The generator's warnings about a part it leaves out, and the detail on the next line.
OPERATION_WARNING = re.compile(r"^WARNING parsing (?P<method>[A-Z]+) (?P<path>\S+) within ")
SCHEMA_WARNING = re.compile(r"^Unable to (parse|process) schema (?P<schema>\S+)")
UNSUPPORTED_TYPES = re.compile(
    r"^(Unsupported content type (?P<body>\S+)$"
    r"|Cannot parse response for status code .* \(Unsupported content_type (?P<response>[^)]+)\),"
    r" response will be omitted from generated client$)"
)


def _is_json(media_type: str) -> bool:
    media_type = media_type.split(";")[0].strip()
    return media_type == "application/json" or media_type.endswith("+json")


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method, path, operation


def _module(operation_id: str) -> str:
    """The generator's module name for an operation id (snake case, one underscore)."""
    return re.sub(r"[^a-z0-9]+", "_", operation_id.lower()).strip("_")


def _warnings(output: str) -> list[tuple[str, str]]:
    """Each warning the generator printed: its first line and the detail after it."""
    lines = [line.strip() for line in output.splitlines()]
    found = []
    for index, line in enumerate(lines):
        if OPERATION_WARNING.match(line) or SCHEMA_WARNING.match(line):
            detail = next((after for after in lines[index + 1 :] if after), "")
            found.append((line, detail))
    return found


def _is_non_json_media(detail: str) -> bool:
    """A part left out only because its media types are not JSON (and none of them is)."""
    matched = UNSUPPORTED_TYPES.match(detail)
    if matched is None:
        return False
    types = (matched["body"] or matched["response"]).split(",")
    return not any(_is_json(media_type) for media_type in types)


def _generate(document: Path, folder: Path) -> str:
    """Run the generator as a client team would; what it printed."""
    if not GENERATOR.exists():
        pytest.fail(f"{GENERATOR} is missing: run `make install`")
    config = folder / "config.json"
    config.write_text(json.dumps({"post_hooks": []}))  # no formatter: its output is not read
    arguments = ["--path", str(document), "--meta", "none", "--config", str(config)]
    run = subprocess.run(
        [str(GENERATOR), "generate", *arguments, "--output-path", str(folder / "client")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    return output


def _left_out(output: str) -> list[str]:
    """The generator's warnings but those about media types that are not JSON."""
    return [
        f"{line} -> {detail}"
        for line, detail in _warnings(output)
        if "Endpoint will not be generated" in line or not _is_non_json_media(detail)
    ]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The client generated from the committed document, and what the generator printed."""
    folder = tmp_path_factory.mktemp("client")
    return folder / "client", _generate(COMMITTED, folder)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_no_part_of_the_document_is_left_out_but_non_json_media(generated):
    """The generator drops no operation, schema, JSON body or JSON response: its only
    warnings are for media types that are not JSON (a PDF, a feed, an NDJSON body)."""
    _client, output = generated
    left_out = _left_out(output)
    assert not left_out, "\n".join(left_out)


def test_every_operation_is_generated_under_its_operation_id(generated, document):
    """One module per operation, named by its operationId; the ids are unique."""
    client, _output = generated
    modules = {module.stem for module in (client / "api").rglob("*.py")}
    ids = [operation["operationId"] for _method, _path, operation in _operations(document)]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    missing = sorted({_module(i) for i in ids} - modules)
    assert not missing, missing


def test_every_json_response_is_parsed_by_the_generated_client(generated, document):
    """For each operation, each status answered with JSON is parsed by its module."""
    client, _output = generated
    sources = {module.stem: module.read_text() for module in (client / "api").rglob("*.py")}
    omitted = []
    for method, path, operation in _operations(document):
        source = sources.get(_module(operation["operationId"]), "")
        for status, response in operation["responses"].items():
            if any(_is_json(media) for media in response.get("content", {})) and (
                f"if response.status_code == {status}:" not in source
            ):
                omitted.append(f"{method.upper()} {path} {status}")
    assert not omitted, omitted


def test_no_generated_name_is_derived_from_a_path(generated):
    """No operation module (and so function) of the client is named after a path and a
    method, nor any model after such an operation id (an inline schema's model is)."""
    client, _output = generated
    derived = [
        str(module.relative_to(client))
        for module in client.rglob("*.py")
        if PATH_DERIVED.search(module.stem)
        and (module.parent.parent.name == "api" or "api_v1" in module.stem)
    ]
    assert derived == [], derived


def test_what_the_generator_leaves_out_is_caught(tmp_path):
    """The warnings are read as the generator prints them: a document whose two models
    share a title and whose operation refers to a missing one has them counted as left
    out (the operation and the second model), as today's monitoring visits were."""
    broken = {
        "openapi": "3.1.0",
        "info": {"title": "broken", "version": "1"},
        "paths": {
            "/api/v1/things": {
                "post": {
                    "operationId": "create_thing_api_v1_things_post",
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/A"}}
                        }
                    },
                    "responses": {
                        "201": {
                            "description": "Created",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Missing"}
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "A": {
                    "title": "Same",
                    "type": "object",
                    "properties": {"b": {"$ref": "#/components/schemas/B"}},
                },
                "B": {"title": "Same", "type": "object", "properties": {}},
            }
        },
    }
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    output = _generate(path, tmp_path)
    left_out = "\n".join(_left_out(output))
    assert "POST /api/v1/things" in left_out, output
    assert "/components/schemas/B" in left_out, output
