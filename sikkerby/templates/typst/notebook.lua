-- Pandoc filter for the Sikker By PDF: executed notebooks read with --ipynb-output=all.
--
-- Four passes, in order (a filter file may return a list of filters):
-- 1. structure: code (the CodeBlock of a code cell) is never shown, only its outputs; cell and
--    output wrappers are unwrapped, so chapter headings sit at the top level (Typst allows page
--    breaks only there); Markdown outputs (tables, captions) become real document elements.
-- 2. marks: status symbols from sikkerby.report.display ([✓]{.sb-mark fill ink}) are drawn on
--    their colour and boxed with the words after them ("✗ Ikke nået" never wraps);
--    [..]{.sb-nobreak} (a date) becomes one unbreakable box.
-- 3. text: every Str is text, never markup. Pandoc's Typst writer leaves characters that are
--    markup only at the start of a line or a content block unescaped ("= Natteravne" in a table
--    cell is a heading there, "- X" a bullet, "+ 1" and "1." numbered items, "/ a: b" a term),
--    and "--", "...", quotes and "~" are Typst shorthands. Every ASCII punctuation character
--    of a Str is written with a backslash, which Typst reads as that character.
-- 4. blocks: a chart (an image output) and the caption output after it become one numbered
--    figure whose image carries the alt text (PDF/UA needs it), at most CHART_MAX_HEIGHT_CM high;
--    a table with its note below it is kept on one page when it is short; its columns are sized
--    from their text; the figure and table numbering is the template's.

local SHORT_TABLE_ROWS = 16 -- tables up to this many body rows never break across pages
local LINE_CHARS = 110 -- characters of table text (Libertinus 9.5pt: 4 pt on average) across 16 cm
local CELL_PADDING_CHARS = 3.5 -- a cell's inset (2 x 6pt) in characters, and a little room
local WIDE_LETTERS = 1.15 -- a word of wide letters (m, w, Ø) is this much wider than the average
-- where pandoc extracts the charts (--extract-media); sikkerby.publish.render.pdf sets it
local media_dir = ''

local function typst_escape(text)
  -- a backslash before every ASCII punctuation character: Typst reads "\x" as the character x
  return (text:gsub('[%p]', function(c) return '\\' .. c end))
end

local function typst_string(text)
  -- a Typst string literal (for alt texts and paths): quotes, backslashes and line breaks
  text = text:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('[\r\n\t]+', ' ')
  return '"' .. text .. '"'
end

-- 1. structure -------------------------------------------------------------------------------

local structure = {
  Meta = function(meta)
    if meta['sb-media-dir'] then
      media_dir = pandoc.utils.stringify(meta['sb-media-dir'])
    end
  end,
  RawBlock = function(el)
    if el.format == 'markdown' then
      return pandoc.read(el.text, 'markdown').blocks
    end
    if el.format ~= 'typst' then
      return {}
    end
  end,
  Div = function(el)
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
  end,
}

-- 2. marks ---------------------------------------------------------------------------------------

local function hex(value)
  return value and value:match('^#%x+$') and value
end

local function is_mark(inline)
  return inline.t == 'Span' and inline.classes:includes('sb-mark')
end

-- a status mark and the words after it (to the end of the cell or paragraph) are one box:
-- "✗ Ikke nået" is never split over two lines
local status_units = {
  Inlines = function(inlines)
    for i, inline in ipairs(inlines) do
      if is_mark(inline) then
        local out = pandoc.Inlines{}
        for j = 1, i - 1 do out:insert(inlines[j]) end
        out:insert(pandoc.RawInline('typst', '#box['))
        for j = i, #inlines do
          local tail = inlines[j]
          if tail.t == 'Space' or tail.t == 'SoftBreak' then
            tail = pandoc.Str('\u{a0}') -- a box still wraps its content: the spaces must not break
          end
          out:insert(tail)
        end
        out:insert(pandoc.RawInline('typst', ']'))
        return out
      end
    end
  end,
}

local marks = {
  Span = function(el)
    if el.classes:includes('sb-mark') then
      local fill, ink = hex(el.attributes['fill']), hex(el.attributes['ink'])
      local symbol = typst_escape(pandoc.utils.stringify(el.content))
      if fill and ink then
        return pandoc.RawInline('typst', string.format(
          '#box(fill: rgb("%s"), inset: (x: 2pt), outset: (y: 2pt), radius: 2pt)[#text(fill: rgb("%s"))[%s]]',
          fill, ink, symbol))
      end
      return pandoc.RawInline('typst', symbol)
    end
    if el.classes:includes('sb-nobreak') then
      local content = pandoc.Inlines{pandoc.RawInline('typst', '#box[')}
      content:extend(el.content)
      content:insert(pandoc.RawInline('typst', ']'))
      return content
    end
  end,
}

-- 3. text ----------------------------------------------------------------------------------------

local text = {
  Str = function(el)
    return pandoc.RawInline('typst', typst_escape(el.text))
  end,
}

-- 4. blocks --------------------------------------------------------------------------------------

local function typst_of(blocks)
  return pandoc.write(pandoc.Pandoc(blocks), 'typst', {wrap_text = 'none'}):gsub('%s+$', '')
