-- The matrix of packages x targets (the server's crossls/matrix), drawn as a
-- grid in a floating window: one row per package, one column per target, a
-- status per cell. <CR> on a cell jumps to its first error.
local compat = require('crossls.compat')

local M = {}

-- The last matrix per client id, from crossls/matrixChanged or an answer
-- to crossls/matrix.
M.latest = {}

-- Highlight groups, linked by default so that a colour scheme can set its own.
M.groups = {
  CrosslsMatrixNormal = 'Normal',
  CrosslsMatrixBorder = 'CrosslsMatrixNormal',
  CrosslsMatrixHeader = 'Title',
  CrosslsMatrixPackage = 'Identifier',
  CrosslsMatrixOk = 'DiagnosticOk',
  CrosslsMatrixFail = 'DiagnosticError',
  CrosslsMatrixNoFiles = 'Comment',
  CrosslsMatrixUnchecked = 'DiagnosticWarn',
  CrosslsMatrixNone = 'NonText',
}

function M.define_highlights()
  -- DiagnosticOk is Neovim 0.10+; before it, a green of its own (String,
  -- the usual fallback, is red in 0.7's default colours).
  local has_ok = vim.fn.hlexists('DiagnosticOk') == 1
  for group, link in pairs(M.groups) do
    if link ~= 'DiagnosticOk' or has_ok then
      vim.cmd(string.format('highlight default link %s %s', group, link))
    end
  end
  if not has_ok then
    local green = vim.o.background == 'light' and 'DarkGreen' or 'LightGreen'
    vim.cmd(string.format('highlight default CrosslsMatrixOk ctermfg=%s guifg=%s', green, green))
  end
end

-- What a cell shows, and its highlight group, by state.
local CELLS = {
  ok = { 'ok', 'CrosslsMatrixOk' },
  fail = { 'FAIL', 'CrosslsMatrixFail' },
  nofiles = { 'none', 'CrosslsMatrixNoFiles' },
  unchecked = { '?', 'CrosslsMatrixUnchecked' },
  absent = { '-', 'CrosslsMatrixNone' },
}

-- state returns the state of a verdict: ok, fail, nofiles (no Go files for
-- the target), unchecked, or absent (not a target of the package's module).
function M.state(v)
  if type(v) ~= 'table' then
    return 'absent'
  end
  if v.status == 'ok' then
    return 'ok'
  elseif v.status == 'fail' then
    return v.class == 'no-go-files' and 'nofiles' or 'fail'
  end
  return 'unchecked'
end

local function pad(s, n)
  return s .. string.rep(' ', n - vim.fn.strdisplaywidth(s))
end

-- render lays out matrix m. It returns the lines, the highlights as
-- {group, line, start byte, end byte} (0-based), and the cells as
-- cells[line] = {{first byte, last byte, target, package}, ...} (1-based
-- lines as the cursor gives them, 0-based bytes).
function M.render(m)
  local targets = m.targets or {}
  local packages = m.packages or {}
  local failing = 0
  local pkg_width = #'package'
  for _, p in ipairs(packages) do
    pkg_width = math.max(pkg_width, #p.path)
    for _, t in ipairs(targets) do
      if M.state((p.targets or {})[t]) == 'fail' then
        failing = failing + 1
      end
    end
  end
  local widths = {}
  for i, t in ipairs(targets) do
    widths[i] = math.max(#t, 4)
  end

  local lines, highlights, cells = {}, {}, {}
  lines[1] = string.format(
    'crossls: %d package%s x %d target%s, %d failing   <CR> first error  q close',
    #packages,
    #packages == 1 and '' or 's',
    #targets,
    #targets == 1 and '' or 's',
    failing
  )
  local header = pad('package', pkg_width)
  local col = #header
  local header_hl = { { 'CrosslsMatrixHeader', 1, 0, #header } }
  for i, t in ipairs(targets) do
    header = header .. '  ' .. pad(t, widths[i])
    header_hl[#header_hl + 1] = { 'CrosslsMatrixHeader', 1, col + 2, col + 2 + #t }
    col = #header
  end
  lines[2] = header
  vim.list_extend(highlights, header_hl)

  for _, p in ipairs(packages) do
    local line = pad(p.path, pkg_width)
    local n = #lines -- 0-based index of this line
    highlights[#highlights + 1] = { 'CrosslsMatrixPackage', n, 0, #p.path }
    local row = {}
    for i, t in ipairs(targets) do
      local cell = CELLS[M.state((p.targets or {})[t])]
      local start = #line + 2
      line = line .. '  ' .. pad(cell[1], widths[i])
      highlights[#highlights + 1] = { cell[2], n, start, start + #cell[1] }
      row[#row + 1] = { start, start + widths[i] - 1, t, p }
    end
    lines[#lines + 1] = line
    cells[n + 1] = row
  end
  if #packages == 0 then
    lines[#lines + 1] = 'nothing checked yet: open a Go file of a module'
  end
  return lines, highlights, cells
end

-- location returns where the cell of package p and target t opens: its
-- verdict's first error, else the first error finding of that package and
-- target.
function M.location(m, p, t)
  local v = (p.targets or {})[t]
  if type(v) ~= 'table' or v.status == 'ok' then
    return nil
  end
  if type(v.location) == 'table' then
    return v.location
  end
  for _, d in ipairs(m.diagnostics or {}) do
    if d.package == p.path and d.severity == 'error' and type(d.location) == 'table' and vim.tbl_contains(d.targets or {}, t) then
      return d.location
    end
  end
  return nil
end

-- utf16_to_byte converts an LSP character offset (UTF-16 code units) in
-- line to a byte offset.
local function utf16_to_byte(line, character)
  local units, i = 0, 1
  while i <= #line and units < character do
    local b = line:byte(i)
    local len = b >= 0xF0 and 4 or b >= 0xE0 and 3 or b >= 0xC0 and 2 or 1
    units = units + (len == 4 and 2 or 1)
    i = i + len
  end
  return i - 1
end

-- jump opens a location in the current window, cursor at its start.
function M.jump(loc)
  vim.cmd('edit ' .. vim.fn.fnameescape(vim.uri_to_fname(loc.uri)))
  local line = loc.range.start.line
  local text = vim.api.nvim_buf_get_lines(0, line, line + 1, false)[1] or ''
  vim.api.nvim_win_set_cursor(0, { line + 1, utf16_to_byte(text, loc.range.start.character) })
end

-- The open grid: {win, buf, client_id, matrix, cells}.
local view

local ns = vim.api.nvim_create_namespace('crossls_matrix')

local function close()
  if view and vim.api.nvim_win_is_valid(view.win) then
    vim.api.nvim_win_close(view.win, true)
  end
  view = nil
end

-- cell_under_cursor returns the package and target of the cell under the
-- cursor of the grid, if any.
local function cell_under_cursor()
  local pos = vim.api.nvim_win_get_cursor(view.win)
  for _, c in ipairs(view.cells[pos[1]] or {}) do
    if pos[2] >= c[1] - 2 and pos[2] <= c[2] then
      return c[4], c[3]
    end
  end
  return nil
end

local function open_cell()
  if not view then
    return
  end
  local p, t = cell_under_cursor()
  if p == nil then
    return
  end
  local loc = M.location(view.matrix, p, t)
  if loc == nil then
    vim.notify(string.format('crossls: %s builds for %s', p.path, t), vim.log.levels.INFO, { title = 'crossls' })
    return
  end
  close()
  M.jump(loc)
end

local function draw(m)
  local lines, highlights, cells = M.render(m)
  vim.bo[view.buf].modifiable = true
  vim.api.nvim_buf_set_lines(view.buf, 0, -1, false, lines)
  vim.bo[view.buf].modifiable = false
  vim.api.nvim_buf_clear_namespace(view.buf, ns, 0, -1)
  for _, h in ipairs(highlights) do
    vim.api.nvim_buf_set_extmark(view.buf, ns, h[2], h[3], { end_col = h[4], hl_group = h[1] })
  end
  view.matrix, view.cells = m, cells
  return lines
end

-- layout returns the floating window's size and place for lines: centred,
-- as wide as the widest line within the editor.
local function layout(lines)
  local width = 0
  for _, l in ipairs(lines) do
    width = math.max(width, vim.fn.strdisplaywidth(l))
  end
  width = math.min(width + 1, math.max(vim.o.columns - 4, 20))
  local height = math.min(#lines, math.max(vim.o.lines - 6, 3))
  return {
    relative = 'editor',
    row = math.max(math.floor((vim.o.lines - height) / 2) - 1, 0),
    col = math.max(math.floor((vim.o.columns - width) / 2), 0),
    width = width,
    height = height,
  }
end

-- redraw draws m into the open grid and fits its window to the new lines
-- (a target or a package more).
local function redraw(m)
  local lines = draw(m)
  vim.api.nvim_win_set_config(view.win, layout(lines))
end

-- show draws matrix m of client_id in a floating window, or redraws the
-- open one.
function M.show(m, client_id)
  M.define_highlights()
  if view and vim.api.nvim_win_is_valid(view.win) then
    redraw(m)
    return view
  end
  local buf = vim.api.nvim_create_buf(false, true)
  vim.bo[buf].bufhidden = 'wipe'
  view = { buf = buf, client_id = client_id }
  local lines = draw(m)
  local config = layout(lines)
  config.style = 'minimal'
  config.border = 'rounded'
  view.win = vim.api.nvim_open_win(buf, true, config)
  vim.wo[view.win].wrap = false
  vim.wo[view.win].cursorline = true
  -- The editor's colours by default, whatever a colour scheme gives
  -- floating windows (Neovim 0.7's default draws them magenta), so that
  -- the cells' own colours stay readable; linkable like the cells.
  vim.wo[view.win].winhighlight = 'NormalFloat:CrosslsMatrixNormal,FloatBorder:CrosslsMatrixBorder'
  vim.bo[buf].filetype = 'crosslsmatrix'
  vim.api.nvim_win_set_cursor(view.win, { math.min(3, #lines), 0 })
  local opts = { buffer = buf, nowait = true, silent = true }
  vim.keymap.set('n', '<CR>', open_cell, opts)
  vim.keymap.set('n', 'q', close, opts)
  vim.keymap.set('n', '<Esc>', close, opts)
  return view
end

-- open asks the buffer's client for the matrix and shows it.
function M.open(bufnr)
  local crossls = require('crossls')
  local client, err = crossls.client(bufnr)
  if client == nil then
    vim.notify('crossls: ' .. err, vim.log.levels.ERROR, { title = 'crossls' })
    return false
  end
  compat.request(client, 'crossls/matrix', {}, function(e, result)
    if e ~= nil or type(result) ~= 'table' then
      vim.notify('crossls: crossls/matrix: ' .. (e and e.message or 'no answer'), vim.log.levels.ERROR, { title = 'crossls' })
      return
    end
    local latest = M.latest[client.id]
    if latest == nil or (result.version or 0) >= (latest.version or 0) then
      M.latest[client.id] = result
    end
    M.show(M.latest[client.id], client.id)
  end, bufnr)
  return true
end

-- changed records a crossls/matrixChanged and redraws an open grid of that
-- client.
function M.changed(client_id, m)
  M.latest[client_id] = m
  if view and view.client_id == client_id and vim.api.nvim_win_is_valid(view.win) then
    redraw(m)
  end
end

-- current returns the open grid's window and buffer, if any (for tests and
-- statuslines).
function M.current()
  if view and vim.api.nvim_win_is_valid(view.win) then
    return view
  end
  return nil
end

M.close = close
M.open_cell = open_cell

return M
