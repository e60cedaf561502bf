"""nbconvert's own HTMLExporter beside the renderer's, for the tests that compare pages.

The renderer's exporter leaves out nbconvert's closing BeautifulSoup pass
(``sikkerby.publish.render.html._page_exporter_class``); :func:`without_the_parse` switches that
pass off in nbconvert's own exporter, and :func:`without_tabindex` takes away what the pass adds.
"""

from __future__ import annotations

import contextlib

from sikkerby.publish.render.html import TEMPLATE_BASEDIR, TEMPLATE_NAME

# what nbconvert's closing pass gives a tabindex
TABINDEXED = ".jp-Notebook div.jp-OutputArea-output[tabindex], .jp-Notebook div.jp-Cell-inputWrapper[tabindex]"


def stock_exporter():
    """nbconvert's HTMLExporter with the project's template, set up as the renderer's."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name=TEMPLATE_NAME, extra_template_basedirs=[str(TEMPLATE_BASEDIR)],
                        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                        language_code="da")


class _Unparsed(str):
    """The page as the template made it: nothing selected, nothing changed."""

    def __new__(cls, html, features=None):
        return super().__new__(cls, html)

    def select(self, selector):
        return []


@contextlib.contextmanager
def without_the_parse(monkeypatch):
    """nbconvert's HTMLExporter without its closing BeautifulSoup pass, inside the block."""
    from nbconvert.exporters import html as nbconvert_html

    with monkeypatch.context() as patch:
        patch.setattr(nbconvert_html, "BeautifulSoup", _Unparsed)
        yield


def without_tabindex(html: str) -> tuple[str, int]:
    """The page as BeautifulSoup writes it without the tabindex nbconvert's pass adds, and how many it took away."""
    import bs4

    soup = bs4.BeautifulSoup(html, "html.parser")
    tagged = soup.select(TABINDEXED)
    for tag in tagged:
        del tag["tabindex"]
    return str(soup), len(tagged)
