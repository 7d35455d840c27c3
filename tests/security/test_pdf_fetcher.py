"""WeasyPrint fetches no URL: every PDF the service prints (reports, organisation charts,
public reports) reads only what its HTML holds inline (``data:`` URIs). A URL that got into a
document (``http://`` to an internal host, ``file://`` on the server's disk) is refused."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import weasyprint

from gtpptppo_api import jobs
from gtpptppo_api.kit.pdf import html_to_pdf
from tests.security.world import INSIDE, build_world

# A 1x1 PNG
PIXEL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.fixture
def internal_host() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on the loopback: its address and the paths asked of it."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *_args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()
    server.server_close()


def test_only_inline_resources_are_read(internal_host):
    base, asked = internal_host
    html = f"""<html><head>
      <link rel="stylesheet" href="{base}/style.css">
      <style>@import url("{base}/import.css"); @font-face {{ font-family: x;
        src: url("{base}/font.woff") }}</style></head>
      <body><img src="{base}/image.png"><img src="file:///etc/passwd">
      <img src="{PIXEL}"><p style="background: url('{base}/bg.png')">x</p></body></html>"""
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert asked == []
    assert b"/Subtype /Image" in pdf  # the data: URI was read


@pytest.fixture
def fetchers(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The URL fetcher of every ``weasyprint.HTML`` made while the test runs."""
    made: list[object] = []
    real = weasyprint.HTML

    def spy(*args: object, **kwargs: object) -> object:
        made.append(kwargs.get("url_fetcher"))
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    return made


async def test_every_pdf_of_the_service_refuses_urls(
    client, session, national, auth, fetchers, internal_host
):
    """The report, the organisation chart and the public report (printed when published),
    each got through HTTP: each printing's fetcher refuses http:// and file:// URLs and
    reads data: URIs."""
    base, asked = internal_host
    world = await build_world(client, session, national, auth)
    await jobs.run_pending(session)
    tf_id = world[INSIDE]["task_force"]["id"]
    report_id = world[INSIDE]["report"]["id"]
    published_id = world[INSIDE]["published"]["id"]
    for url in (
        f"/reports/{report_id}/document?format=pdf",
        f"/task-forces/{tf_id}/chart?format=pdf",
        f"http://test/public/reports/{published_id}.pdf",
    ):
        response = await client.get(url, headers=national)
        assert response.status_code == 200, (url, response.text[:300])
        assert response.content.startswith(b"%PDF")
    # the report and the chart printed now; the public PDF served as it was printed when
    # each of the world's two reports was published
    assert len(fetchers) == 4
    for fetcher in fetchers:
        assert fetcher is not None
        for refused in (f"{base}/x.png", "file:///etc/passwd", "ftp://127.0.0.1/x"):
            with pytest.raises(ValueError, match="disallowed protocol"):
                fetcher(refused)  # type: ignore[operator]
        assert fetcher("data:text/plain,ok").read() == b"ok"  # type: ignore[operator]
    assert asked == []
