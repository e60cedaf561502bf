-- Lua filter for the Quarto route of the Sikker By publication (wired in by _quarto.yml).
-- * Headings a notebook displays as HTML (<h2 id="...">...</h2>) become real headings, so that
--   they are in the table of contents of both the HTML book and the PDF.
-- * Status marks written as [✓]{.sb-mark fill="#hex" ink="#hex"} are drawn on their colour in
--   Typst; in HTML they keep their classes (styled by sikkerby.css).
local function is_heading_html(text)
  return text:match('^%s*<h[1-6][%s>]') ~= nil and text:match('</h[1-6]>%s*$') ~= nil
end

function RawBlock(el)
  if el.format == 'html' and is_heading_html(el.text) then
    local blocks = pandoc.read(el.text, 'html').blocks
    if #blocks == 1 and blocks[1].t == 'Header' then
      return blocks
    end
  end
end

function Span(el)
  if not quarto.doc.is_format('typst') then
    return nil
  end
  local fill, ink = el.attributes['fill'], el.attributes['ink']
  if el.classes:includes('sb-mark') and fill and fill:match('^#%x+$') and ink and ink:match('^#%x+$') then
    local symbol = pandoc.utils.stringify(el.content)
    return pandoc.RawInline('typst', string.format(
      '#box(fill: rgb("%s"), inset: (x: 2pt), outset: (y: 2pt), radius: 2pt)[#text(fill: rgb("%s"))[%s]]',
      fill, ink, (symbol:gsub('[%[%]#\\]', ''))))
  end
end