end

local function has_class(block, class)
  return block and block.t == 'Div' and block.classes:includes(class)
end

local function lone_image(block)
  if block and (block.t == 'Para' or block.t == 'Plain') then
    local content = block.content
    if #content == 1 and content[1].t == 'Image' then
      return content[1]
    end
  end
end

-- A chart is never taller than CHART_MAX_HEIGHT: with its caption it then takes less than half
-- the text area (24.4 cm high, 16 cm wide: sikkerby.typst's A4 margins), so a chart that does not
-- fit at the foot of a page leaves less than half of it empty. Charts stay where the text puts
-- them (no floating), so they never land in the middle of a table running over a page.
local TEXT_WIDTH_CM = 16
local CHART_MAX_HEIGHT_CM = 10

local function png_ratio(src)
  -- height / width of a PNG in pandoc's media bag (from its IHDR chunk), or nil
  local _, contents = pandoc.mediabag.lookup(src)
  if not contents or contents:sub(2, 4) ~= 'PNG' then return nil end
  local function u32(at)
    local a, b, c, d = contents:byte(at, at + 3)
    return ((a * 256 + b) * 256 + c) * 256 + d
  end
  local width, height = u32(17), u32(21)
  return width > 0 and height / width or nil
end

local function image_call(img)
  local alt = img.attributes['alt'] or pandoc.utils.stringify(img.caption)
  -- the path pandoc gives the file it extracts (written raw, so pandoc does not rewrite it)
  local src = img.src
  if media_dir ~= '' and not src:find('/', 1, true) then
    src = media_dir .. '/' .. src
  end
  local ratio = png_ratio(img.src)
  local size = 'width: 100%'
  if ratio and ratio * TEXT_WIDTH_CM > CHART_MAX_HEIGHT_CM then
    size = string.format('height: %.1fcm', CHART_MAX_HEIGHT_CM)
  end
  local args = typst_string(src) .. ', ' .. size
  if alt ~= '' then
    args = args .. ', alt: ' .. typst_string(alt)
  end
  return 'image(' .. args .. ')'
end

local function caption_typst(div)
  local inlines = pandoc.Inlines{}
  for _, block in ipairs(div.content) do
    if block.content then
      if #inlines > 0 then inlines:insert(pandoc.Space()) end
      inlines:extend(block.content)
    end
  end
  return typst_of({pandoc.Plain(inlines)})
end

local function figure(img, caption)
  local body = img and image_call(img) or '[]'
  return pandoc.RawBlock('typst', '#figure(' .. body .. ',\n  caption: [' .. caption_typst(caption)
    .. '],\n  kind: image,\n)')
end

local function table_rows(tbl)
  local n = 0
  for _, body in ipairs(tbl.bodies) do
    n = n + #body.body
  end
  return n
end

local function raw_text(parts, text)
  -- what cell_text counts of a RawInline
  if text:match('^#box%(fill') then
    parts[#parts + 1] = 'M'
  elseif not text:match('^#') and text ~= ']' then
    parts[#parts + 1] = text:gsub('\\(.)', '%1')
  end
end

local function cell_text_walked(blocks)
  -- cell_text by pandoc's walk: any element, in pandoc's order
  local parts = {}
  pandoc.Blocks(blocks):walk({
    RawInline = function(el) raw_text(parts, el.text) end,
    Str = function(el) parts[#parts + 1] = el.text end,
    Space = function() parts[#parts + 1] = ' ' end,
    SoftBreak = function() parts[#parts + 1] = ' ' end,
  })
  return table.concat(parts)
end

-- inlines whose children are just inlines, and inlines without children that add no text
local INLINE_CONTAINERS = {Emph = true, Strong = true, Span = true, Underline = true, Strikeout = true,
                           Superscript = true, Subscript = true, SmallCaps = true}
local SILENT_LEAVES = {LineBreak = true, Code = true, Math = true}

local function inline_text(parts, inlines)
  -- adds the text of inlines to parts as the walk does (depth first, in order); false for an
  -- element it does not know
  for _, el in ipairs(inlines) do
    local t = el.t
    if t == 'RawInline' then
      raw_text(parts, el.text)
    elseif t == 'Str' then
      parts[#parts + 1] = el.text
    elseif t == 'Space' or t == 'SoftBreak' then
      parts[#parts + 1] = ' '
    elseif INLINE_CONTAINERS[t] then
      if not inline_text(parts, el.content) then return false end
    elseif not SILENT_LEAVES[t] then
      return false
    end
  end
  return true
end

local function is_unit(contents, text)
  -- a cell whose content is one unbreakable unit (a status, a date), or a dash / nothing
  -- (contents: the cell's blocks, text: their cell_text)
  if text == '' or text == '–' then return true end
  local first = contents[1]
  local inline = first and first.content and first.content[1]
  return inline ~= nil and inline.t == 'RawInline' and inline.text == '#box['
end

local function measure_cell(contents)
  -- The text a cell shows (cell_text), and whether it is a unit (is_unit). After pass 3 its
  -- Str are escaped raw Typst (stringify would skip them); a status mark counts as one
  -- character, other Typst code as none. A cell of paragraphs of text and spans is read
  -- directly (a pandoc walk per cell made the filter slow); any other cell is walked.
  local parts, first = {}, nil
  for i, block in ipairs(contents) do
    local t = block.t
    local content = (t == 'Plain' or t == 'Para') and block.content
    if not (content and inline_text(parts, content)) then
      local text = cell_text_walked(contents)
      return text, is_unit(contents, text)
    end
    if i == 1 then first = content[1] end
  end
  local text = table.concat(parts)
  if text == '' or text == '–' then return text, true end
  return text, first ~= nil and first.t == 'RawInline' and first.text == '#box['
end

local function words_max(text)
  local longest = 0
  for word in text:gmatch('%S+') do
    longest = math.max(longest, utf8.len(word) or #word)
  end
  return longest
end

local function columns_spec(tbl)
  -- Column widths as a browser lays out an automatic table, in characters of table text: every
  -- column gets at least its longest word (the whole text of a status or a date, which never
  -- breaks), and what is left of the line goes to the columns that would like more, in
  -- proportion to how much more. Written as fr units, which Typst scales to the real width,
  -- so that no header or cell runs into its neighbour and short columns do not wrap mid-word.
  local n = #tbl.colspecs
  local least, most, unit = {}, {}, {}
  for c = 1, n do least[c], most[c], unit[c] = 0, 0, true end
  local function measure(row, is_body)
    for c, cell in ipairs(row.cells) do
      local text, cell_unit = measure_cell(cell.contents)
      local length = utf8.len(text) or #text
      if is_body and not cell_unit then unit[c] = false end
      least[c] = math.max(least[c], (cell_unit and length or words_max(text)) * WIDE_LETTERS)
      most[c] = math.max(most[c], length)
    end
  end
  for _, row in ipairs(tbl.head.rows) do measure(row, false) end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do measure(row, true) end
  end
  local least_total, most_total, spare = 0, 0, 0
  for c = 1, n do
    least[c] = least[c] + CELL_PADDING_CHARS
    most[c] = math.max(most[c] + CELL_PADDING_CHARS, least[c])
    least_total, most_total = least_total + least[c], most_total + most[c]
  end
  if most_total <= LINE_CHARS then
    return 'columns: ' .. n .. ',', false  -- it fits unwrapped: every column as wide as its content
  end
  local widths = {}
  spare = math.max(LINE_CHARS - least_total, 0)
  for c = 1, n do
    local wish = most[c] - least[c]
    widths[c] = least[c] + (most_total > least_total and spare * wish / (most_total - least_total) or 0)
  end
  local parts = {}
  for c = 1, n do parts[c] = string.format('%.2ffr', widths[c]) end
  -- tight: even the longest words do not fit side by side, so headers may be hyphenated
  return 'columns: (' .. table.concat(parts, ', ') .. '),', least_total > LINE_CHARS
end

local function table_block(tbl, note)
  local source = typst_of({tbl})
  local columns, tight = columns_spec(tbl)
  source = source:gsub('columns: [^\n]*,\n', function() return columns .. '\n' end, 1)
  if tight then
    source = '#[\n#show table.cell.where(y: 0): set text(hyphenate: true)\n' .. source .. '\n]'
  end
  if pandoc.utils.stringify(tbl.caption.long) == '' then
    -- an uncaptioned table is not numbered (the HTML numbers captioned tables only)
    source = source:gsub('kind: table%s*%)%s*$', 'kind: table, numbering: none)')
  end
  if note then
    source = source .. '\n\n' .. typst_of(note.content)
  end
  if table_rows(tbl) <= SHORT_TABLE_ROWS then
    source = '#sb-keep-if-short[\n' .. source .. '\n]'
  end
  return pandoc.RawBlock('typst', source)
end

local function changes(list)
  -- whether the Blocks pass below changes the list: it has a chart, a caption or a table
  for _, block in ipairs(list) do
    local t = block.t
    if t == 'Table' or (t == 'Div' and block.classes:includes('sb-figcaption')) or lone_image(block) then
      return true
    end
  end
  return false
end

local blocks = {
  Blocks = function(list)
    if not changes(list) then return nil end -- most lists (a table's cells) stay as they are
    local out = pandoc.Blocks{}
    local i = 1
    while i <= #list do
      local block, following = list[i], list[i + 1]
      local img = lone_image(block)
      if img and has_class(following, 'sb-figcaption') then
        out:insert(figure(img, following))
        i = i + 2
      elseif img then
        out:insert(pandoc.RawBlock('typst', '#align(center, ' .. image_call(img) .. ')'))
        i = i + 1
      elseif has_class(block, 'sb-figcaption') then
        out:insert(figure(nil, block))
        i = i + 1
      elseif block.t == 'Table' then
        local note = has_class(following, 'sb-table-note') and following or nil
        out:insert(table_block(block, note))
        i = i + (note and 2 or 1)
      else
        out:insert(block)
        i = i + 1
      end
    end
    return out
  end,
}

return {structure, status_units, marks, text, blocks}
