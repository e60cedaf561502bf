"""HTML pages through nbconvert, with the project's own template (``templates/nbconvert/sikkerby``).

One :class:`HtmlRenderer` (one exporter, templates compiled once) renders every
page of a run in this process. Inputs are hidden, images are data URIs, the
stylesheet is embedded: the pages open offline.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from sikkerby.config.paths import PACKAGE_DIR
from sikkerby.errors import SikkerByError
from sikkerby.publish.render.chapters import Chapter
from sikkerby.publish.render.notebook import prepare_for_publication

TEMPLATE_BASEDIR = PACKAGE_DIR / "templates" / "nbconvert"
TEMPLATE_NAME = "sikkerby"
# Elements that make a browser fetch something when the page opens.
_LOADING = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src",
            "video": "src", "audio": "src", "embed": "src", "object": "data", "input": "src"}


class RenderError(SikkerByError):
    """A page or the PDF could not be made."""


@dataclass(frozen=True)
class PageContext:
    """What every page shows around its chapter."""

    publication_title: str
    subtitle: str
    footer: str
    version: str
    pdf_name: str | None


class _ExternalReferences(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        names = [_LOADING[tag]] if tag in _LOADING else []
        if tag == "img" or tag == "source":
            names.append("srcset")
        for name in names:
            value = (attrs.get(name) or "").strip().lower()
            if value.startswith(("http://", "https://", "//")) or ("srcset" == name and "http" in value):
                self.found.append(f"<{tag} {name}=\"{attrs.get(name)}\">")
        style = (attrs.get("style") or "").lower()
        if "url(http" in style or "url(//" in style:
            self.found.append(f"<{tag} style=...url(...)>")

    def handle_data(self, data):
        lowered = data.lower()
        if self.lasttag == "style" and ("@import" in lowered and "http" in lowered or "url(http" in lowered):
            self.found.append("<style> @import/url() fra en anden vært")


def external_references(html: str) -> list[str]:
    """Scripts, stylesheets, fonts and images the page would load from another host."""
    parser = _ExternalReferences()
    parser.feed(html)
    parser.close()
    return parser.found


class HtmlRenderer:
    """Renders chapters to pages with navigation; reuse one instance for every page of a run."""

    def __init__(self, chapters: tuple[Chapter, ...], context: PageContext):
        import nbformat
        from nbconvert import HTMLExporter

        self._nbformat = nbformat
        self.chapters = chapters
        self.context = context
        self.exporter = HTMLExporter(
            template_name=TEMPLATE_NAME,
            extra_template_basedirs=[str(TEMPLATE_BASEDIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            language_code="da",
        )

    def _link(self, chapter: Chapter | None) -> dict | None:
        return None if chapter is None else {"title": chapter.title, "href": chapter.html_name}

    def page(self, chapter: Chapter, nb: dict) -> str:
        """The HTML page of ``chapter`` from its executed notebook ``nb``."""
        i = self.chapters.index(chapter)
        ctx = self.context
        resources = {
            "metadata": {"name": chapter.title},
            "sikkerby": {
                "publication_title": ctx.publication_title,
                "subtitle": ctx.subtitle,
                "footer": ctx.footer,
                "version": ctx.version,
                "pdf_name": ctx.pdf_name,
                "chapter_title": chapter.title,
                "chapters": [{"title": c.title, "href": c.html_name, "current": c == chapter} for c in self.chapters],
                "prev": self._link(self.chapters[i - 1] if i > 0 else None),
                "next": self._link(self.chapters[i + 1] if i + 1 < len(self.chapters) else None),
            },
        }
        node = self._nbformat.from_dict(prepare_for_publication(nb))
        html, _ = self.exporter.from_notebook_node(node, resources=resources)
        external = external_references(html)
        if external:
            raise RenderError(f"Siden for {chapter.name} ville hente indhold fra en anden vært: "
                              + ", ".join(external[:5]))
        return html

    def write(self, chapter: Chapter, nb: dict, out_dir: Path) -> Path:
        path = out_dir / chapter.html_name
        path.write_text(self.page(chapter, nb), encoding="utf-8")
        return path
