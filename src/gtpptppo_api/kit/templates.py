"""The one Jinja2 environment factory: templates of a package's ``templates`` folder,
autoescaped (HTML and SVG alike) and StrictUndefined, so a missing value is an error rather
than an empty cell."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


def environment(
    package: str,
    *,
    filters: Mapping[str, Callable[..., Any]] | None = None,
    globals: Mapping[str, Any] | None = None,
    tests: Mapping[str, Callable[..., bool]] | None = None,
    translations: Any = None,
) -> Environment:
    """The environment of ``package``'s templates, with its filters, globals and tests;
    with ``translations`` (a gettext catalogue, ``kit.i18n``), ``_()`` and ``{% trans %}``
    translate through it (Jinja's i18n extension, new style: ``_("%(n)s", n=1)``)."""
    env = Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "svg", "j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"] if translations is not None else [],
    )
    if translations is not None:
        env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(filters or {})
    env.globals.update(globals or {})
    env.tests.update(tests or {})
    return env
