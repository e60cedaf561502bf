-- Pandoc filter for the Sikker By PDF: executed notebooks read with --ipynb-output=all.
-- * code (the CodeBlock of a code cell) is never shown, only its outputs;
-- * cell and output wrappers are unwrapped, so chapter headings sit at the top
--   level (Typst allows page breaks only there);
-- * Markdown outputs (tables, captions) become real document elements;
-- * charts fill the text width.
function RawBlock(el)
  if el.format == 'markdown' then
    -- blocks made here are not visited again by this filter: colour their status marks now
    return pandoc.read(el.text, 'markdown').blocks:walk({Span = Span})
  end
  if el.format ~= 'typst' then
    return {}
  end
end

function Image(el)
  if not el.attributes['width'] then
    el.attributes['width'] = '100%'
  end
  return el
end

function Div(el)
  if el.classes:includes('cell') and el.classes:includes('code') then
    local kept = pandoc.Blocks{}
    for _, block in ipairs(el.content) do
      if block.t ~= 'CodeBlock' then kept:insert(block) end
    end
    return kept
  end
  if el.classes:includes('cell') or el.classes:includes('output') then
    return el.content
  end
end


-- Status symbols from sikkerby.display: [✓]{.sb-mark fill="#hex" ink="#hex"} drawn on their colour.
function Span(el)
  local fill, ink = el.attributes['fill'], el.attributes['ink']
  if el.classes:includes('sb-mark') and fill and fill:match('^#%x+$') and ink and ink:match('^#%x+$') then
    local symbol = pandoc.utils.stringify(el.content)
    return pandoc.RawInline('typst', string.format(
      '#box(fill: rgb("%s"), inset: (x: 2pt), outset: (y: 2pt), radius: 2pt)[#text(fill: rgb("%s"))[%s]]',
      fill, ink, symbol:gsub('[%[%]#\\]', '')))
  end
end
